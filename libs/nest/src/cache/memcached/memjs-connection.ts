import { CacheUnavailable, CacheValueTooLarge, DjangoBridgeError, ImproperlyConfigured, MEMCACHED_MAX_RELATIVE_EXPIRY, type MemcachedConnection, type MemcachedEntry, type MemcachedServer } from '@django-bridge/core';
import type { Socket } from 'node:net';
import { within } from '../../errors/deadline.js';
import { loadMemjs, type MemjsClient, type MemjsSerializer, type MemjsServer } from './memjs.js';

export interface MemjsConnectionOptions {
  server: MemcachedServer;
  /** Milliseconds to connect. */
  connectTimeout: number;
  /** Milliseconds for one command's reply. */
  commandTimeout: number;
  /** TCP_NODELAY on the connection (pymemcache's no_delay). */
  noDelay: boolean;
  /** TCP keep-alive's idle time in milliseconds, or null for none (pymemcache's socket_keepalive). */
  keepAliveDelay: number | null;
  /** Names the cache in errors ("caches.default"). */
  label: string;
}

/**
 * The binary protocol reads an expiration as unsigned, so pymemcache's negative "already expired"
 * would be the year 2106 there. An absolute time in the past does what the text protocol does with
 * a negative one: the item is stored expired (an `add` still succeeds and the key stays free).
 */
const EXPIRED = MEMCACHED_MAX_RELATIVE_EXPIRY + 1;

/** What set/add hand to the serializer, which writes it as the item's value and extras. */
class StoreRequest {
  constructor(
    readonly entry: MemcachedEntry,
    readonly exptime: number,
  ) {}
}

const serializer: MemjsSerializer = {
  serialize(_opcode, value) {
    if (!(value instanceof StoreRequest)) throw new TypeError('memcached stores go through StoreRequest');
    const extras = Buffer.alloc(8);
    extras.writeUInt32BE(value.entry.flags >>> 0, 0);
    extras.writeUInt32BE(value.exptime < 0 ? EXPIRED : value.exptime, 4);
    return { value: value.entry.value, extras };
  },
  deserialize(_opcode, value, extras) {
    return { value, extras };
  },
};

const silent = { log() {} };

/**
 * One memcached server through memjs: lazy connection, every command bounded (connect + reply),
 * failures as CacheUnavailable, a too-large value as CacheValueTooLarge. After a failure the next
 * command connects again, so the cache recovers by itself when the server is back.
 */
export class MemjsConnection implements MemcachedConnection {
  /** memjs's client and server, made on the first command (memjs is loaded then). */
  private link: { client: MemjsClient; server: MemjsServer; statusText: Record<number, string> } | null = null;
  private readonly name: string;
  /** Sockets memjs opened (it only end()s one it gives up on, which a silent peer never closes). */
  private readonly sockets = new Set<Socket>();
  private closed = false;

  constructor(private readonly options: MemjsConnectionOptions) {
    const { server } = options;
    this.name = server.kind === 'tcp' ? `${server.host}:${server.port}` : `unix:${server.path}`;
  }

  private async open(): Promise<NonNullable<MemjsConnection['link']>> {
    const { memjs, statusText } = await loadMemjs();
    if (this.link) return this.link; // another command opened it meanwhile
    const { server: where } = this.options;
    // memjs hands its port to net.connect, which takes a string that is no number as a socket path.
    const [host, port] = where.kind === 'tcp' ? [where.host, where.port] : [undefined, where.path];
    const server = new memjs.Server(host, port, undefined, undefined, {
      timeout: this.options.commandTimeout / 1000,
      conntimeout: this.options.connectTimeout / 1000,
      keepAlive: this.options.keepAliveDelay !== null,
      keepAliveDelay: (this.options.keepAliveDelay ?? 0) / 1000,
    });
    // memjs falls back to SASL credentials from MEMCACHIER_*/MEMCACHE_* variables; pymemcache never authenticates.
    server.username = undefined;
    server.password = undefined;
    // One try: pymemcache does not retry either, and the bound stays connect + reply.
    const client = new memjs.Client([server], { retries: 1, failover: false, expires: 0, logger: silent, serializer });
    this.link = { client, server, statusText };
    return this.link;
  }

