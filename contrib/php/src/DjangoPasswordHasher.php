<?php

declare(strict_types=1);

namespace DjangoBridge;

/**
 * Verifies passwords against the hashes Django stores in auth_user.password, as Django's
 * check_password does: pbkdf2_sha256 and pbkdf2_sha1 (hash_pbkdf2), argon2 (password_verify, when
 * PHP was built with it), bcrypt_sha256 and bcrypt (password_verify), and the legacy sha1, md5,
 * unsalted_sha1, unsalted_md5 and crypt. Unusable ("!..."), unknown and malformed hashes never
 * verify. scrypt (Django 4.0+) has no PHP implementation here and never verifies either.
 *
 * A hash is data: a row with absurd work factors would make one login burn minutes of CPU, so
 * factors above the limits throw InvalidPasswordHash (the defaults sit far above Django's own).
 */
final class DjangoPasswordHasher
{
    public const DEFAULT_LIMITS = [
        'pbkdf2_iterations' => 20_000_000,
        'bcrypt_cost' => 16,
        'argon2_memory_cost' => 1024 * 1024,
        'argon2_time_cost' => 20,
        'argon2_parallelism' => 64,
    ];

    /** @var array<string, int> */
    private readonly array $limits;

    public function __construct(array $limits = [])
    {
        $merged = $limits + self::DEFAULT_LIMITS;
        foreach ($merged as $name => $value) {
            if (!array_key_exists($name, self::DEFAULT_LIMITS)) {
                throw new \InvalidArgumentException("Unknown limit {$name}");
            }
            if (!is_int($value) || $value <= 0) {
                throw new \InvalidArgumentException("Limit {$name} must be a positive integer");
            }
        }
        $this->limits = $merged;
    }

    /** Django's is_password_usable: null and "!..." (set_unusable_password) are not. */
    public static function isUsable(?string $encoded): bool
    {
        return $encoded !== null && !str_starts_with($encoded, '!');
    }

    /** Django's identify_hasher: the algorithm name, or null when there is none. */
    public static function algorithm(string $encoded): ?string
    {
        $len = strlen($encoded);
        if (($len === 32 && !str_contains($encoded, '$')) || ($len === 37 && str_starts_with($encoded, 'md5$$'))) {
            return 'unsalted_md5';
        }
        if ($len === 46 && str_starts_with($encoded, 'sha1$$')) {
            return 'unsalted_sha1';
        }
        $dollar = strpos($encoded, '$');
        return $dollar === false || $dollar === 0 ? null : substr($encoded, 0, $dollar);
    }

    public function verify(string $password, ?string $encoded): bool
    {
        if ($encoded === null || !self::isUsable($encoded)) {
            return false;
        }
        return match (self::algorithm($encoded)) {
            'pbkdf2_sha256' => $this->pbkdf2($password, $encoded, 'sha256'),
            'pbkdf2_sha1' => $this->pbkdf2($password, $encoded, 'sha1'),
            'argon2' => $this->argon2($password, $encoded),
            'bcrypt_sha256' => $this->bcrypt(hash('sha256', $password), $encoded),
            'bcrypt' => $this->bcrypt($password, $encoded),
            'sha1' => $this->saltedDigest($password, $encoded, 'sha1'),
            'md5' => $this->saltedDigest($password, $encoded, 'md5'),
            'unsalted_sha1' => hash_equals($encoded, 'sha1$$' . sha1($password)),
            'unsalted_md5' => hash_equals(str_starts_with($encoded, 'md5$$') ? substr($encoded, 5) : $encoded, md5($password)),
            'crypt' => $this->crypt($password, $encoded),
            default => false,
        };
    }

    /** `pbkdf2_<digest>$<iterations>$<salt>$<base64 hash>` */
    private function pbkdf2(string $password, string $encoded, string $digest): bool
    {
        $parts = explode('$', $encoded);
        if (count($parts) !== 4 || preg_match('/^[1-9][0-9]{0,9}$/D', $parts[1]) !== 1 || $parts[3] === '') {
            return false;
        }
        $iterations = (int) $parts[1];
        $this->limit('pbkdf2_iterations', $iterations);
        $hash = base64_encode(hash_pbkdf2($digest, $password, $parts[2], $iterations, 0, true));
        return hash_equals($parts[3], $hash);
    }

    /** `argon2$argon2id$v=19$m=...,t=...,p=...$<salt>$<hash>`: argon2-cffi's string after "argon2". */
    private function argon2(string $password, string $encoded): bool
    {
        $phc = substr($encoded, strlen('argon2'));
        if (preg_match('/^\$(argon2id|argon2i)\$(?:v=\d+\$)?m=(\d{1,10}),t=(\d{1,10}),p=(\d{1,10})\$[A-Za-z0-9+\/]+\$[A-Za-z0-9+\/]+$/D', $phc, $m) !== 1) {
            return false;
        }
        if (!defined($m[1] === 'argon2id' ? 'PASSWORD_ARGON2ID' : 'PASSWORD_ARGON2I')) {
            error_log('django-bridge: this PHP has no argon2 support; argon2 hashes cannot be verified');
            return false;
        }
        $this->limit('argon2_memory_cost', (int) $m[2]);
        $this->limit('argon2_time_cost', (int) $m[3]);
        $this->limit('argon2_parallelism', (int) $m[4]);
        return password_verify($password, $phc);
    }

    /** `bcrypt$<bcrypt string>` and `bcrypt_sha256$<bcrypt string>` (of the hex SHA-256). */
    private function bcrypt(string $password, string $encoded): bool
    {
        $data = substr($encoded, strpos($encoded, '$') + 1);
        if (preg_match('/^\$2[abxy]\$(\d\d)\$[.\/A-Za-z0-9]{53}$/D', $data, $m) !== 1) {
            return false;
        }
        // PHP's bcrypt stops reading at the first NUL, so such a password would match the hash of
        // its prefix; it is refused (pyca/bcrypt 4+ hashes every byte, 3.x raises).
        if (str_contains($password, "\0")) {
            return false;
        }
        $this->limit('bcrypt_cost', (int) $m[1]);
        return password_verify($password, $data);
    }

    /** `sha1$<salt>$<hex digest of salt + password>`, and the same with md5. */
    private function saltedDigest(string $password, string $encoded, string $digest): bool
    {
        $parts = explode('$', $encoded, 3);
        if (count($parts) !== 3 || $parts[1] === '' || str_contains($parts[1], '$')) {
            return false;
        }
        return hash_equals($parts[2], hash($digest, $parts[1] . $password));
    }

    /** `crypt$$<crypt(3) string>`, traditional DES with a two-character salt. */
    private function crypt(string $password, string $encoded): bool
    {
        $parts = explode('$', $encoded, 3);
        if (count($parts) !== 3 || strlen($parts[2]) !== 13 || str_contains($password, "\0")) {
            return false;
        }
        return hash_equals($parts[2], crypt($password, $parts[2]));
    }

    private function limit(string $name, int $value): void
    {
        if ($value > $this->limits[$name]) {
            throw new InvalidPasswordHash("Password hash exceeds the {$name} limit ({$value} > {$this->limits[$name]})");
        }
    }
}
