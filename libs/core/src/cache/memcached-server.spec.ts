/** pymemcache's normalize_server_spec and HashClient._make_client_key, names printed by pymemcache 3.5.2. */
import { describe, expect, it } from '@jest/globals';
import { ImproperlyConfigured } from '../errors.js';
import { parseMemcachedServer, splitMemcachedLocation } from './memcached-server.js';

describe('parseMemcachedServer', () => {
  it.each([
    ['127.0.0.1:11211', '127.0.0.1:11211'], ['localhost', 'localhost:11211'], ['cache.example:011211', 'cache.example:11211'],
    ['[::1]:11212', '::1:11212'], ['[::1]', '::1:11211'], ['unix:/tmp/mc.sock', '/tmp/mc.sock'], ['/var/run/mc.sock', '/var/run/mc.sock'],
    ['h:+1_1211', 'h:11211'], ['[[::1]]:5', '::1:5'],
  ])('names %j %j', (spec, node) => {
    expect(parseMemcachedServer(spec).node).toBe(node);
  });

  it('splits host and port, or keeps the socket path', () => {
    expect(parseMemcachedServer('[::1]:11212')).toEqual({ kind: 'tcp', host: '::1', port: 11212, node: '::1:11212' });
    expect(parseMemcachedServer('unix:/tmp/mc.sock')).toEqual({ kind: 'unix', path: '/tmp/mc.sock', node: '/tmp/mc.sock' });
  });

  it.each(['', ':11211', 'h:', 'h:x', 'h:0', 'h:70000', ' h:1', 'unix:'])('refuses %j', (spec) => {
    expect(() => parseMemcachedServer(spec)).toThrow(ImproperlyConfigured);
  });
});

describe('splitMemcachedLocation', () => {
  it('splits a string on ";" and "," as Django does, and takes a list as it is', () => {
    expect(splitMemcachedLocation('a:1;b:2,c:3')).toEqual(['a:1', 'b:2', 'c:3']);
    expect(splitMemcachedLocation(['a:1', 'b:2'])).toEqual(['a:1', 'b:2']);
    expect(() => splitMemcachedLocation([1] as unknown as string[])).toThrow(ImproperlyConfigured);
  });
});
