from django.urls import path

from . import views

# The Nest sample's routes, one for one (see bench/django-vs-nest.mjs).
urlpatterns = [
    path('health', views.health),
    path('api/csrf', views.csrf_token),
    path('api/login', views.login),
    path('api/me', views.me),
    path('guard', views.guard),
]
