<?php

declare(strict_types=1);

namespace DjangoBridge;

use PDO;

/**
 * Django's login, logout and request.user for PHP, over the session that DjangoSessionHandler
 * keeps in django_session and the users in auth_user. What login() writes is what
 * django.contrib.auth.login writes, so Django and the Nest bridge accept the session, and user()
 * applies Django's checks to sessions they wrote: the backend is known, the user exists and is
 * active, and `_auth_user_hash` matches the current password hash.
 *
 * Options:
 *   secret_key             SECRET_KEY (required)
 *   secret_key_fallbacks   SECRET_KEY_FALLBACKS: hashes made under them are accepted and
 *                          re-made under secret_key, as Django 4.1.8+ does
 *   hashing_algorithm      "sha256" (default) or "sha1" (DEFAULT_HASHING_ALGORITHM on 3.1/3.2)
 *   accept_legacy_sha1     also accept sha1 hashes under secret_key, as Django 3.1/3.2 do
 *   backend                written as `_auth_user_backend` (default ModelBackend)
 *   authentication_backends AUTHENTICATION_BACKENDS accepted on read (default: backend)
 *   user_table             the user model's table (default "auth_user"); needs the columns
 *                          id, password, username, email, is_active, is_staff, is_superuser
 *   username_field         USERNAME_FIELD (default "username")
 *   password_limits        work-factor limits for DjangoPasswordHasher
 *   time_zone              zone of naive datetimes (last_login) on MySQL and SQLite: "UTC" when
 *                          Django has USE_TZ = True (default), else Django's TIME_ZONE
 */
final class DjangoAuth
{
    public const SESSION_KEY = '_auth_user_id';
    public const BACKEND_SESSION_KEY = '_auth_user_backend';
    public const HASH_SESSION_KEY = '_auth_user_hash';
    public const MODEL_BACKEND = 'django.contrib.auth.backends.ModelBackend';

    private readonly string $secretKey;
    /** @var list<string> */
    private readonly array $fallbackKeys;
    private readonly string $algorithm;
    private readonly bool $acceptLegacySha1;
    private readonly string $backend;
    /** @var list<string> */
    private readonly array $backends;
    private readonly string $userTable;
    private readonly string $usernameField;
    private readonly DjangoPasswordHasher $hasher;
    private readonly DatabaseDateTime $dates;
    private ?array $cachedUser = null;
    private bool $resolved = false;

    public function __construct(private readonly PDO $pdo, array $options)
    {
        $secret = $options['secret_key'] ?? '';
        if (!is_string($secret) || $secret === '') {
            throw new \InvalidArgumentException('secret_key is required');
        }
        $this->secretKey = $secret;
        // An empty fallback would make hashes anyone can compute; those are dropped.
        $this->fallbackKeys = array_values(array_filter((array) ($options['secret_key_fallbacks'] ?? []), static fn ($k) => is_string($k) && $k !== ''));
        $this->algorithm = (string) ($options['hashing_algorithm'] ?? 'sha256');
        SessionAuthHash::make('', 'x', $this->algorithm);
        $this->acceptLegacySha1 = (bool) ($options['accept_legacy_sha1'] ?? false);
        $this->backend = (string) ($options['backend'] ?? self::MODEL_BACKEND);
        $this->backends = array_values((array) ($options['authentication_backends'] ?? [$this->backend]));
        foreach (['user_table' => 'auth_user', 'username_field' => 'username'] as $name => $default) {
            $value = $options[$name] ?? $default;
            if (!is_string($value) || preg_match('/^[A-Za-z_][A-Za-z0-9_]*$/D', $value) !== 1) {
                throw new \InvalidArgumentException("{$name} must be a plain SQL identifier");
            }
        }
        $this->userTable = $options['user_table'] ?? 'auth_user';
        $this->usernameField = $options['username_field'] ?? 'username';
        $this->hasher = new DjangoPasswordHasher($options['password_limits'] ?? []);
        $pdo->setAttribute(PDO::ATTR_ERRMODE, PDO::ERRMODE_EXCEPTION);
        $this->dates = new DatabaseDateTime((string) $pdo->getAttribute(PDO::ATTR_DRIVER_NAME), (string) ($options['time_zone'] ?? 'UTC'));
    }

    /**
     * ModelBackend.authenticate: the user with this username whose password verifies and who is
     * active, else null. An unknown username still costs one hash, so timing does not tell.
     */
    public function authenticate(string $username, string $password): ?array
    {
        $user = $this->fetchUser("{$this->usernameField} = ?", [$username]);
        if ($user === null) {
            hash_pbkdf2('sha256', $password, 'django-bridge-timing', 260000);
            return null;
        }
        if (!$this->hasher->verify($password, $user['password']) || !$user['is_active']) {
            return null;
        }
        return $user;
    }

