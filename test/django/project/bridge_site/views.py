import json

from django.contrib.auth import authenticate, login as auth_login, logout as auth_logout
from django.http import JsonResponse
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
