/** django-php-bridge rows that a Python 3 Django (the running line's Python) stored as str(bytes), read as sessions. */
import { describe, expect, it } from '@jest/globals';
import { decodeSessionData, encodeSessionData, phpSerialize } from '@django-bridge/core';
import { djangoInfo } from '../django/django-info.js';
import { djangoAll } from '../django/oracle.js';

const info = djangoInfo();

describe(`php session rows (Django ${info.version}, Python ${info.python})`, () => {
  it("decodes b'a:...' rows and plain php_serialize rows alike, and writes plain ones", () => {
    const session = { _auth_user_id: '1', note: "it's \"quoted\" \\ é\n" };
    const [repr] = djangoAll<string>([{ op: 'php_bridge_bytes_repr', data: phpSerialize(session) }]);
    expect(repr.startsWith("b'") || repr.startsWith('b"')).toBe(true);
    expect(decodeSessionData(repr, { secretKey: 'unused', serializer: 'php' })).toEqual(session);
    const plain = encodeSessionData(session, { secretKey: 'unused', serializer: 'php' });
    expect(plain).toBe(phpSerialize(session).toString('utf8'));
    expect(decodeSessionData(plain, { secretKey: 'unused', serializer: 'php' })).toEqual(session);
    expect(() => decodeSessionData('O:8:"stdClass":0:{}', { secretKey: 'unused', serializer: 'php' })).toThrow('Session data corrupted');
  });
});
