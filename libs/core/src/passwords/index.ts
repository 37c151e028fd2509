/** Django's password hashers (`django.contrib.auth.hashers`), byte-compatible. */
export { type PasswordHasher, type DecodedPasswordHash, type SafeSummary, maskHash, mustUpdateSalt, SALT_ENTROPY } from './hasher.js';
export { DEFAULT_PASSWORD_HASH_LIMITS, type PasswordHashLimits } from './limits.js';
export { PBKDF2PasswordHasher, PBKDF2SHA1PasswordHasher, type Pbkdf2HasherOptions, type DecodedPbkdf2Hash } from './pbkdf2-hasher.js';
export { Argon2PasswordHasher, type Argon2HasherOptions, type Argon2Variety, type DecodedArgon2Hash } from './argon2-hasher.js';
export { BCryptSHA256PasswordHasher, BCryptPasswordHasher, type BCryptHasherOptions, type DecodedBCryptHash } from './bcrypt-hasher.js';
export { ScryptPasswordHasher, type ScryptHasherOptions, type DecodedScryptHash } from './scrypt-hasher.js';
export { SHA1PasswordHasher, MD5PasswordHasher } from './salted-digest-hashers.js';
export { UnsaltedSHA1PasswordHasher, UnsaltedMD5PasswordHasher } from './unsalted-hashers.js';
export { CryptPasswordHasher } from './crypt-hasher.js';
export { desCrypt } from './des-crypt.js';
export { PasswordHashers, BUILTIN_HASHER_NAMES, type BuiltinHasherName, type PasswordHashersOptions, getDefaultPasswordHashers, setDefaultPasswordHashers, getHasher, identifyHasher } from './password-hashers.js';
export { makePassword, isPasswordUsable, UNUSABLE_PASSWORD_PREFIX, UNUSABLE_PASSWORD_SUFFIX_LENGTH, type MakePasswordOptions } from './make-password.js';
export { checkPassword, verifyPassword, type CheckPasswordOptions, type VerifyPasswordOptions, type VerifyPasswordResult } from './check-password.js';
export { mayUpgradePassword, PASSWORD_UPGRADE_POLICIES, type PasswordUpgradePolicy } from './upgrade-policy.js';
