/**
 * The core's per-line defaults against the real Django of each line the suite installs: the
 * PASSWORD_HASHERS list and every work factor, read off Django's own hasher classes.
 */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { djangoDefaults, PasswordHashers, type DjangoVersion } from '@django-bridge/core';
import { DJANGO_LINES, pythonFor } from '../django/django-line.js';

const PROBE = `
import json
import django
from django.conf import settings
settings.configure()
django.setup()
from django.conf import global_settings as g
from django.contrib.auth import hashers as h
print(json.dumps({
  'version': django.get_version(),
  'hashers': [h.import_string(c).algorithm for c in g.PASSWORD_HASHERS],
  'pbkdf2': h.PBKDF2PasswordHasher.iterations,
  'scrypt': [h.ScryptPasswordHasher.work_factor, h.ScryptPasswordHasher.block_size, h.ScryptPasswordHasher.parallelism] if hasattr(h, 'ScryptPasswordHasher') else None,
  'argon2': [h.Argon2PasswordHasher.time_cost, h.Argon2PasswordHasher.memory_cost, h.Argon2PasswordHasher.parallelism],
  'bcrypt': h.BCryptSHA256PasswordHasher.rounds,
}))
`;

describe.each(DJANGO_LINES)('Django %s', (line) => {
  it("has the defaults the core gives that line", () => {
    const python = pythonFor(line);
    const run = spawnSync(python.command[0], [...python.command.slice(1), '-c', PROBE], { encoding: 'utf8', env: { ...process.env, ...python.env } });
    expect(run.stderr).toBe('');
    const real = JSON.parse(run.stdout);
    expect(real.version.startsWith(`${line}.`)).toBe(true);
    const defaults = djangoDefaults(line as DjangoVersion);
    const hashers = new PasswordHashers({ djangoVersion: line as DjangoVersion });
    const f = (name: string) => hashers.get(name) as unknown as Record<string, number>;
    expect(real.hashers).toEqual(defaults.passwordHashers);
    expect(real.pbkdf2).toBe(defaults.pbkdf2Iterations);
    if (real.scrypt) expect([f('scrypt').workFactor, f('scrypt').blockSize, f('scrypt').parallelism]).toEqual(real.scrypt);
    expect([f('argon2').timeCost, f('argon2').memoryCost, f('argon2').parallelism]).toEqual(real.argon2);
    expect(f('bcrypt_sha256').rounds).toBe(real.bcrypt);
  });
});
