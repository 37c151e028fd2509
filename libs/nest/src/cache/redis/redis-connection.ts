import { CacheUnavailable, SerializationError, type RedisCommands, type RedisSetOptions } from '@django-bridge/core';
import type { Cluster, Redis } from 'ioredis';
import { within } from '../../errors/deadline.js';

type Client = Redis | Cluster;

export interface RedisConnectionOptions {
  /** Where it points, for messages (no password). */
  label: string;
  /** A new, not yet connected client (lazyConnect, no offline queue, no retry: see redis-clients.ts). */
  /** Async: the first call loads ioredis (an optional peer). */
  createClient: () => Client | Promise<Client>;
  /** Milliseconds to connect and be ready (TCP, TLS, AUTH, SELECT, ready check; Sentinel look-up). */
  connectTimeout: number;
  /** Milliseconds one command may take. */
  commandTimeout: number;
}

const isReplyError = (err: unknown): err is Error => err instanceof Error && err.name === 'ReplyError';

/**
 * RedisCommands over one ioredis client (a server, a Sentinel master or a Cluster), opened on the
 * first command and reopened on the next command after it is lost: no background retry loop, no
 * offline queue. Connecting is bounded by connectTimeout and each command by commandTimeout; past
 * either, or on a lost connection, the command throws CacheUnavailable and the client is dropped,
 * so nothing sent to a silent server can pile up or run late on a reused connection.
 */
export class RedisConnection implements RedisCommands {
  private client: Client | null = null;
  private opening: Promise<Client> | null = null;
  private closed = false;

  constructor(private readonly options: RedisConnectionOptions) {}

  get label(): string {
    return this.options.label;
  }

  private unavailable(what: string, cause?: unknown): CacheUnavailable {
    return new CacheUnavailable(`Redis cache at ${this.options.label} ${what}`, cause);
  }

  private drop(client: Client): void {
    if (this.client === client) this.client = null;
    client.disconnect();
  }

  private async open(): Promise<Client> {
    const { connectTimeout } = this.options;
    const client = await this.options.createClient();
    let lastError: Error | undefined;
    // ioredis reports what went wrong (refused, WRONGPASS, all Sentinels down) as events.
    client.on('error', (err: Error) => {
      lastError = err;
    });
    // Any error while connecting is final (there is no retry): AUTH refused, or the ready check
    // unanswered within commandTimeout, fails now rather than at the connect deadline.
    const failed = new Promise<never>((_, reject) => client.once('error', reject));
    try {
      await within(connectTimeout, () => new Error(`no connection within ${connectTimeout} ms`), Promise.race([client.connect(), failed]));
    } catch (err) {
      client.disconnect();
      const cause = lastError ?? err;
      throw this.unavailable(`is unavailable: ${(cause as Error).message}`, cause);
    }
    if (this.closed) {
      client.disconnect();
      throw this.unavailable('was closed');
    }
    client.once('end', () => {
      if (this.client === client) this.client = null;
    });
    this.client = client;
    return client;
  }

  private async ready(): Promise<Client> {
    if (this.closed) throw this.unavailable('was closed');
    if (this.client?.status === 'ready') return this.client;
    if (this.client) this.drop(this.client);
    this.opening ??= this.open().finally(() => {
      this.opening = null;
    });
    return this.opening;
  }

  private async run<T>(command: string, send: (client: Client) => Promise<T>): Promise<T> {
    const client = await this.ready();
    const { commandTimeout } = this.options;
    try {
      return await within(commandTimeout, () => new Error(`no answer to ${command} within ${commandTimeout} ms`), send(client));
    } catch (err) {
      if (isReplyError(err)) {
        if (err.message.startsWith('WRONGTYPE')) throw new SerializationError(`The cache entry is no string value (${err.message})`);
        // A master demoted by a failover: the next command asks Sentinel (or the Cluster) again.
        if (/^(READONLY|MASTERDOWN|LOADING|CLUSTERDOWN|TRYAGAIN)/.test(err.message)) this.drop(client);
        throw this.unavailable(`refused ${command}: ${err.message}`, err);
      }
      this.drop(client);
      throw this.unavailable(`failed on ${command}: ${(err as Error).message}`, err);
    }
  }

  get(key: string): Promise<Buffer | null> {
    return this.run('GET', (c) => c.getBuffer(key));
  }

  async set(key: string, value: Buffer, options: RedisSetOptions = {}): Promise<boolean> {
    const args: (string | Buffer)[] = [key, value];
    if (options.ex !== undefined) args.push('EX', options.ex.toString());
    if (options.px !== undefined) args.push('PX', options.px.toString());
    if (options.nx) args.push('NX');
    const reply = await this.run('SET', (c) => c.call('SET', ...args));
    return reply !== null;
  }

  del(key: string): Promise<number> {
    return this.run('DEL', (c) => c.del(key));
  }

  exists(key: string): Promise<number> {
    return this.run('EXISTS', (c) => c.exists(key));
  }

  /** QUIT (bounded by commandTimeout, then the socket is cut); later commands throw CacheUnavailable. */
  async close(): Promise<void> {
    this.closed = true;
    await this.opening?.catch(() => undefined);
    const client = this.client;
    this.client = null;
    if (!client) return;
    try {
      await within(this.options.commandTimeout, () => new Error('QUIT timed out'), client.quit());
    } catch {
      client.disconnect();
    }
  }
}
