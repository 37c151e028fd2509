/**
 * Looking into the caches the session engines share, independently of both Django and the bridge:
 * raw Redis (RESP) and Memcached (meta text protocol) commands over a socket of our own, to read
 * the exact expiry a side wrote and to plant values neither side would write; and the servers
 * themselves, started privately.
 *
 * Every socket here has a deadline; a probe that cannot finish throws, it never hangs a test.
 */
import { createConnection, type Socket } from 'node:net';
import { startMemcached } from '../../support/memcached-server.js';
import { startRedis } from '../../support/redis-servers.js';

const PROBE_TIMEOUT_MS = 3_000;

/** One RESP reply: a simple string, an error (as Error), an integer, bulk bytes, null or an array. */
export type RespReply = string | number | Buffer | null | Error | RespReply[];

function encodeCommand(args: (string | Buffer | number)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const bytes = Buffer.isBuffer(arg) ? arg : Buffer.from(String(arg));
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** Parses one reply at `at`; null when the buffer does not hold all of it yet. */
function parseReply(buf: Buffer, at = 0): { value: RespReply; end: number } | null {
  const eol = buf.indexOf('\r\n', at);
  if (eol < 0) return null;
  const type = String.fromCharCode(buf[at]);
  const line = buf.subarray(at + 1, eol).toString('latin1');
  switch (type) {
    case '+':
      return { value: line, end: eol + 2 };
    case '-':
      return { value: new Error(line), end: eol + 2 };
    case ':':
      return { value: Number(line), end: eol + 2 };
    case '$': {
      const length = Number(line);
      if (length < 0) return { value: null, end: eol + 2 };
      if (buf.length < eol + 2 + length + 2) return null;
      return { value: Buffer.from(buf.subarray(eol + 2, eol + 2 + length)), end: eol + 2 + length + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { value: null, end: eol + 2 };
      const items: RespReply[] = [];
      let end = eol + 2;
      for (let i = 0; i < count; i++) {
        const item = parseReply(buf, end);
        if (!item) return null;
        items.push(item.value);
        end = item.end;
      }
      return { value: items, end };
    }
    default:
      throw new Error(`Unexpected RESP reply type ${JSON.stringify(type)}`);
  }
}

/** Sends bytes on a fresh connection and collects the answer until `complete` says it is all there. */
function exchange<T>(port: number, payload: Buffer, complete: (buf: Buffer) => T | undefined, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    let done = false;
    const socket: Socket = createConnection({ host: '127.0.0.1', port });
    const finish = (err: Error | null, value?: T) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(value as T);
    };
    const timer = setTimeout(() => finish(new Error(`${what} on 127.0.0.1:${port}: no complete answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
    socket.on('error', (err) => finish(new Error(`${what} on 127.0.0.1:${port}: ${err.message}`)));
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      try {
        const value = complete(buf);
        if (value !== undefined) finish(null, value);
      } catch (err) {
        finish(err as Error);
      }
    });
    socket.on('close', () => finish(new Error(`${what} on 127.0.0.1:${port}: connection closed before the answer`)));
    socket.write(payload);
  });
}

/** Raw commands to one Redis server (database 0), each on its own short connection. */
export class RedisProbe {
  constructor(readonly port: number) {}

  async command(...args: (string | Buffer | number)[]): Promise<RespReply> {
    const reply = await exchange(this.port, encodeCommand(args), (buf) => parseReply(buf)?.value ?? undefined, `Redis ${String(args[0])}`);
    if (reply instanceof Error) throw new Error(`Redis ${String(args[0])} failed: ${reply.message}`);
    return reply;
  }

  /** The instant (ms since the epoch) the key expires; null when it has no expiry or does not exist. */
  async expiresAt(key: string): Promise<number | null> {
    const at = (await this.command('PEXPIRETIME', key)) as number;
    return at < 0 ? null : at;
  }

  async exists(key: string): Promise<boolean> {
    return ((await this.command('EXISTS', key)) as number) === 1;
  }

  async get(key: string): Promise<Buffer | null> {
    return (await this.command('GET', key)) as Buffer | null;
  }

  /** Overwrites the value, keeping the key's expiry (SET KEEPTTL). */
  async overwrite(key: string, value: Buffer): Promise<void> {
    await this.command('SET', key, value, 'KEEPTTL');
  }

  async del(key: string): Promise<void> {
    await this.command('DEL', key);
  }
}

/** Raw commands to one Memcached server (text and meta protocol). */
export class MemcachedProbe {
  constructor(readonly port: number) {}

  /** Sends one command and reads until a line that ends its answer. */
  private async raw(payload: Buffer, what: string, terminators: RegExp): Promise<string> {
    return exchange(this.port, payload, (buf) => {
      const text = buf.toString('latin1');
      return terminators.test(text) ? text : undefined;
    }, `Memcached ${what}`);
  }

  /** Seconds the key has left (meta get `t`); null when missing, -1 when it never expires. */
  async ttl(key: string): Promise<number | null> {
    const answer = await this.raw(Buffer.from(`mg ${key} t\r\n`), 'mg', /(^|\r\n)(HD[^\r]*|EN|CLIENT_ERROR[^\r]*|SERVER_ERROR[^\r]*|ERROR)\r\n$/);
    if (answer.startsWith('EN')) return null;
    const m = /^HD(?: .*)? t(-?\d+)/.exec(answer);
    if (!m) throw new Error(`Memcached mg ${key} t: unexpected answer ${JSON.stringify(answer)}`);
    return Number(m[1]);
  }

  async exists(key: string): Promise<boolean> {
    return (await this.ttl(key)) !== null;
  }

  /** Stores bytes with pymemcache's serde flags (1 = pickled), for `exptime` seconds. */
  async set(key: string, value: Buffer, flags: number, exptime: number): Promise<void> {
    const answer = await this.raw(Buffer.concat([Buffer.from(`set ${key} ${flags} ${exptime} ${value.length}\r\n`), value, Buffer.from('\r\n')]), 'set', /\r\n$/);
    if (!answer.startsWith('STORED')) throw new Error(`Memcached set ${key}: ${answer.trim()}`);
  }

  async del(key: string): Promise<void> {
    await this.raw(Buffer.from(`delete ${key}\r\n`), 'delete', /\r\n$/);
  }
}

/** A cache server this spec started: where it listens, and how to stop it for good. */
export interface StartedCacheServer {
  port: number;
  stop(): Promise<void>;
}

/** A private redis-server or memcached on a free loopback port (test/support's starters; they fail loudly). */
export async function startCacheServer(kind: 'redis' | 'memcached'): Promise<StartedCacheServer> {
  if (kind === 'redis') {
    const redis = await startRedis();
    return { port: redis.port, stop: () => redis.destroy() };
  }
  const memcached = await startMemcached();
  return { port: memcached.port!, stop: () => memcached.stop() };
}
