from django.urls import path

from . import views

urlpatterns = [
    path('whoami/', views.whoami, name='whoami'),
    path('login/', views.login, name='login'),
    path('logout/', views.logout, name='logout'),
    path('csrf/', views.csrf_token, name='csrf_token'),
    path('csrf/post/', views.csrf_post, name='csrf_post'),
]
