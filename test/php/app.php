<?php
// The PHP side of the three-way tests, run with `php -S host:port app.php`: a small JSON app on
// contrib/php, configured from the environment.
//
//   DJB_DSN, DJB_DB_USER, DJB_DB_PASSWORD   PDO connection to the Django database
//   DJB_SECRET_KEY, DJB_SECRET_KEY_FALLBACKS (comma-separated)
//   DJB_TIME_ZONE                           zone of naive datetimes (default UTC)
//   DJB_COOKIE_AGE                          seconds (default 1209600)
//   DJB_SESSION_NAME                        cookie name (default PHPSESSID)
//
// POST /login {username, password}, GET /me, POST /logout, GET /session (the whole $_SESSION),
// POST /session (merges the JSON object into $_SESSION), GET /health.

declare(strict_types=1);

require __DIR__ . '/../../contrib/php/autoload.php';

use DjangoBridge\DjangoAuth;
use DjangoBridge\DjangoSessionHandler;

ini_set('display_errors', '0');
header('Content-Type: application/json');

function reply(int $status, mixed $body): never
{
    http_response_code($status);
    echo $body === null ? '' : json_encode($body, JSON_UNESCAPED_SLASHES | JSON_PRESERVE_ZERO_FRACTION | JSON_INVALID_UTF8_SUBSTITUTE);
    exit;
}

$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
$method = $_SERVER['REQUEST_METHOD'];
if ($path === '/health') {
    reply(200, ['ok' => true]);
}

try {
    $pdo = new PDO((string) getenv('DJB_DSN'), getenv('DJB_DB_USER') ?: null, getenv('DJB_DB_PASSWORD') ?: null, [PDO::ATTR_TIMEOUT => 2]);
    $zone = getenv('DJB_TIME_ZONE') ?: 'UTC';
    DjangoSessionHandler::register($pdo, ['cookie_age' => (int) (getenv('DJB_COOKIE_AGE') ?: 1209600), 'time_zone' => $zone]);
    $auth = new DjangoAuth($pdo, [
        'secret_key' => (string) getenv('DJB_SECRET_KEY'),
        'secret_key_fallbacks' => array_filter(explode(',', (string) getenv('DJB_SECRET_KEY_FALLBACKS'))),
        'time_zone' => $zone,
    ]);
    session_name(getenv('DJB_SESSION_NAME') ?: 'PHPSESSID');
    session_set_cookie_params(['path' => '/', 'httponly' => true, 'samesite' => 'Lax']);
    session_start();

    $body = json_decode((string) file_get_contents('php://input'), true);
    $body = is_array($body) ? $body : [];
    if ($path === '/login' && $method === 'POST') {
        $user = $auth->authenticate((string) ($body['username'] ?? ''), (string) ($body['password'] ?? ''));
        if ($user === null) {
            reply(401, ['detail' => 'Invalid username or password.']);
        }
        $auth->login($user);
        reply(200, $auth->user());
    }
    if ($path === '/me' && $method === 'GET') {
        $user = $auth->user();
        reply($user === null ? 401 : 200, $user ?? ['detail' => 'Not logged in.']);
    }
    if ($path === '/logout' && $method === 'POST') {
        $auth->logout();
        reply(204, null);
    }
    if ($path === '/session' && $method === 'GET') {
        reply(200, ['sessionId' => session_id(), 'data' => $_SESSION]);
    }
    if ($path === '/session' && $method === 'POST') {
        foreach ($body as $key => $value) {
            $_SESSION[$key] = $value;
        }
        reply(200, ['sessionId' => session_id(), 'data' => $_SESSION]);
    }
    reply(404, ['detail' => 'Not found.']);
} catch (PDOException $e) {
    error_log('test app: database unavailable: ' . $e->getMessage());
    reply(503, ['detail' => 'Service unavailable.']);
}
