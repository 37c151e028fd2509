<?php

declare(strict_types=1);

namespace DjangoBridge;

/**
 * Django's `get_session_auth_hash()`: an HMAC of the user's stored password hash under a key
 * derived from SECRET_KEY (salted_hmac). Stored in the session as `_auth_user_hash`; Django
 * flushes a session whose hash does not match, so any password change logs the user out.
 */
final class SessionAuthHash
{
    private const KEY_SALT = 'django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash';

    /** $algorithm: "sha256" (Django 3.1+), or "sha1" (DEFAULT_HASHING_ALGORITHM = 'sha1' on 3.1/3.2). */
    public static function make(string $passwordHash, string $secretKey, string $algorithm = 'sha256'): string
    {
        if ($algorithm !== 'sha256' && $algorithm !== 'sha1') {
            throw new \InvalidArgumentException('algorithm must be sha256 or sha1');
        }
        $key = hash($algorithm, self::KEY_SALT . $secretKey, true);
        return hash_hmac($algorithm, $passwordHash, $key);
    }
}
