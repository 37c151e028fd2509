"""The Django twins of the Nest sample's routes, answering the same JSON."""
import json

from django.contrib.auth import authenticate, login as auth_login
from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.views.decorators.http import require_GET, require_POST

UNAUTHORIZED = {'statusCode': 401, 'message': 'Unauthorized'}


def user_view(user):
    """As the sample's UserViewService: groups, then every permission (direct and via groups)."""
    return {
        'id': user.pk,
        'username': user.get_username(),
        'email': user.email,
        'isStaff': user.is_staff,
        'isSuperuser': user.is_superuser,
        'groups': sorted(user.groups.values_list('name', flat=True)),
        'permissions': sorted(user.get_all_permissions()),
    }


@require_GET
def health(request):
    """Unguarded: never touches request.session or request.user, so a cookie costs no query."""
    return JsonResponse({'status': 'ok'})


@require_GET
def csrf_token(request):
    return JsonResponse({'csrfToken': get_token(request)})


@require_POST
def login(request):
    """CSRF-protected (CsrfViewMiddleware), as the sample's POST /api/login."""
    try:
        body = json.loads(request.body or b'{}')
    except ValueError:
        return JsonResponse({'statusCode': 400, 'message': 'invalid JSON'}, status=400)
    username, password = body.get('username'), body.get('password')
    if not isinstance(username, str) or not isinstance(password, str):
        return JsonResponse({'statusCode': 400, 'message': 'username and password'}, status=400)
    user = authenticate(request, username=username, password=password)
    if user is None:
        return JsonResponse({'statusCode': 401, 'message': 'Invalid username or password.'}, status=401)
    auth_login(request, user)
    return JsonResponse(user_view(user))


@require_GET
def me(request):
    if not request.user.is_authenticated:
        return JsonResponse(UNAUTHORIZED, status=401)
    return JsonResponse(user_view(request.user))


@require_GET
def guard(request):
    """The session guard alone (the sample's GET /api/session): the session and the user, nothing more."""
    if not request.user.is_authenticated:
        return JsonResponse(UNAUTHORIZED, status=401)
    return JsonResponse({'id': request.user.pk, 'username': request.user.get_username()})


def csrf_failure(request, reason=''):
    return JsonResponse({'statusCode': 403, 'message': 'CSRF verification failed', 'reason': reason}, status=403)
