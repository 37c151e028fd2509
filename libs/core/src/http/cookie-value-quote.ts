/**
 * Python's `http.cookies._quote`, which Django's response.cookies applies to every value: a value
 * of legal characters only goes out as it is; any other is wrapped in double quotes, with '"' and
 * '\' backslash-escaped and every byte outside the unescaped set (controls, ",", ";", DEL, Latin-1)
 * written as a three-digit octal escape. Control characters (U+0000-U+001F, U+007F) are refused,
 * as Python 3.13's http.cookies refuses them (Django 6.1 cannot set such a cookie; older Pythons
 * escaped them); so are characters beyond U+00FF, which no HTTP header carries.
 */
const LEGAL = /^[A-Za-z0-9!#$%&'*+\-.^_`|~:]+$/;
const UNESCAPED = new Set(Array.from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+-.^_`|~: ()/<=>?@[]{}"));

export function quoteCookieValue(value: string): string {
  if (LEGAL.test(value)) return value;
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (code > 0xff) throw new TypeError('Cookie value has a character beyond Latin-1, which an HTTP header cannot carry');
    if (code < 0x20 || code === 0x7f) throw new TypeError('Control characters are not allowed in cookies');
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (UNESCAPED.has(ch)) out += ch;
    else out += `\\${code.toString(8).padStart(3, '0')}`;
  }
  return `${out}"`;
}
