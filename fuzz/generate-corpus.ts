/**
 * Writes fuzz/corpus/django-seeds.json: valid inputs for every fuzz target, made by real Django
 * (Debian's Django 3.2 through test/django/oracle.ts, the line that writes every format: signed
 * JSON, the pre-3.1 sha1 format and PickleSerializer) and CPython's pickle and phpserialize.
 * Argon2, scrypt and low-cost bcrypt hashes come from the bridge's own hashers (the interop suite
 * checks them against Django's), as Django's encode() cannot be given cheap work factors for them.
 *
 * Regenerate (the file is committed; rerun only when adding seeds):
 *   node --import ./fuzz/register.mjs fuzz/generate-corpus.ts
 */
import { writeFileSync } from 'node:fs';
import { djangoAll, type OracleRequest } from '../test/django/oracle.js';
import { b64UrlDecode } from '../libs/core/src/crypto/base64.js';
import { zlibDecompress } from '../libs/core/src/signing/compression.js';
import { DJANGO_SEEDS_FILE, type DjangoSeeds } from './lib/corpus.js';
import { textBytes } from './lib/target.js';
import { csrfSeed } from './targets/csrf-target.js';
import { FUZZ_HASHERS, FUZZ_PASSWORD } from './targets/password-target.js';
import { FUZZ_SECRET_KEY, FUZZ_TIMESTAMP } from './targets/signed-wrap.js';

const LINE = '3.2' as const;

const SESSIONS: Record<string, unknown>[] = [
  { _auth_user_id: '1', _auth_user_backend: 'django.contrib.auth.backends.ModelBackend', _auth_user_hash: 'f4a3b0c2d1e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1' },
  { cart: [1, 2, 3, { sku: 'A-1', qty: 2, price: 9.99 }], flags: [true, false, null], ratio: -0.5, big: 9007199254740993 },
  { text: 'hello world '.repeat(80), nested: [[[['deep']]]] },
  { name: 'Zo\u00eb \u4e2d\u6587 \ud83d\ude00', quote: 'a "quoted" \\ back\\slash\n\ttab' },
  { _session_expiry: 1209600, 'django.contrib.messages': '[["__json_message",0,25,"Saved."]]', empty: {}, list: [] },
];

const SIGNED_OBJECTS: unknown[] = [{ a: 1 }, 'plain string', [1, 2.5, 'x', null], { long: 'z'.repeat(300) }, 12345];

const PHP_VALUES: unknown[] = [
  { _auth_user_id: '7', cart: { $dict: [[{ $int: '0' }, 'apple'], [{ $int: '1' }, 'pear']] } },
  { n: { $int: '-9223372036854775808' }, f: { $float: '0.1' }, inf: { $float: 'inf' }, t: true, z: null },
  { nested: { a: { b: { c: [1, 2, 3] } } }, s: 'caf\u00e9' },
];

const PICKLE_VALUES: unknown[] = [
  { _auth_user_id: '1', when: { $dt: [2024, 5, 17, 12, 30, 0, 123456], tz: 'utc' }, day: { $date: [2024, 5, 17] } },
  { t: { $tuple: [1, 'two', { $tuple: [] }] }, i: { $int: '123456789012345678901234567890' }, f: { $float: '1e-300' }, b: [true, false, null] },
  { rows: [{ id: 1, name: 'a' }, { id: 2, name: 'b' }, { id: 3, name: 'c' }], naive: { $dt: [1999, 12, 31, 23, 59, 59, 0] } },
  { offset: { $dt: [2020, 2, 29, 1, 2, 3, 4], tz: { offset_us: 19800000000 } }, d: { $dict: [[1, 'int key'], ['s', 'str key']] } },
];

function payloadOf(signed: string): Buffer {
  const parts = signed.split(':');
  const payload = parts[0];
  const raw = b64UrlDecode(payload.startsWith('.') ? payload.slice(1) : payload);
  return payload.startsWith('.') ? zlibDecompress(raw) : raw;
}

function innerOf(signed: string): string {
  return signed.slice(0, signed.lastIndexOf(':'));
}

