import { describe, expect, it } from '@jest/globals';
import { InvalidAccessRule, parseAccessRule } from './access-rule.js';
import { encodeHeaderValue } from './django-forward-auth.service.js';

describe('parseAccessRule (per-location requirements)', () => {
  it('reads staff, superuser, permissions (all) and groups (any)', () => {
    expect(parseAccessRule({})).toEqual({});
    expect(parseAccessRule({ staff: '1', superuser: 'off', permission: ['notes.add_note', 'auth.view_user'], group: 'secret-agents' })).toEqual({
      staff: true,
      superuser: false,
      permissions: ['notes.add_note', 'auth.view_user'],
      groups: ['secret-agents'],
    });
  });

  it.each([
    [{ staf: '1' }, /unknown query parameter "staf"/],
    [{ staff: 'maybe' }, /"staff" must be given once/],
    [{ staff: ['1', '1'] }, /"staff" must be given once/],
    [{ permission: 'add_note' }, /must look like "app_label.codename"/],
    [{ group: '' }, /1 to 150 characters/],
    [{ group: { a: 'b' } }, /must be text/],
  ])('fails closed on %j', (query, message) => {
    expect(() => parseAccessRule(query as Record<string, unknown>)).toThrow(InvalidAccessRule);
    expect(() => parseAccessRule(query as Record<string, unknown>)).toThrow(message);
  });

  it('leaves parameters the caller handles', () => {
    expect(parseAccessRule({ realm: 'Top Secret', group: 'x' }, ['realm'])).toEqual({ groups: ['x'] });
  });
});

describe('encodeHeaderValue', () => {
  it('keeps usual usernames and encodes anything that could break a header', () => {
    expect(encodeHeaderValue('alice@example.com')).toBe('alice@example.com');
    expect(encodeHeaderValue('a.b+c-d_e~f')).toBe('a.b+c-d_e~f');
    expect(encodeHeaderValue('evil\r\nX-Remote-User: root')).toBe('evil%0D%0AX-Remote-User%3A%20root');
    expect(encodeHeaderValue('secret agents, inc')).toBe('secret%20agents%2C%20inc');
    expect(encodeHeaderValue('zoë')).toBe('zo%C3%AB');
    expect(decodeURIComponent(encodeHeaderValue('zoë, 100%'))).toBe('zoë, 100%');
  });
});
