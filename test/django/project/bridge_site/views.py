import json

from django.contrib.auth import authenticate, login as auth_login, logout as auth_logout
from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST


def user_json(user):
    if not user.is_authenticated:
        return {
            'authenticated': False,
            'id': None,
            'username': None,
            'is_staff': False,
            'is_superuser': False,
            'permissions': [],
            'groups': [],
        }
    return {
        'authenticated': True,
        'id': user.pk,
        'username': user.get_username(),
        'is_staff': user.is_staff,
        'is_superuser': user.is_superuser,
        'permissions': sorted(user.get_all_permissions()),
        'groups': sorted(user.groups.values_list('name', flat=True)),
    }


@require_GET
def whoami(request):
    return JsonResponse(user_json(request.user))


@csrf_exempt
@require_POST
def login(request):
    try:
        body = json.loads(request.body or b'{}')
    except ValueError:
        return JsonResponse({'error': 'invalid JSON'}, status=400)
    user = authenticate(request, username=body.get('username'), password=body.get('password'))
    if user is None:
        return JsonResponse({'error': 'invalid credentials'}, status=401)
    auth_login(request, user)
    return JsonResponse(user_json(user))


@csrf_exempt
@require_POST
def logout(request):
    auth_logout(request)
    return JsonResponse({'ok': True})


@require_GET
def csrf_token(request):
    """A masked token for the request's CSRF secret; CsrfViewMiddleware sets the cookie if new."""
    return JsonResponse({'token': get_token(request)})


@require_POST
def csrf_post(request):
    """Protected by CsrfViewMiddleware (not exempt): reached only with a token Django accepts."""
    return JsonResponse({'ok': True, 'user': user_json(request.user)})


def csrf_failure(request, reason=''):
    """CSRF_FAILURE_VIEW: Django's reason as JSON instead of the HTML page."""
    return JsonResponse({'error': 'CSRF verification failed', 'reason': reason}, status=403)
