import { parseCookieHeader, serializeCookie } from '@django-bridge/core';
import { fuzzText, textBytes, type Target } from '../lib/target.js';
import { COOKIE_TOKENS } from './dictionaries.js';

const NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const SAFE_VALUE = /^[!#-+\--:<-[\]-~]*$/;

/**
 * Django's parse_cookie on a mutated Cookie header (one string, or several lines as Node hands
 * repeated headers): it never throws, returns strings only, and every pair it returns that
 * serializeCookie can write reads back unchanged.
 */
export const cookieTarget: Target = {
  name: 'cookies',
  seeds: () => ['sessionid=abc123; csrftoken=Zx9; theme="dark \\"blue\\""', 'a=1;b=2;a=3', '=x; y; ;;', '"\\012\\377\\400"=v', 'k="a;b"; __proto__=1; constructor=2'].map(textBytes),
  dictionary: COOKIE_TOKENS,
  maxLength: 32 * 1024,
  run: (input) => {
    const text = fuzzText(input);
    const header = text.includes('\n') ? text.split('\n') : text;
    const cookies = parseCookieHeader(header);
    if (Object.getPrototypeOf(cookies) !== null) return { serializedBytes: input.length, problem: 'parseCookieHeader result has a prototype' };
    for (const [name, value] of Object.entries(cookies)) {
      if (typeof value !== 'string') return { serializedBytes: input.length, problem: `cookie ${JSON.stringify(name)} is a ${typeof value}` };
      if (!NAME.test(name) || !SAFE_VALUE.test(value)) continue;
      const line = serializeCookie(name, value).split('; ')[0];
      const back = parseCookieHeader(line)[name];
      if (back !== value) return { serializedBytes: input.length, problem: `round trip of ${JSON.stringify(line)} gave ${JSON.stringify(back)}` };
    }
    return { serializedBytes: input.length, value: cookies };
  },
};
