import { textTokens, tokens } from '../lib/target.js';

/** JSON as Python writes and reads it (NaN, Infinity, big ints, escapes, deep nesting). */
export const JSON_TOKENS = textTokens('{', '}', '[', ']', ',', ':', '"', '\\', '\\u', '\\ud800', '\\udc00', '\\u0000', 'null', 'true', 'false', 'NaN', 'Infinity', '-Infinity', '1e308', '-0', '0.0', '1E+400', '"_auth_user_id"', '"_auth_user_backend"', '"_auth_user_hash"', '"_session_expiry"', '[[[[[[[[', ']]]]]]]]', '{"a":', '9'.repeat(64), ' ', '\t', '\n', '\\"');

/** PHP serialize() and python-bytes literals. */
export const PHP_TOKENS = tokens('a:', 's:', 'i:', 'd:', 'b:', 'N;', 'O:', 'C:', 'r:', 'R:', 'S:', 'E:', ':{', '}', ';', '"', ':', 'a:1:{', 'a:2:{i:0;', 's:0:"";', 'i:-9223372036854775808;', 'i:9223372036854775808;', 'd:INF;', 'd:NAN;', 'd:-0;', 'd:1.0E+25;', 'b:1;', "b'", "b\"", '\\x', '\\\\', "\\'", 'a:1:{i:0;a:1:{i:0;', 'r:1;', 'R:1;');

/** Pickle opcodes and the globals the safe reader allows. */
export const PICKLE_TOKENS = tokens(
  [0x80, 0x02], [0x80, 0x04], [0x80, 0x05], [0x95, 0, 0, 0, 0, 0, 0, 0, 0], '}', ']', ')', '(', 'e', 'u', 'a', 's', 't', '0', '1', '2', '.', 'N', [0x88], [0x89],
  [0x94], ...Array.from({ length: 8 }, (_, i) => [0x68, i]), ...Array.from({ length: 8 }, (_, i) => [0x71, i]), 'j\x00\x00\x00\x00', 'q\x00', 'r\x00\x00\x00\x00', 'g0\n', 'p0\n',
  'K\x00', 'K\xff', 'M\xff\xff', 'J\xff\xff\xff\x7f', [0x8a, 0x01, 0xff], [0x8a, 0x09, 1, 2, 3, 4, 5, 6, 7, 8, 9], [0x8b, 0xff, 0xff, 0x00, 0x00], 'I12345\n', 'I01\n', 'L123L\n', 'F1.5\n', 'G\x7f\xf8\x00\x00\x00\x00\x00\x00',
  [0x8c, 0x00], [0x8c, 0x05, 0x68, 0x65, 0x6c, 0x6c, 0x6f], 'X\x00\x00\x00\x00', 'X\xff\xff\xff\x7f', [0x8d, 0, 0, 0, 0, 0, 0, 0, 0], 'V\\u1234\n', 'Vabc\n', 'S\'a\'\n', 'C\x03abc', 'B\x00\x00\x00\x00', [0x8e, 0, 0, 0, 0, 0, 0, 0, 0], [0x96, 0, 0, 0, 0, 0, 0, 0, 0],
  [0x85], [0x86], [0x87], 'R', 'b', [0x81], [0x92], [0x93], 'c', 'i',
  'cdatetime\ndatetime\n', 'cdatetime\ndate\n', 'cdatetime\ntimedelta\n', 'cdatetime\ntimezone\n', 'cpytz\n_UTC\n', 'cpytz\n_p\n', 'c_codecs\nencode\n', 'c__builtin__\nset\n', 'cbuiltins\ngetattr\n', 'czoneinfo\nZoneInfo\n', 'cos\nsystem\n',
  [0x8c, 0x08, ...Buffer.from('datetime')], [0x8c, 0x04, ...Buffer.from('date')], [0x8c, 0x09, ...Buffer.from('timedelta')], [0x8c, 0x08, ...Buffer.from('timezone')], [0x8c, 0x0f, ...Buffer.from('_session_expiry')],
  'U\x0a\x07\xea\x0c\x02\x07\x00\x00\x00\x00\x00', [0x8f], [0x90], [0x91], [0x97], [0x98],
);

/** Signed values: separators, base64url, base62 timestamps, the compression mark. */
export const SIGNING_TOKENS = tokens(':', '.', '.eJ', 'eJ', '=', '-', '_', '+', '/', ':1', ':-1', ':zzzzzzzzz', ':0000000000', '::', 'eyJ', 'e30', '==', 'AAAA', '____');

export const BASE64_TOKENS = tokens('=', '==', '===', '='.repeat(64), '+', '/', '-', '_', 'A', 'AAAA', ':', '\n', ' ', 'YTo', 'gAS', 'gAJ', 'eyJ');

export const PASSWORD_TOKENS = textTokens('$', '$$', 'pbkdf2_sha256$', 'pbkdf2_sha1$', 'argon2$argon2id$', 'argon2$argon2i$', 'argon2$argon2d$', 'v=19$', 'm=', 't=', 'p=', ',', 'bcrypt_sha256$', 'bcrypt$', '$2b$', '$2a$', '$2y$', '$2x$', 'scrypt$', 'sha1$', 'md5$', 'md5$$', 'sha1$$', 'unsalted_md5$', 'unsalted_sha1$', 'crypt$', '!', '0', '1000', '999999999999', '20000001', '04$', '31$', '=', '+', '/', '.', 'ab', 'd41d8cd98f00b204e9800998ecf8427e');

export const COOKIE_TOKENS = textTokens(';', '=', '"', '\\', '\\"', '\\012', '\\377', '\\400', ' ', '\t', ',', 'sessionid=', 'csrftoken=', '""', '"a;b"', '\u0000', '\u00ff', '\ud800', '__proto__=', 'constructor=', 'toString=', '$Version=1', '$Path=/', 'expires=Thu, 01 Jan 1970 00:00:00 GMT');

export const CSRF_TOKENS = textTokens('\0', 'POST', 'GET', 'PUT', 'OPTIONS', 'TRACE', 'post', 'https://', 'http://', '//', ':443', ':80', ':8080', 'null', '[', ']', '[::1]', '@', '#', '?', ';', '%', '%00', '*.', '.', 'example.com', 'trusted.example.com', 'a.wild.example.com', 'plain.example.org:8080', 'localhost', '\u0000', '\ufeff', '\u3002', 'A'.repeat(32), 'a'.repeat(64), '0'.repeat(64));
