/**
 * @django-bridge/core: Django's storage formats, framework-free. No NestJS import here, so this runs
 * in Express, Fastify, workers and scripts alike.
 */
export * from './errors.js';
export { MissingOptionalDependency, optionalDependency } from './optional-dependency.js';
export { DJANGO_VERSIONS, LATEST_DJANGO_VERSION, djangoDefaults, isDjangoVersion, type DjangoVersion, type DjangoVersionDefaults } from './django-version.js';

// Crypto helpers (django.utils.crypto)
export { saltedHmac, type HmacAlgorithm } from './crypto/salted-hmac.js';
export { constantTimeCompare } from './crypto/constant-time-compare.js';
export { getRandomString, RANDOM_STRING_CHARS } from './crypto/random-string.js';
export { pbkdf2, type Pbkdf2Digest } from './crypto/pbkdf2.js';
export { type BytesLike } from './crypto/bytes.js';

// django.core.signing
export * as signing from './signing/index.js';
export { Signer, TimestampSigner, getCookieSigner, type SignerOptions, type TimestampSignerOptions } from './signing/index.js';
export { JSONSerializer, type Serializer } from './serializers/serializer.js';
export { pythonJsonDumps, pythonJsonLoads, pythonFloatRepr } from './serializers/python-json.js';

// Sessions
export { encodeSessionData, decodeSessionData, DEFAULT_SESSION_SALT, type EncodeSessionDataOptions, type DecodeSessionDataOptions } from './session/session-data.js';
export { sessionAuthHash, verifySessionAuthHash, type SessionAuthHashStatus, type VerifySessionAuthHashOptions } from './session/session-auth-hash.js';
export { PhpSessionSerializer, PickleSerializer, resolveSessionSerializer, type SessionSerializerName } from './session/session-serializers.js';

// Passwords (django.contrib.auth.hashers)
export * from './passwords/index.js';

// CSRF (django.middleware.csrf)
export * from './csrf/index.js';

// PHP serialize() and the safe pickle reader and writer (session serializers, cache values)
export { phpSerialize, phpUnserialize, parsePythonBytesLiteral, phpFloatText, type PhpUnserializeOptions } from './serializers/php/index.js';
export { unpickle, pickleDumps, NaiveDateTime, PyDate, PyFloat, PyTuple, type UnpickleOptions, type PickleDumpsOptions } from './serializers/pickle/index.js';
export { DjangoSession, SessionInterrupted, DEFAULT_SESSION_COOKIE_AGE, type DjangoSessionOptions } from './session/django-session.js';
export { type SessionBackend, type ExpiringSessionBackend, type SessionDict, type SessionExpiry } from './session/session-backend.js';
export { SessionCodec } from './session/session-codec.js';
export { MemorySessionBackend } from './session/memory-session-backend.js';
export { CacheSessionBackend, CACHE_SESSION_KEY_PREFIX, asCachedSession, readCachedSession, type CacheSessionBackendOptions } from './session/cache-session-backend.js';
export { CachedDbSessionBackend, CACHED_DB_SESSION_KEY_PREFIX, type CachedDbSessionBackendOptions } from './session/cached-db-session-backend.js';
export { SignedCookieSessionBackend, SIGNED_COOKIE_SESSION_SALT, SIGNED_COOKIE_MAX_LENGTH, SIGNED_COOKIE_MAX_DECOMPRESSED_SIZE, type SignedCookieSessionBackendOptions, type OversizeSessionCookie } from './session/signed-cookie-session-backend.js';
export { signedCookiePickleSerializer, PICKLE_SERIALIZER_LINES, DJANGO_PICKLE_PROTOCOL, type SignedCookiePickleOptions } from './session/signed-cookie-pickle.js';

