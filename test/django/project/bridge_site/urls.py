from django.urls import path

from rest_framework_simplejwt import views as jwt_views

from . import credential_views, views

urlpatterns = [
    path('whoami/', views.whoami, name='whoami'),
    path('login/', views.login, name='login'),
    path('logout/', views.logout, name='logout'),
    path('csrf/', views.csrf_token, name='csrf_token'),
    path('csrf/post/', views.csrf_post, name='csrf_post'),
    path('drf/me/', credential_views.DrfMe.as_view(), name='drf_me'),
    path('jwt/me/', credential_views.JwtMe.as_view(), name='jwt_me'),
    path('jwt/token/', jwt_views.TokenObtainPairView.as_view(), name='token_obtain_pair'),
    path('jwt/token/refresh/', jwt_views.TokenRefreshView.as_view(), name='token_refresh'),
    path('jwt/token/verify/', jwt_views.TokenVerifyView.as_view(), name='token_verify'),
    path('jwt/token/blacklist/', jwt_views.TokenBlacklistView.as_view(), name='token_blacklist'),
    path('reset/<uidb64>/<token>/', credential_views.password_reset_confirm, name='password_reset_confirm'),
]
