import { BUILTIN_HASHER_NAMES, PASSWORD_UPGRADE_POLICIES, PasswordHashers, type DjangoVersion, type PasswordHashersOptions, type PasswordUpgradePolicy } from '@django-bridge/core';
import { SampleConfigError } from './sample-config-error.js';

/** The site's password settings, as the sample reads them from the environment. */
export interface SamplePasswordSettings {
  /** PASSWORD_HASHERS as algorithm names; undefined: DJANGO_VERSION's list. */
  hashers: string[] | undefined;
  workFactors: Pick<PasswordHashersOptions, 'iterations' | 'argon2' | 'bcryptRounds' | 'scrypt'>;
  upgrade: PasswordUpgradePolicy;
}

/** Django's hasher classes by dotted path, so a PASSWORD_HASHERS list can be pasted as it is. */
const DJANGO_CLASSES: Record<string, string> = {
  PBKDF2PasswordHasher: 'pbkdf2_sha256',
  PBKDF2SHA1PasswordHasher: 'pbkdf2_sha1',
  Argon2PasswordHasher: 'argon2',
  BCryptSHA256PasswordHasher: 'bcrypt_sha256',
  BCryptPasswordHasher: 'bcrypt',
  ScryptPasswordHasher: 'scrypt',
  SHA1PasswordHasher: 'sha1',
  MD5PasswordHasher: 'md5',
  UnsaltedSHA1PasswordHasher: 'unsalted_sha1',
  UnsaltedMD5PasswordHasher: 'unsalted_md5',
  CryptPasswordHasher: 'crypt',
};

function text(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function positive(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = text(env, name);
  if (raw === undefined) return undefined;
  if (!/^\d{1,10}$/.test(raw) || Number(raw) < 1) throw new SampleConfigError(name, `must be a positive whole number, not "${raw}"`);
  return Number(raw);
}

function hasherName(entry: string): string {
  const path = /^django\.contrib\.auth\.hashers\.(\w+)$/.exec(entry);
  if (path) {
    const name = DJANGO_CLASSES[path[1]];
    if (!name) throw new SampleConfigError('DJANGO_PASSWORD_HASHERS', `"${entry}" is not one of Django's hashers`);
    return name;
  }
  if (!(BUILTIN_HASHER_NAMES as readonly string[]).includes(entry)) throw new SampleConfigError('DJANGO_PASSWORD_HASHERS', `"${entry}" is not a built-in hasher (${BUILTIN_HASHER_NAMES.join(', ')}, or Django's dotted class paths)`);
  return entry;
}

/**
 * DJANGO_PASSWORD_HASHERS, the work factors and DJANGO_PASSWORD_UPGRADE, checked together (the
 * hashers are built once here), so a wrong value stops start-up naming its variable.
 */
export function loadPasswordSettings(env: NodeJS.ProcessEnv, djangoVersion: DjangoVersion): SamplePasswordSettings {
  const list = text(env, 'DJANGO_PASSWORD_HASHERS');
  const hashers = list === undefined ? undefined : list.split(',').map((e) => e.trim()).filter(Boolean).map(hasherName);
  if (hashers?.length === 0) throw new SampleConfigError('DJANGO_PASSWORD_HASHERS', 'is empty');
  const argon2 = { timeCost: positive(env, 'DJANGO_ARGON2_TIME_COST'), memoryCost: positive(env, 'DJANGO_ARGON2_MEMORY_COST'), parallelism: positive(env, 'DJANGO_ARGON2_PARALLELISM'), hashLength: positive(env, 'DJANGO_ARGON2_HASH_LENGTH') };
  const scrypt = { workFactor: positive(env, 'DJANGO_SCRYPT_WORK_FACTOR'), blockSize: positive(env, 'DJANGO_SCRYPT_BLOCK_SIZE'), parallelism: positive(env, 'DJANGO_SCRYPT_PARALLELISM') };
  const given = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
  const workFactors: SamplePasswordSettings['workFactors'] = given({ iterations: positive(env, 'DJANGO_PBKDF2_ITERATIONS'), bcryptRounds: positive(env, 'DJANGO_BCRYPT_ROUNDS') });
  if (Object.keys(given(argon2)).length) workFactors.argon2 = given(argon2);
  if (Object.keys(given(scrypt)).length) workFactors.scrypt = given(scrypt);
  try {
    new PasswordHashers({ djangoVersion, hashers, ...workFactors });
  } catch (err) {
    throw new SampleConfigError(err instanceof Error && /scrypt|argon2|bcrypt|iterations/i.test(err.message) ? 'the password work factors' : 'DJANGO_PASSWORD_HASHERS', `are not usable: ${(err as Error).message}`);
  }
  const upgrade = (text(env, 'DJANGO_PASSWORD_UPGRADE') ?? 'django').toLowerCase();
  if (!(PASSWORD_UPGRADE_POLICIES as readonly string[]).includes(upgrade)) throw new SampleConfigError('DJANGO_PASSWORD_UPGRADE', `must be one of ${PASSWORD_UPGRADE_POLICIES.join(', ')}, not "${upgrade}"`);
  return { hashers, workFactors, upgrade: upgrade as PasswordUpgradePolicy };
}
