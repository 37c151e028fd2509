<?php

declare(strict_types=1);

namespace DjangoBridge;

use DateTimeImmutable;
use PDO;
use PDOException;

/**
 * PHP sessions stored in Django's `django_session` table, readable by Django (with a
 * php_serialize session engine, as django-php-bridge's) and by the Nest bridge with
 * `sessionSerializer: 'php'`. session_data is `serialize($_SESSION)`, unsigned, as that engine
 * stores it; expire_date follows Django's rules (SESSION_COOKIE_AGE, or `_session_expiry`).
 *
 * Options:
 *   table               Django's session table (default "django_session")
 *   cookie_age          SESSION_COOKIE_AGE in seconds (default 1209600, two weeks)
 *   time_zone           zone of naive expire_date values on MySQL and SQLite: "UTC" when Django
 *                       has USE_TZ = True (default), else Django's TIME_ZONE
 *   save_every_request  SESSION_SAVE_EVERY_REQUEST: extend unchanged sessions too (default false)
 */
class DjangoSessionHandler implements \SessionHandlerInterface, \SessionUpdateTimestampHandlerInterface
{
    /** django_session.session_key is varchar(40); Django ignores keys shorter than 8. */
    public const MIN_KEY_LENGTH = 8;
    public const MAX_KEY_LENGTH = 40;
    /** Every character PHP's session id generator can emit (sid_bits_per_character 4, 5 or 6). */
    public const KEY_PATTERN = '/^[0-9a-zA-Z,-]+$/D';

    private readonly string $table;
    private readonly int $cookieAge;
    private readonly bool $saveEveryRequest;
    private readonly string $driver;
    private readonly DatabaseDateTime $dates;
    /** The row validateId() just fetched, so read() does not ask the database again. */
    private ?array $validated = null;

    public function __construct(private readonly PDO $pdo, array $options = [])
    {
        $table = $options['table'] ?? 'django_session';
        if (!is_string($table) || preg_match('/^[A-Za-z_][A-Za-z0-9_]*$/D', $table) !== 1) {
            throw new \InvalidArgumentException('table must be a plain SQL identifier');
        }
        $this->table = $table;
        $this->cookieAge = (int) ($options['cookie_age'] ?? 1209600);
        if ($this->cookieAge <= 0) {
            throw new \InvalidArgumentException('cookie_age must be a positive number of seconds');
        }
        $this->saveEveryRequest = (bool) ($options['save_every_request'] ?? false);
        $this->driver = (string) $pdo->getAttribute(PDO::ATTR_DRIVER_NAME);
        if (!in_array($this->driver, ['mysql', 'pgsql', 'sqlite'], true)) {
            throw new \InvalidArgumentException("PDO driver {$this->driver} is not supported (mysql, pgsql, sqlite)");
        }
        $this->dates = new DatabaseDateTime($this->driver, (string) ($options['time_zone'] ?? 'UTC'));
        $pdo->setAttribute(PDO::ATTR_ERRMODE, PDO::ERRMODE_EXCEPTION);
    }

    /**
     * Installs the handler and the session settings it needs: php_serialize (the format Django and
     * Nest read), strict mode (unknown ids are replaced, not adopted) and ids that fit the column.
     * Call before session_start().
     */
    public static function register(PDO $pdo, array $options = []): static
    {
        if ((int) ini_get('session.sid_length') > self::MAX_KEY_LENGTH) {
            throw new \LogicException('session.sid_length must be at most 40: django_session.session_key is varchar(40)');
        }
        if ((int) ini_get('session.sid_bits_per_character') === 6) {
            // PHP sends "," in the cookie as %2C and decodes it on the way back; Django and Nest
            // read the cookie literally, so they would look up a key that does not exist.
            throw new \LogicException('session.sid_bits_per_character must be 4 or 5: the "," that 6 brings is URL-encoded in the cookie, which Django does not decode');
        }
        ini_set('session.serialize_handler', 'php_serialize');
        ini_set('session.use_strict_mode', '1');
        $handler = new static($pdo, $options);
        session_set_save_handler($handler, true);
        return $handler;
    }

    /** Whether a cookie value can name a session here: 8 to 40 characters of PHP's id alphabet. */
    public static function isValidKey(string $key): bool
    {
        $len = strlen($key);
        return $len >= self::MIN_KEY_LENGTH && $len <= self::MAX_KEY_LENGTH && preg_match(self::KEY_PATTERN, $key) === 1;
    }

    public function open(string $path, string $name): bool
    {
        return true;
    }

    public function close(): bool
    {
        return true;
    }

