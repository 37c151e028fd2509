/** django.utils.crypto helpers against Django 3.2, random inputs every run. */
import { describe, expect, it } from '@jest/globals';
import { randomInt } from 'node:crypto';
import { constantTimeCompare, pbkdf2, saltedHmac, type HmacAlgorithm } from '@django-bridge/core';
import { b62Encode } from '../../libs/core/src/crypto/base62.js';
import { djangoAll } from '../django/oracle.js';
import { randomSecret, randomText } from '../support/random.js';

describe('django.utils.crypto', () => {
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

  it('base62 timestamps equal baseconv.base62', () => {
    const ns = [0, 1, 61, 62, -5, 1_700_000_000, ...Array.from({ length: 20 }, () => randomInt(0, 2 ** 47))];
    const theirs = djangoAll<string>(ns.map((n) => ({ op: 'b62_encode', n })));
    expect(ns.map(b62Encode)).toEqual(theirs);
  });

  it('constantTimeCompare agrees with constant_time_compare on str input', () => {
    const pairs = [['a', 'a'], ['a', 'b'], ['', ''], ['é', 'é'], ['abc', 'abcd'], [randomText(), randomText()]];
    const theirs = djangoAll<boolean>(pairs.map(([a, b]) => ({ op: 'constant_time_compare', a, b })));
    expect(pairs.map(([a, b]) => constantTimeCompare(a, b))).toEqual(theirs);
  });
});
