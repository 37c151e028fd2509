/**
 * pymemcache's murmur3_32 and RendezvousHash, against answers printed by pymemcache 3.5.2 itself
 * (`murmur3_32(text)`, `RendezvousHash().get_node(key)`); the interop spec checks random ones live.
 */
import { describe, expect, it } from '@jest/globals';
import { murmur3_32 } from './murmur3.js';
import { RendezvousHash } from './rendezvous-hash.js';

// [text, murmur3_32(text)] from pymemcache.client.murmur3.
const MURMUR: [string, number][] = [
  ['', 0], ['a', 1009084850], ['ab', 2613040991], ['abc', 3017643002], ['abcd', 1139631978], ['abcde', 3902511862],
  ['hello world', 1586663183], ['127.0.0.1:11211-:1:key', 1989752470], ['é', 1153881266], ['ÿ', 4251775245],
  ['Ω', 1418202238], ['中文', 1012793263], ['😀', 1364076727], ['x😀yz', 4224994751],
  ['django.contrib.sessions.cache', 592750530], ['\u0000\u0001\u0002\u0003\u0004', 3433356491], ['Ā', 1364076727],
];

describe('murmur3_32 (pymemcache.client.murmur3)', () => {
  it.each(MURMUR)('hashes %j as pymemcache does', (text, hash) => {
    expect(murmur3_32(text)).toBe(hash);
  });

  it('takes a seed', () => {
    expect(murmur3_32('abc', 42)).toBe(1313807976);
    expect(murmur3_32('hello', 42)).toBe(3806057185);
  });

  it('hashes characters, not UTF-8: only the low byte of each code point counts', () => {
    expect(murmur3_32('😀')).toBe(murmur3_32('Ā')); // U+1F600 and U+0100 both end in 0x00
    expect(murmur3_32('é')).not.toBe(murmur3_32('\u00c3\u00a9')); // not its UTF-8 bytes
  });
});

describe('RendezvousHash (pymemcache.client.rendezvous)', () => {
  const nodes = ['10.0.0.1:11211', '10.0.0.2:11211', '10.0.0.3:11211'];
  // [key, RendezvousHash over nodes .get_node(key)] from pymemcache.
  const CHOSEN: [string, string][] = [
    [':1:django.contrib.sessions.cache00000000000000000000000000000000', '10.0.0.2:11211'],
    [':1:django.contrib.sessions.cache00000000000000000000000000000001', '10.0.0.1:11211'],
    [':1:django.contrib.sessions.cache00000000000000000000000000000002', '10.0.0.1:11211'],
    [':1:django.contrib.sessions.cache00000000000000000000000000000003', '10.0.0.1:11211'],
    [':1:django.contrib.sessions.cache00000000000000000000000000000004', '10.0.0.3:11211'],
    [':1:django.contrib.sessions.cache00000000000000000000000000000005', '10.0.0.3:11211'],
    [':1:django.contrib.sessions.cache00000000000000000000000000000006', '10.0.0.1:11211'],
    [':1:django.contrib.sessions.cache00000000000000000000000000000007', '10.0.0.3:11211'],
    ['p:2:é', '10.0.0.3:11211'],
    [':1:😀', '10.0.0.1:11211'],
  ];

  it.each(CHOSEN)('puts %j on %s', (key, node) => {
    expect(new RendezvousHash(nodes).getNode(key)).toBe(node);
    expect(new RendezvousHash([...nodes].reverse()).getNode(key)).toBe(node); // the order of LOCATION does not matter
  });

  it('has no node for no servers, and keeps one of each name', () => {
    expect(new RendezvousHash().getNode('k')).toBeNull();
    expect(new RendezvousHash(['a:1', 'a:1']).nodes).toEqual(['a:1']);
  });

  it('breaks a tie for the larger name, by code point', () => {
    expect(new RendezvousHash(['b:1', 'a:1', 'c:1'], () => 7).getNode('k')).toBe('c:1');
    // UTF-16 would put U+FFFF above U+1F600; Python compares code points.
    expect(new RendezvousHash(['\uffff', '😀'], () => 7).getNode('k')).toBe('😀');
  });
});