async function main() {
  const b64 = (b: Uint8Array | string) => Buffer.from(b as Uint8Array).toString('base64');
  const text = (s: string) => Buffer.from(s, 'latin1').toString('base64');

  const signedSessions = djangoAll<string>(SESSIONS.map((session) => ({ op: 'session_encode', key: FUZZ_SECRET_KEY, session, now: FUZZ_TIMESTAMP })), LINE);
  const legacySessions = djangoAll<string>(SESSIONS.map((session) => ({ op: 'session_encode', key: FUZZ_SECRET_KEY, session, algorithm: 'sha1', now: FUZZ_TIMESTAMP })), LINE);
  const pickled = djangoAll<{ raw: Buffer; encoded: string }>(PICKLE_VALUES.map((value) => ({ op: 'pickle_django_session', value })), LINE);
  const protocols = djangoAll<{ pickles: Buffer[] }>(PICKLE_VALUES.map((value) => ({ op: 'pickle_protocols', value })), LINE);
  const php = djangoAll<Buffer>(PHP_VALUES.map((value) => ({ op: 'php_bridge_dumps', value })), LINE);
  const phpRepr = djangoAll<string>(php.map((data) => ({ op: 'php_bridge_bytes_repr', data })), LINE);
  const signedObjects = djangoAll<string>(SIGNED_OBJECTS.flatMap((obj) => [false, true].map((compress): OracleRequest => ({ op: 'sign_object', key: FUZZ_SECRET_KEY, obj, compress, now: FUZZ_TIMESTAMP }))), LINE);

  const hashRequests: OracleRequest[] = [
    { op: 'pw_encode', hasher: 'pbkdf2_sha256', password: FUZZ_PASSWORD, salt: 'seedsaltseedsaltseedsa', extra: [1000] },
    { op: 'pw_encode', hasher: 'pbkdf2_sha1', password: FUZZ_PASSWORD, salt: 'seedsaltseedsaltseedsa', extra: [1000] },
    { op: 'pw_make_password', hasher: 'md5', password: FUZZ_PASSWORD, salt: 'seedsalt' },
    { op: 'pw_make_password', hasher: 'sha1', password: FUZZ_PASSWORD, salt: 'seedsalt' },
    { op: 'pw_make_password', hasher: 'unsalted_md5', password: FUZZ_PASSWORD },
    { op: 'pw_make_password', hasher: 'unsalted_sha1', password: FUZZ_PASSWORD },
    { op: 'pw_make_password', hasher: 'crypt', password: FUZZ_PASSWORD, salt: 'ab' },
    { op: 'pw_make_password', hasher: 'bcrypt_sha256', password: FUZZ_PASSWORD },
    { op: 'pw_make_password', hasher: 'bcrypt', password: FUZZ_PASSWORD },
    { op: 'pw_scrypt_encode', password: FUZZ_PASSWORD, salt: 'seedsaltseedsaltseedsa', n: 16, r: 8, p: 1 },
  ];
  const djangoHashes = djangoAll<string>(hashRequests, LINE);
  const bridgeHashes = await Promise.all(['argon2', 'bcrypt', 'bcrypt_sha256', 'scrypt'].map((name) => { const h = FUZZ_HASHERS.get(name); return h.encode(FUZZ_PASSWORD, name.startsWith('bcrypt') ? h.salt() : 'seedsaltseedsaltseedsa'); }));
  const unusable = ['!', '!' + 'x'.repeat(40), ''];

  const tokens = djangoAll<{ token: string; cookie: string }>([{ op: 'csrf_new_token' }, { op: 'csrf_new_token', masked: true }], LINE).filter(Boolean);
  const csrf: Buffer[] = [];
  for (const { token, cookie } of tokens) {
    csrf.push(
      csrfSeed(['POST', cookie, token, undefined, 'https://example.com', undefined, 'example.com', '\u0001']),
      csrfSeed(['PUT', cookie, undefined, token, undefined, 'https://example.com/page?x=1', 'example.com', '\u0001']),
      csrfSeed(['POST', cookie, token, undefined, 'https://a.wild.example.com', undefined, 'example.com:8443', '\u0021']),
      csrfSeed(['DELETE', cookie, undefined, token, undefined, 'https://sub.example.com/', 'example.com', '\u0011', '.example.com']),
      csrfSeed(['POST', token.slice(0, 32), token, undefined, 'null', undefined, 'example.com', '\u0003']),
      csrfSeed(['PATCH', cookie, undefined, token, 'http://plain.example.org:8080', undefined, 'x', '\u0004', undefined, 'https://*.extra.example http://other.example:81']),
    );
  }

  const seeds: DjangoSeeds = {
    generatedBy: 'node --import ./fuzz/register.mjs fuzz/generate-corpus.ts',
    django: LINE,
    secretKey: FUZZ_SECRET_KEY,
    targets: {
      'session-json': signedSessions.map((s) => b64(payloadOf(s))),
      'session-pickle': pickled.map((p) => b64(p.raw)),
      'session-php': [...php.map(b64), ...phpRepr.map(text)],
      'session-text': [...signedSessions, ...legacySessions, ...pickled.map((p) => p.encoded)].map(text),
      'signing-loads': signedObjects.map((s) => text(innerOf(s))),
      'php-unserialize': php.map(b64),
      unpickle: protocols.flatMap((p) => p.pickles.map(b64)),
      passwords: [...djangoHashes, ...bridgeHashes, ...unusable].map((h) => b64(textBytes(h))),
      csrf: csrf.map(b64),
    },
  };
  writeFileSync(DJANGO_SEEDS_FILE, JSON.stringify(seeds, null, 1) + '\n');
  console.log(`wrote ${DJANGO_SEEDS_FILE}: ${Object.entries(seeds.targets).map(([k, v]) => `${k} ${v.length}`).join(', ')}`);
}

await main();
