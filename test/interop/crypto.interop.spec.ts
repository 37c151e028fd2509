/** django.utils.crypto helpers and signing's base62 against the running Django, random inputs every run. */
import { describe, expect, it } from '@jest/globals';
import { constantTimeCompare, pbkdf2, saltedHmac, type HmacAlgorithm } from '@django-bridge/core';
import { b62Decode, b62Encode } from '../../libs/core/src/crypto/base62.js';
import { djangoInfo } from '../django/django-info.js';
import { djangoAll, djangoBatch } from '../django/oracle.js';
import { randomInt, randomSecret, randomString, randomText } from '../support/random.js';

const info = djangoInfo();

describe(`django.utils.crypto (Django ${info.version})`, () => {
  it('saltedHmac equals salted_hmac for sha1, sha256 and sha512', () => {
    const reqs = Array.from({ length: 30 }, (_, i) => ({ op: 'salted_hmac', salt: randomText(20), value: randomText(50), secret: randomSecret(), algorithm: (['sha1', 'sha256', 'sha512'] as const)[i % 3] }));
    const theirs = djangoAll<Buffer>(reqs);
    expect(reqs.map((r) => saltedHmac(r.salt, r.value, r.secret, r.algorithm as HmacAlgorithm).toString('hex'))).toEqual(theirs.map((b) => b.toString('hex')));
  });

  it('pbkdf2 equals django.utils.crypto.pbkdf2, dklen 0 meaning the digest size', async () => {
    const reqs = Array.from({ length: 8 }, (_, i) => ({ op: 'pbkdf2', password: randomText(20), salt: randomText(22), iterations: randomInt(1, 3000), dklen: i % 2 ? 0 : randomInt(1, 80), digest: i % 3 ? 'sha256' : 'sha1' }));
    const theirs = djangoAll<Buffer>(reqs);
    const ours = await Promise.all(reqs.map((r) => pbkdf2(r.password, r.salt, r.iterations, r.dklen, r.digest as 'sha1' | 'sha256')));
    expect(ours.map((b) => b.toString('hex'))).toEqual(theirs.map((b) => b.toString('hex')));
  });

  // 4.0+ has signing.b62_encode/b62_decode; 3.2 has django.utils.baseconv.base62 (the oracle picks).
  it(`base62 timestamps equal ${info.features.signing_b62 ? 'signing.b62_encode / b62_decode' : 'baseconv.base62'}`, () => {
    const ns = [0, 1, 61, 62, -5, 1_700_000_000, ...Array.from({ length: 20 }, () => randomInt(0, 2 ** 47)), ...Array.from({ length: 5 }, () => -randomInt(1, 2 ** 40))];
    const encoded = djangoAll<string>(ns.map((n) => ({ op: 'b62_encode', n })));
    expect(ns.map(b62Encode)).toEqual(encoded);
    expect(encoded.map(b62Decode)).toEqual(ns);
    const texts = Array.from({ length: 20 }, () => randomString('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', randomInt(1, 9)));
    expect(texts.map(b62Decode)).toEqual(djangoAll<number>(texts.map((s) => ({ op: 'b62_decode', s }))));
    // Where Django cannot decode (empty, a digit outside the alphabet), we refuse as a bad signature.
    const bad = ['', '!', 'a b', 'é', '1-2'];
    expect(djangoBatch(bad.map((s) => ({ op: 'b62_decode', s }))).map((r) => r.error?.split(':')[0])).toEqual(['IndexError', 'ValueError', 'ValueError', 'ValueError', 'ValueError']);
    for (const s of bad) expect(() => b62Decode(s)).toThrow();
  });

  it('constantTimeCompare agrees with constant_time_compare on str input', () => {
    const pairs = [['a', 'a'], ['a', 'b'], ['', ''], ['é', 'é'], ['abc', 'abcd'], [randomText(), randomText()]];
    const theirs = djangoAll<boolean>(pairs.map(([a, b]) => ({ op: 'constant_time_compare', a, b })));
    expect(pairs.map(([a, b]) => constantTimeCompare(a, b))).toEqual(theirs);
  });
});