    public function read(string $id): string|false
    {
        if (!self::isValidKey($id)) {
            return '';
        }
        $stored = $this->validated !== null && $this->validated[0] === $id ? $this->validated[1] : $this->fetch($id);
        $this->validated = null;
        if ($stored === false || $stored === null) {
            return '';
        }
        $data = SessionData::normalize((string) $stored);
        if ($data === null) {
            // Like Django: corrupt data is an empty session, never an error page.
            error_log('django-bridge: session data corrupted; starting an empty session');
            return '';
        }
        return $data;
    }

    public function write(string $id, string $data): bool
    {
        if (!self::isValidKey($id)) {
            return false;
        }
        if ($data === '' || $data === 'a:0:{}') {
            // Django never saves an empty session; a visitor who stored nothing leaves no row,
            // and a session emptied by the app does not keep its old contents.
            return $this->destroy($id);
        }
        $expire = $this->dates->format($this->expiryDate($data));
        $update = $this->pdo->prepare("UPDATE {$this->table} SET session_data = ?, expire_date = ? WHERE session_key = ?");
        $update->execute([$data, $expire, $id]);
        if ($update->rowCount() > 0 || $this->exists($id)) {
            // MySQL counts rows whose values did not change as unaffected; the row is there.
            return true;
        }
        try {
            $this->pdo->prepare("INSERT INTO {$this->table} (session_key, session_data, expire_date) VALUES (?, ?, ?)")->execute([$id, $data, $expire]);
        } catch (PDOException $e) {
            // Another request created it meanwhile: write over it, as Django's save() would.
            if (!in_array($e->getCode(), ['23000', '23505'], true)) {
                throw $e;
            }
            $update->execute([$data, $expire, $id]);
        }
        return true;
    }

    public function destroy(string $id): bool
    {
        if (self::isValidKey($id)) {
            $this->pdo->prepare("DELETE FROM {$this->table} WHERE session_key = ?")->execute([$id]);
        }
        return true;
    }

    /** Django's clearsessions: rows past their own expire_date go; PHP's max lifetime is not used. */
    public function gc(int $max_lifetime): int|false
    {
        $stmt = $this->pdo->prepare("DELETE FROM {$this->table} WHERE expire_date < ?");
        $stmt->execute([$this->dates->format(DatabaseDateTime::now())]);
        return $stmt->rowCount();
    }

    /** With session.use_strict_mode, ids with no live row are replaced by new ones. */
    public function validateId(string $id): bool
    {
        if (!self::isValidKey($id)) {
            return false;
        }
        $stored = $this->fetch($id);
        $this->validated = [$id, $stored];
        return $stored !== false;
    }

    /** The live row's session_data, or false when there is none (missing or expired). */
    private function fetch(string $id): mixed
    {
        $stmt = $this->pdo->prepare("SELECT session_data FROM {$this->table} WHERE session_key = ? AND expire_date > ?");
        $stmt->execute([$id, $this->dates->format(DatabaseDateTime::now())]);
        return $stmt->fetchColumn();
    }

    /** Django only moves expire_date when the session changed, unless SESSION_SAVE_EVERY_REQUEST. */
    public function updateTimestamp(string $id, string $data): bool
    {
        return $this->saveEveryRequest ? $this->write($id, $data) : true;
    }

    private function exists(string $id): bool
    {
        $stmt = $this->pdo->prepare("SELECT 1 FROM {$this->table} WHERE session_key = ?");
        $stmt->execute([$id]);
        return $stmt->fetchColumn() !== false;
    }

    /**
     * Django's get_expiry_date: `_session_expiry` seconds from now (0 or absent: cookie_age), or
     * the ISO datetime Django 4.0+ stores there.
     */
    private function expiryDate(string $data): DateTimeImmutable
    {
        $now = DatabaseDateTime::now();
        $session = $data === '' ? [] : @unserialize($data, ['allowed_classes' => false, 'max_depth' => SessionData::MAX_DEPTH]);
        $expiry = is_array($session) ? ($session['_session_expiry'] ?? null) : null;
        if (is_int($expiry) && $expiry > 0) {
            return $now->modify("+{$expiry} seconds");
        }
        if (is_string($expiry) && preg_match('/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?$/D', $expiry) === 1) {
            try {
                // A naive ISO string is in Django's TIME_ZONE, the same zone as naive columns.
                return new DateTimeImmutable($expiry, $this->dates->zone());
            } catch (\Exception) {
                // Unreadable: fall back to the cookie age, as Django does for values it cannot use.
            }
        }
        return $now->modify("+{$this->cookieAge} seconds");
    }
}
