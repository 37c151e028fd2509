from django.urls import path

from . import views

urlpatterns = [
    path('whoami/', views.whoami, name='whoami'),
    path('login/', views.login, name='login'),
    path('logout/', views.logout, name='logout'),
]
