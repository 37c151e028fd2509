import { constantTimeCompare } from '../crypto/constant-time-compare.js';
import { saltedHmac, type HmacAlgorithm } from '../crypto/salted-hmac.js';
import { djangoDefaults, LATEST_DJANGO_VERSION, type DjangoVersion } from '../django-version.js';
import { ImproperlyConfigured } from '../errors.js';
import { assertTimeZone, instantToWallTime } from '../time/time-zone.js';
import { base36ToInt, intToBase36 } from './base36.js';

/** `PasswordResetTokenGenerator.key_salt`. */
export const PASSWORD_RESET_KEY_SALT = 'django.contrib.auth.tokens.PasswordResetTokenGenerator';
/** `PASSWORD_RESET_TIMEOUT`'s default: three days, in seconds. */
export const DEFAULT_PASSWORD_RESET_TIMEOUT = 259_200;

// datetime(2001, 1, 1) as epoch milliseconds of a wall clock (Django counts from that naive date).
const EPOCH_2001_MS = Date.UTC(2001, 0, 1);
const DAY_SECONDS = 86_400n;
// A token longer than this is not one (the timestamp has at most 13 digits, the hash 20 or 32 chars).
const MAX_TOKEN_LENGTH = 64;

/** The user state Django's `_make_hash_value` reads. */
export interface PasswordResetUser {
  /** `user.pk` (an AutoField number, a bigint beyond 2^53 as text or bigint, a UUID as hyphenated text). */
  pk: number | string | bigint;
  /** The encoded password hash (`user.password`), unusable ones ("!...") included. */
  password: string;
  lastLogin: Date | null;
  /** The value of `get_email_field_name()` on the user (null/undefined/'' all hash as ''). */
  email?: string | null;
}

export interface PasswordResetTokenOptions {
  /** SECRET_KEY (the generator's `secret`). */
  secretKey: string;
  /** SECRET_KEY_FALLBACKS (4.1+): tokens they made still check. */
  secretKeyFallbacks?: readonly string[];
  /** The Django line whose rules apply; default the newest. */
  djangoVersion?: DjangoVersion;
  /** PASSWORD_RESET_TIMEOUT in seconds (3.2's PASSWORD_RESET_TIMEOUT_DAYS: days * 86400). Default three days. */
  timeout?: number;
  /** DEFAULT_HASHING_ALGORITHM on 3.2 ('sha256' or 'sha1'); 4.0+ always use sha256. */
  algorithm?: 'sha256' | 'sha1';
  /**
   * TIME_ZONE. Django stamps tokens with `datetime.now()`, the naive wall clock of the process,
   * which Django sets to TIME_ZONE at startup (whatever USE_TZ says). Default 'UTC'.
   */
  timeZone?: string;
  /** USE_TZ: with it (default) last_login is hashed as its UTC wall time, without it as TIME_ZONE's. */
  useTz?: boolean;
  /** A subclass's `key_salt`; default Django's. */
  keySalt?: string;
  /** Current time in epoch milliseconds (tests freeze it). */
  clock?: () => number;
}

/**
 * Django's `PasswordResetTokenGenerator` (django.contrib.auth.tokens): "<base36 seconds since
 * 2001-01-01>-<every second hex digit of salted_hmac(pk, password, last_login, timestamp,
 * email)>". A token stops working when the password changes (a used link), when the user logs in
 * (last_login), after the timeout, or when the secret changes beyond the fallbacks.
 */
export class PasswordResetTokenGenerator {
  private readonly secretKey: string;
  private readonly fallbacks: readonly string[];
  private readonly algorithm: HmacAlgorithm;
  private readonly legacySha1: boolean;
  private readonly timeout: number;
  private readonly timeZone: string;
  private readonly useTz: boolean;
  private readonly keySalt: string;
  private readonly clock: () => number;

  constructor(options: PasswordResetTokenOptions) {
    if (typeof options?.secretKey !== 'string' || options.secretKey === '') throw new ImproperlyConfigured('PasswordResetTokenGenerator needs a non-empty secretKey (SECRET_KEY)');
    const version = options.djangoVersion ?? LATEST_DJANGO_VERSION;
    const defaults = djangoDefaults(version);
    this.fallbacks = options.secretKeyFallbacks ?? [];
    if (this.fallbacks.length > 0 && !defaults.supportsSecretKeyFallbacks) throw new ImproperlyConfigured(`secretKeyFallbacks is not supported by Django ${version} (4.1+)`);
    if (options.algorithm !== undefined && !defaults.acceptsLegacySha1) throw new ImproperlyConfigured(`algorithm (DEFAULT_HASHING_ALGORITHM) does not exist on Django ${version}; tokens use sha256`);
    if (options.algorithm !== undefined && options.algorithm !== 'sha256' && options.algorithm !== 'sha1') throw new ImproperlyConfigured(`algorithm must be 'sha256' or 'sha1', not "${String(options.algorithm)}"`);
    const timeout = options.timeout ?? DEFAULT_PASSWORD_RESET_TIMEOUT;
    if (!Number.isSafeInteger(timeout)) throw new ImproperlyConfigured('timeout (PASSWORD_RESET_TIMEOUT) must be a whole number of seconds');
    this.secretKey = options.secretKey;
    this.algorithm = options.algorithm ?? 'sha256';
    // 3.1/3.2 also accept tokens hashed with sha1 (made before the upgrade), whatever the algorithm.
    this.legacySha1 = defaults.acceptsLegacySha1;
    this.timeout = timeout;
    this.timeZone = assertTimeZone(options.timeZone ?? 'UTC');
    this.useTz = options.useTz ?? true;
    this.keySalt = options.keySalt ?? PASSWORD_RESET_KEY_SALT;
    this.clock = options.clock ?? Date.now;
  }

