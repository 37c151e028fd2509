/**
 * Random inputs of the e2e specs (secrets, passwords), reproducible from one seed per spec file:
 * printed when the file loads; E2E_SEED=<n> replays a run.
 */
import { expect } from '@jest/globals';
import { randomInt } from 'node:crypto';
import { basename } from 'node:path';
import { defaultDjangoLine } from '../../django/django-line.js';

export const E2E_SEED = Number(process.env.E2E_SEED ?? randomInt(2 ** 31));
if (!Number.isSafeInteger(E2E_SEED) || E2E_SEED < 0) throw new Error(`E2E_SEED must be a non-negative integer, not "${process.env.E2E_SEED}"`);
// eslint-disable-next-line no-console
console.log(`${basename(expect.getState().testPath ?? 'e2e')} seed: ${E2E_SEED} (replay with E2E_SEED=${E2E_SEED}) on Django ${defaultDjangoLine()}`);

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rnd = mulberry32(E2E_SEED);

/** An integer in [0, n). */
export function seededInt(n: number): number {
  return Math.floor(rnd() * n);
}

const URL_SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** `length` base64url characters. */
export function seededToken(length: number): string {
  return Array.from({ length }, () => URL_SAFE[seededInt(URL_SAFE.length)]).join('');
}

/** A SECRET_KEY that can travel in an environment variable (no NUL, no newline), non-ASCII included. */
export function seededSecret(): string {
  return `django-insecure-${seededToken(24)}-é€-${seededInt(1e9)}`;
}
