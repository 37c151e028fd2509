import { optionalDependency } from '@django-bridge/core';
import type { Socket } from 'node:net';

/**
 * The part of memjs (CommonJS, without type declarations) the memcached connection uses. memjs
 * speaks memcached's binary protocol; its documented `serializer` hook sees and returns a store's
 * extras (flags and expiration) and a get's flags, which is how pymemcache's type flags are kept.
 */
export interface MemjsSerializer {
  serialize(opcode: number, value: unknown, extras: Buffer): { value: Buffer; extras: Buffer };
  deserialize(opcode: number, value: Buffer, extras: Buffer): { value: Buffer; extras: Buffer };
}

export interface MemjsServerOptions {
  /** Seconds to wait for a reply. */
  timeout: number;
  /** Seconds to wait for a connection. */
  conntimeout: number;
  keepAlive: boolean;
  /** Seconds. */
  keepAliveDelay: number;
}

export interface MemjsServer {
  host: string | undefined;
  port: number | string | undefined;
  username: string | undefined;
  password: string | undefined;
  connected: boolean;
  /** memjs's live socket, if any (read only, to destroy sockets memjs leaves half-closed). */
  _socket?: Socket;
  /** Drops the connection and fails every pending request with err. */
  error(err: Error): void;
}

export interface MemjsClientOptions {
  retries: number;
  failover: boolean;
  expires: number;
  logger: { log(...args: unknown[]): void };
  serializer: MemjsSerializer;
}

export interface MemjsClient {
  servers: MemjsServer[];
  get(key: Buffer): Promise<{ value: Buffer | null; flags: Buffer | null }>;
  set(key: Buffer, value: unknown, options: { expires?: number }): Promise<boolean>;
  add(key: Buffer, value: unknown, options: { expires?: number }): Promise<boolean>;
  delete(key: Buffer): Promise<boolean>;
  close(): void;
}

export interface MemjsModule {
  Client: new (servers: MemjsServer[], options: MemjsClientOptions) => MemjsClient;
  Server: new (host: string | undefined, port: number | string | undefined, username: string | undefined, password: string | undefined, options: MemjsServerOptions) => MemjsServer;
}

export interface LoadedMemjs {
  memjs: MemjsModule;
  /** memjs's binary-protocol status texts, which its errors end with ("MemJS SET: Value too large"). */
  statusText: Record<number, string>;
}

/**
 * memjs is an optional peer: loaded on a memcached cache's first command, never without one. The
 * dynamic import compiles to import() in the ESM build and require() in the CommonJS one.
 */
export const loadMemjs = optionalDependency('memjs', 'The memcached cache engine (PyMemcacheCache)',
  () => Promise.all([import('memjs'), import('memjs/lib/memjs/protocol.js')]),
  ([main, protocol]): LoadedMemjs | undefined => {
    const memjs = (main.Client ? main : main.default) as MemjsModule | undefined;
    const errors = (protocol.errors ?? protocol.default?.errors) as Record<number, string> | undefined;
    return memjs?.Client && errors ? { memjs, statusText: errors } : undefined;
  });