  /** `make_token(user)`: a token for now, under SECRET_KEY. */
  makeToken(user: PasswordResetUser): string {
    return this.tokenWithTimestamp(user, this.nowSeconds(), this.secretKey, this.algorithm);
  }

  /**
   * `check_token(user, token)`: the token was made for this user's current state by one of the
   * keys and is not older than the timeout. Anything malformed is simply false.
   */
  checkToken(user: PasswordResetUser | null | undefined, token: unknown): boolean {
    if (!user || typeof token !== 'string' || token === '' || token.length > MAX_TOKEN_LENGTH) return false;
    const parts = token.split('-');
    if (parts.length !== 2) return false;
    let ts = base36ToInt(parts[0]);
    if (ts === null) return false;
    let matched = false;
    for (const secret of [this.secretKey, ...this.fallbacks]) {
      // Every candidate is computed and compared, in the same order as Django, without early exit timing hints per key.
      if (constantTimeCompare(this.tokenWithTimestamp(user, ts, secret, this.algorithm), token)) matched = true;
      else if (this.legacySha1 && constantTimeCompare(this.tokenWithTimestamp(user, ts, secret, 'sha1'), token)) matched = true;
      if (matched) break;
    }
    if (!matched) return false;
    const nowMs = this.clock();
    // 3.1/3.2: a timestamp of under four digits is a pre-3.1 token counting days; Django turns it
    // into seconds as of the same time of day as now (server wall clock).
    if (this.legacySha1 && parts[0].length < 4) ts = ts * DAY_SECONDS + this.secondsSinceMidnight(nowMs);
    // A timestamp in the future passes, as in Django (only a key holder can make one).
    return this.nowSeconds(nowMs) - ts <= BigInt(this.timeout);
  }

  /** `_make_hash_value(user, timestamp)`: the text the HMAC covers. */
  hashValue(user: PasswordResetUser, timestamp: bigint): string {
    const login = user.lastLogin === null || user.lastLogin === undefined ? '' : this.loginText(user.lastLogin);
    const email = user.email === null || user.email === undefined ? '' : String(user.email);
    return `${String(user.pk)}${user.password}${login}${timestamp.toString()}${email}`;
  }

  private tokenWithTimestamp(user: PasswordResetUser, timestamp: bigint, secret: string, algorithm: HmacAlgorithm): string {
    const hex = saltedHmac(this.keySalt, this.hashValue(user, timestamp), secret, algorithm).toString('hex');
    let short = '';
    for (let i = 0; i < hex.length; i += 2) short += hex[i];
    return `${intToBase36(timestamp)}-${short}`;
  }

  /** `_num_seconds(_now())`: whole seconds from 2001-01-01 to the wall clock of TIME_ZONE. */
  private nowSeconds(nowMs = this.clock()): bigint {
    const wall = instantToWallTime(this.timeZone, nowMs);
    return BigInt(Math.trunc((wall - EPOCH_2001_MS) / 1000));
  }

  private secondsSinceMidnight(nowMs: number): bigint {
    const wall = instantToWallTime(this.timeZone, nowMs);
    return BigInt(Math.floor((((wall % 86_400_000) + 86_400_000) % 86_400_000) / 1000));
  }

  /** `str(last_login.replace(microsecond=0, tzinfo=None))`: "YYYY-MM-DD HH:MM:SS" of the stored wall time. */
  private loginText(lastLogin: Date): string {
    const ms = lastLogin.getTime();
    if (!Number.isFinite(ms)) throw new RangeError('lastLogin is an invalid Date');
    const wall = new Date(this.useTz ? ms : instantToWallTime(this.timeZone, ms));
    const p = (n: number, w = 2) => String(n).padStart(w, '0');
    return `${p(wall.getUTCFullYear(), 4)}-${p(wall.getUTCMonth() + 1)}-${p(wall.getUTCDate())} ${p(wall.getUTCHours())}:${p(wall.getUTCMinutes())}:${p(wall.getUTCSeconds())}`;
  }
}