// Django's cache framework, as far as the session engines use it
export { type DjangoCache } from './cache/django-cache.js';
export { MemoryDjangoCache } from './cache/memory-cache.js';
export { defaultKeyFunction, type CacheKeyFunction } from './cache/cache-key.js';
export { type CacheValueCodec } from './cache/cache-value-codec.js';
// Django's RedisCache (4.0+) and django-redis over any Redis client (RedisCommands)
export { type RedisCommands, type RedisSetOptions } from './cache/redis-commands.js';
export { RedisBackedCache, type RedisCacheOptions } from './cache/redis-cache-base.js';
export { RedisCache } from './cache/redis-cache.js';
export { RedisSerializer } from './cache/redis-serializer.js';
export { DjangoRedisCache } from './cache/django-redis-cache.js';
export { DjangoRedisCodec } from './cache/django-redis-codec.js';
export { djangoRedisSerializer, pickleProtocolOf, DJANGO_REDIS_SERIALIZERS, type DjangoRedisSerializer, type DjangoRedisSerializerName, type DjangoRedisSerializerOptions } from './cache/django-redis-serializers.js';
export { djangoRedisCompressor, DJANGO_REDIS_COMPRESSORS, type DjangoRedisCompressor, type DjangoRedisCompressorName } from './cache/django-redis-compressors.js';
export { msgpackDumps, msgpackLoads, type MsgpackLoadsOptions } from './cache/msgpack.js';
export { newSessionKey, isValidSessionKey, VALID_KEY_CHARS, SESSION_KEY_LENGTH, MIN_SESSION_KEY_LENGTH, MAX_SESSION_KEY_LENGTH, PHP_SESSION_KEY_PATTERN } from './session/session-key.js';
export { assertTimeZone, zoneOffsetMinutes, wallTimeToInstant, instantToWallTime } from './time/time-zone.js';
export { parseCookieHeader, serializeCookie, deleteCookie, httpDate, type CookieOptions } from './http/cookies.js';

// Django's PyMemcacheCache over any memcached connection: pymemcache's serde, key checks, timeouts and server choice
export { PyMemcacheDjangoCache, type PyMemcacheDjangoCacheOptions } from './cache/pymemcache-cache.js';
export { type MemcachedConnection } from './cache/memcached-connection.js';
export { pymemcacheSerialize, pymemcacheDeserialize, PYMEMCACHE_FLAGS, type MemcachedEntry, type PymemcacheSerdeOptions } from './cache/pymemcache-serde.js';
export { memcachedKey, MEMCACHE_MAX_KEY_LENGTH, type MemcachedKeyOptions } from './cache/memcached-key.js';
export { memcachedExpiry, MEMCACHED_MAX_RELATIVE_EXPIRY } from './cache/memcached-expiry.js';
export { parseMemcachedServer, splitMemcachedLocation, type MemcachedServer } from './cache/memcached-server.js';
export { RendezvousHash } from './cache/rendezvous-hash.js';
export { murmur3_32 } from './cache/murmur3.js';
export { parsePythonInt } from './cache/python-int.js';
export { InvalidCacheKey, CacheValueTooLarge } from './cache/cache-errors.js';
// Bounds on what decoders accept and produce (issue 14): Python's int_max_str_digits, and the size a decoded value re-encodes to.
export { IntegerTooLong, ExpandedSizeExceeded } from './limits/limit-errors.js';
export { limitedSerializer, type DecodeLimits } from './limits/decode-limits.js';
export { DEFAULT_INT_MAX_STR_DIGITS, INT_MAX_STR_DIGITS_THRESHOLD, setIntMaxStrDigits, getIntMaxStrDigits } from './limits/int-max-str-digits.js';
export { checkExpandedSize, DEFAULT_MAX_EXPANDED_BYTES, type ExpansionFormat, type ExpandedSizeOptions } from './limits/expanded-size.js';

// SimpleJWT (rest_framework_simplejwt) tokens; needs the optional package "jose"
export * from './jwt/index.js';

// django.contrib.auth.tokens (password-reset links) and django.utils.http's uidb64
export * from './password-reset/index.js';
// HttpRequest.get_signed_cookie / HttpResponse.set_signed_cookie, and Set-Cookie headers as Django writes them
export { signCookieValue, unsignCookieValue, signedCookieSalt, defaultSignedCookieSaltFormat, defaultLegacySaltFallback, type SignedCookieSaltFormat, type SignedCookieKeys, type SignedCookieValueOptions, type UnsignCookieValueOptions } from './signing/signed-cookie.js';
export { setCookieHeader, type SetCookieOptions } from './http/set-cookie.js';
export { quoteCookieValue } from './http/cookie-value-quote.js';