    /**
     * django.contrib.auth.login: a new session id (unless the same user is already logged in),
     * then the three keys Django reads, and last_login set (Django's update_last_login receiver).
     */
    public function login(array $user): void
    {
        $this->requireSession();
        $this->pdo->prepare("UPDATE {$this->userTable} SET last_login = ? WHERE id = ?")->execute([$this->dates->format(DatabaseDateTime::now()), $user['id']]);
        $hash = $this->sessionAuthHash($user['password']);
        if (array_key_exists(self::SESSION_KEY, $_SESSION)) {
            if ((string) $_SESSION[self::SESSION_KEY] !== (string) $user['id'] || !hash_equals((string) ($_SESSION[self::HASH_SESSION_KEY] ?? ''), $hash)) {
                // Someone else's session (or a stale one): flush, nothing of it carries over.
                $_SESSION = [];
                session_regenerate_id(true);
            }
            // The same user logging in again keeps the session and its id, as in Django.
        } else {
            // An anonymous session keeps its data under a new id (cycle_key).
            session_regenerate_id(true);
        }
        // Django writes the primary key with value_to_string: always a string.
        $_SESSION[self::SESSION_KEY] = (string) $user['id'];
        $_SESSION[self::BACKEND_SESSION_KEY] = $this->backend;
        $_SESSION[self::HASH_SESSION_KEY] = $hash;
        $this->cachedUser = self::publicFields($user);
        $this->resolved = true;
    }

    /**
     * request.user: the logged-in user (without the password hash), or null for anonymous. A
     * session whose hash no longer matches is flushed, as Django does.
     */
    public function user(): ?array
    {
        if ($this->resolved) {
            return $this->cachedUser;
        }
        $this->requireSession();
        $this->resolved = true;
        $id = $_SESSION[self::SESSION_KEY] ?? null;
        $backend = $_SESSION[self::BACKEND_SESSION_KEY] ?? null;
        if ((!is_string($id) && !is_int($id)) || !is_string($backend) || !in_array($backend, $this->backends, true)) {
            return $this->cachedUser = null;
        }
        $id = (string) $id;
        if (filter_var($id, FILTER_VALIDATE_INT) === false) {
            return $this->cachedUser = null;
        }
        $id = (string) (int) $id;
        $user = $this->fetchUser('id = ?', [$id]);
        if ($user === null || !$user['is_active']) {
            return $this->cachedUser = null;
        }
        $status = $this->verifySessionHash($_SESSION[self::HASH_SESSION_KEY] ?? null, $user['password']);
        if ($status === 'invalid') {
            $this->flush();
            return $this->cachedUser = null;
        }
        if ($status === 'fallback') {
            // Made under a retired key: re-key the session and store the current hash.
            session_regenerate_id(true);
            $_SESSION[self::HASH_SESSION_KEY] = $this->sessionAuthHash($user['password']);
        }
        return $this->cachedUser = self::publicFields($user);
    }

    /** django.contrib.auth.logout: the session row is deleted and the cookie cleared. */
    public function logout(): void
    {
        $this->requireSession();
        $this->flush();
        $this->cachedUser = null;
        $this->resolved = true;
    }

    public function sessionAuthHash(string $passwordHash): string
    {
        return SessionAuthHash::make($passwordHash, $this->secretKey, $this->algorithm);
    }

    /** "current", "fallback" (valid under a fallback key) or "invalid". */
    public function verifySessionHash(mixed $stored, string $passwordHash): string
    {
        if (!is_string($stored) || $stored === '') {
            return 'invalid';
        }
        if (hash_equals($this->sessionAuthHash($passwordHash), $stored)) {
            return 'current';
        }
        if ($this->acceptLegacySha1 && hash_equals(SessionAuthHash::make($passwordHash, $this->secretKey, 'sha1'), $stored)) {
            return 'current';
        }
        foreach ($this->fallbackKeys as $key) {
            if (hash_equals(SessionAuthHash::make($passwordHash, $key, $this->algorithm), $stored)) {
                return 'fallback';
            }
        }
        return 'invalid';
    }

    /** Session.flush(): empty it, delete the row, and drop the cookie. */
    private function flush(): void
    {
        $_SESSION = [];
        $params = session_get_cookie_params();
        session_destroy();
        if (!headers_sent()) {
            setcookie(session_name(), '', [
                'expires' => 1,
                'path' => $params['path'],
                'domain' => $params['domain'],
                'secure' => $params['secure'],
                'httponly' => $params['httponly'],
                'samesite' => $params['samesite'],
            ]);
        }
    }

    private function requireSession(): void
    {
        if (session_status() !== PHP_SESSION_ACTIVE) {
            throw new \LogicException('Call session_start() (with DjangoSessionHandler registered) first');
        }
    }

    private function fetchUser(string $where, array $params): ?array
    {
        $stmt = $this->pdo->prepare("SELECT id, password, {$this->usernameField} AS username, email, is_active, is_staff, is_superuser FROM {$this->userTable} WHERE {$where}");
        $stmt->execute($params);
        $row = $stmt->fetch(PDO::FETCH_ASSOC);
        if ($row === false) {
            return null;
        }
        foreach (['is_active', 'is_staff', 'is_superuser'] as $flag) {
            $row[$flag] = (bool) $row[$flag];
        }
        $row['id'] = is_numeric($row['id']) ? (int) $row['id'] : $row['id'];
        return $row;
    }

    private static function publicFields(array $user): array
    {
        unset($user['password']);
        return $user;
    }
}
