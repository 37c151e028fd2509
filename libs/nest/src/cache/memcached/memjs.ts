import { createRequire } from 'node:module';
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

interface MemjsModule {
  Client: new (servers: MemjsServer[], options: MemjsClientOptions) => MemjsClient;
  Server: new (host: string | undefined, port: number | string | undefined, username: string | undefined, password: string | undefined, options: MemjsServerOptions) => MemjsServer;
}

const require = createRequire(import.meta.url);
export const memjs = require('memjs') as MemjsModule;
/** memjs's binary-protocol status texts, which its errors end with ("MemJS SET: Value too large"). */
export const memjsStatusText = (require('memjs/lib/memjs/protocol.js') as { errors: Record<number, string> }).errors;
