"""Views for the credentials other than the session cookie: DRF tokens, SimpleJWT and password-reset
links. The live proof (test/e2e) sends what Nest issued here, and Django's answer is the truth.

  GET  /drf/me/                       TokenAuthentication only
  GET  /jwt/me/                       JWTAuthentication only
  POST /jwt/token/ ... /refresh/ /verify/ /blacklist/   SimpleJWT's own views
  GET  /reset/<uidb64>/<token>/       is the link valid (PasswordResetConfirmView's checks), as JSON
  POST /reset/<uidb64>/<token>/       {"password"}: sets it, as the confirm form does on a valid link
"""
import json

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.utils.http import urlsafe_base64_decode
from django.views.decorators.csrf import csrf_exempt
from rest_framework.authentication import TokenAuthentication
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.authentication import JWTAuthentication


class DrfMe(APIView):
    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]

    def get(self, request):
        return Response({'username': request.user.get_username(), 'auth': 'token'})


class JwtMe(APIView):
    authentication_classes = [JWTAuthentication]
    permission_classes = [IsAuthenticated]

    def get(self, request):
        return Response({'username': request.user.get_username(), 'auth': 'jwt', 'claims': dict(request.auth.payload)})


def reset_user(uidb64):
    """PasswordResetConfirmView.get_user: a bad or unknown uid is no user, never an error."""
    User = get_user_model()
    try:
        uid = urlsafe_base64_decode(uidb64).decode()
        return User._default_manager.get(pk=uid)
    except (TypeError, ValueError, OverflowError, User.DoesNotExist, ValidationError):
        return None


@csrf_exempt
def password_reset_confirm(request, uidb64, token):
    user = reset_user(uidb64)
    valid = user is not None and default_token_generator.check_token(user, token)
    if request.method == 'GET':
        return JsonResponse({'valid': valid, 'username': user.get_username() if valid else None})
    if request.method != 'POST':
        return JsonResponse({'error': 'method not allowed'}, status=405)
    if not valid:
        return JsonResponse({'valid': False, 'error': 'invalid link'}, status=400)
    try:
        password = json.loads(request.body or b'{}').get('password')
    except (ValueError, AttributeError):
        return JsonResponse({'error': 'invalid JSON'}, status=400)
    if not isinstance(password, str) or not password:
        return JsonResponse({'error': 'password required'}, status=400)
    user.set_password(password)
    user.save()
    return JsonResponse({'valid': True, 'username': user.get_username(), 'password_changed': True})