  async get(key: Buffer): Promise<MemcachedEntry | null> {
    const { value, flags } = await this.run('get', (client) => client.get(key));
    if (value === null) return null;
    if (!flags || flags.length !== 4) throw new CacheUnavailable(`${this.options.label}: memcached ${this.name} sent a malformed reply`);
    return { value, flags: flags.readUInt32BE(0) };
  }

  async store(command: 'set' | 'add', key: Buffer, entry: MemcachedEntry, exptime: number): Promise<boolean> {
    if (!Number.isSafeInteger(exptime) || exptime > 0xffffffff) throw new ImproperlyConfigured(`${this.options.label}: a memcached expiration beyond 2106 cannot be sent (${exptime})`);
    const request = new StoreRequest(entry, exptime);
    return this.run(command, (client) => (command === 'set' ? client.set(key, request, {}) : client.add(key, request, {})));
  }

  delete(key: Buffer): Promise<boolean> {
    return this.run('delete', (client) => client.delete(key));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (!this.link) return;
    this.link.server.error(new Error('closed'));
    this.reap();
  }

  private async run<T>(command: string, op: (client: MemjsClient) => Promise<T>): Promise<T> {
    if (this.closed) throw new CacheUnavailable(`${this.options.label}: the memcached cache is closed`);
    // A missing memjs is a MissingOptionalDependency (a configuration error), not an unavailable cache.
    const { client, server } = this.link ?? (await this.open());
    if (this.closed) throw new CacheUnavailable(`${this.options.label}: the memcached cache is closed`);
    const bound = (server.connected ? 0 : this.options.connectTimeout) + this.options.commandTimeout;
    const expired = () => {
      const error = new CacheUnavailable(`${this.options.label}: memcached ${this.name} did not answer ${command} within ${bound} ms`);
      // memjs has its own timers; this one also holds when they do not fire (its idle-based one can be starved).
      server.error(new Error('timed out'));
      this.reap();
      return error;
    };
    try {
      const pending = op(client);
      this.track();
      return await within(bound, expired, pending);
    } catch (err) {
      throw this.failure(command, err);
    }
  }

  private failure(command: string, err: unknown): Error {
    if (err instanceof DjangoBridgeError) return err;
    const message = err instanceof Error ? err.message : String(err);
    if (message.startsWith('MemJS ')) {
      const tooLarge = this.link?.statusText[0x03];
      if (tooLarge && message.endsWith(tooLarge)) return new CacheValueTooLarge(`${this.options.label}: memcached ${this.name} refused the value as too large for an item (its -I limit)`);
      return new CacheUnavailable(`${this.options.label}: memcached ${this.name} refused ${command}: ${message.slice(message.indexOf(':') + 2)}`, err);
    }
    this.reap();
    return new CacheUnavailable(`${this.options.label}: memcached ${this.name} is unavailable (${command}: ${message})`, err);
  }

  private track(): void {
    const socket = this.link?.server._socket;
    if (!socket || this.sockets.has(socket)) return;
    this.sockets.add(socket);
    socket.setNoDelay(this.options.noDelay);
    socket.once('close', () => this.sockets.delete(socket));
  }

  /**
   * Destroys the sockets memjs has given up on (every one but its current). Their listeners go
   * first: memjs's 'close' handler clears whatever socket is current by then, which would orphan a
   * newer connection and its timers, and a late 'error' would fail the newer connection's commands.
   */
  private reap(): void {
    for (const socket of this.sockets) {
      if (socket === this.link?.server._socket) continue;
      this.sockets.delete(socket);
      socket.removeAllListeners();
      socket.on('error', () => {});
      socket.destroy();
    }
  }
}
