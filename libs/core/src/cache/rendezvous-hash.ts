import { murmur3_32 } from './murmur3.js';

/** Python's `max()` of two str: by code point, which is not JS's UTF-16 order for astral characters. */
function maxByCodePoint(a: string, b: string): string {
  const x = Array.from(a, (c) => c.codePointAt(0)!);
  const y = Array.from(b, (c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] > y[i] ? a : b;
  return x.length >= y.length ? a : b;
}

/**
 * pymemcache's RendezvousHash (highest random weight), the default `hasher` of the HashClient that
 * Django's PyMemcacheCache always uses: every server scores `murmur3_32("<server>-<key>")`, the
 * highest wins, a tie goes to the larger server name. Server names are pymemcache's ("host:port"
 * or a socket path, see memcached-server.ts); the key is the one Django made (make_key), before
 * pymemcache's own key_prefix.
 */
export class RendezvousHash {
  readonly nodes: string[] = [];

  constructor(
    nodes: Iterable<string> = [],
    private readonly hash: (text: string) => number = (text) => murmur3_32(text, 0),
  ) {
    for (const node of nodes) this.addNode(node);
  }

  addNode(node: string): void {
    if (!this.nodes.includes(node)) this.nodes.push(node);
  }

  /** The server for a key, or null when there is none. */
  getNode(key: string): string | null {
    let high = -1;
    let winner: string | null = null;
    for (const node of this.nodes) {
      const score = this.hash(`${node}-${key}`);
      if (score > high) {
        high = score;
        winner = node;
      } else if (score === high && winner !== null) {
        winner = maxByCodePoint(node, winner);
      }
    }
    return winner;
  }
}
