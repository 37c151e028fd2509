#!/usr/bin/env node
/**
 * Core benchmarks (`npm run bench`, after `npm run build`): throughput of the request-path formats,
 * and proof that password hashing leaves the event loop free.
 *
 * Targets (checked here, not in unit tests):
 * - decodeSessionData of a login-sized session: >= 20,000 ops/s on one core.
 * - While 8 verifications run with Django's default work factors (PBKDF2, argon2, bcrypt_sha256,
 *   scrypt), the event loop's p99 delay stays under 50 ms: hashing runs on libuv's thread pool. A
 *   blocking hash would hold the loop for a whole hash (hundreds of ms); what remains on a 2-core
 *   machine is CPU contention with the hashing threads (argon2 uses p=8 lanes).
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { checkPassword, decodeSessionData, encodeSessionData, makePassword, PasswordHashers, sessionAuthHash, signing } from '@django-bridge/core';

const secretKey = 'bench-secret-key-' + 'x'.repeat(40);
const results = [];
let failed = false;

function rate(name, fn, ms = 1000) {
  for (let i = 0; i < 200; i++) fn(); // warm-up
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    for (let i = 0; i < 100; i++) fn();
    n += 100;
  }
  const opsPerSec = Math.round((n * 1000) / (performance.now() - start));
  results.push({ name, opsPerSec });
  return opsPerSec;
}

function target(name, ok, detail) {
  console.log(`${ok ? 'PASS' : 'FAIL'} ${name}: ${detail}`);
  if (!ok) failed = true;
}

const session = {
  _auth_user_id: '4242',
  _auth_user_backend: 'django.contrib.auth.backends.ModelBackend',
  _auth_user_hash: sessionAuthHash('pbkdf2_sha256$1200000$abc$def', secretKey),
  cart: [1, 2, 3],
};
const encoded = encodeSessionData(session, { secretKey });
const decodeRate = rate('decodeSessionData (login session)', () => decodeSessionData(encoded, { secretKey }));
rate('encodeSessionData (login session)', () => encodeSessionData(session, { secretKey }));
const signed = signing.dumps({ a: 1 }, { key: secretKey });
rate('signing.loads (small)', () => signing.loads(signed, { key: secretKey }));
rate('sessionAuthHash', () => sessionAuthHash('pbkdf2_sha256$1200000$abc$def', secretKey));
for (const r of results) console.log(`${r.name.padEnd(40)} ${r.opsPerSec.toLocaleString('en')} ops/s`);
target('decodeSessionData throughput', decodeRate >= 20_000, `${decodeRate} ops/s (target >= 20000)`);

// Event-loop freedom while hashing with Django's current defaults, for each native-backed hasher.
for (const algorithm of ['pbkdf2_sha256', 'argon2', 'bcrypt_sha256', 'scrypt']) {
  const hashers = new PasswordHashers({ hashers: [algorithm] });
  const hash = await makePassword('correct horse battery staple', { hashers });
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const t0 = performance.now();
  const ok = await Promise.all(Array.from({ length: 8 }, () => checkPassword('correct horse battery staple', hash, { hashers })));
  const elapsed = performance.now() - t0;
  histogram.disable();
  const p99 = histogram.percentile(99) / 1e6;
  const max = histogram.max / 1e6;
  console.log(`8 x ${algorithm}: ${elapsed.toFixed(0)} ms total; event loop delay p99 ${p99.toFixed(1)} ms, max ${max.toFixed(1)} ms`);
  target(`${algorithm} leaves the event loop free`, ok.every(Boolean) && p99 < 50, `p99 ${p99.toFixed(1)} ms (target < 50 ms)`);
}

const mem = process.memoryUsage();
console.log(`rss ${(mem.rss / 2 ** 20).toFixed(0)} MiB, heap ${(mem.heapUsed / 2 ** 20).toFixed(0)} MiB`);
process.exit(failed ? 1 : 0);
