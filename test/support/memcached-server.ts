/**
 * Private memcached servers for tests: Debian's /usr/bin/memcached on a free loopback port (or a
 * socket in a temp dir), never a shared one. A server that cannot start fails the test loudly with
 * its own output; stop() ends it. Also a TCP listener that accepts and never answers, and a raw
 * text-protocol client to see items (flags and bytes) as they are stored.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

const MEMCACHED = '/usr/bin/memcached';
const START_TIMEOUT = 10_000;

export interface MemcachedProcess {
  /** LOCATION for Django and the bridge: "127.0.0.1:PORT" or "unix:/path". */
  location: string;
  /** TCP port, or null for a socket server. */
  port: number | null;
  /** Socket path, or null for a TCP server. */
  socketPath: string | null;
  /** Ends the server (SIGTERM, then SIGKILL after 5 s). */
  stop(): Promise<void>;
  /** Starts it again where it was (same port or socket), empty. */
  start(): Promise<void>;
}

export interface MemcachedStartOptions {
  /** Listen on a Unix socket in a temp dir instead of a TCP port. */
  unixSocket?: boolean;
  /** Extra arguments, e.g. ['-I', '2m']. */
  args?: string[];
}

/** Sends raw bytes and resolves with the reply once `done(reply)` says it is complete (5 s bound). */
export function memcachedRaw(target: { port: number | null; socketPath: string | null }, request: Buffer | string, done: (reply: Buffer) => boolean): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket: Socket = target.socketPath ? connect(target.socketPath) : connect(target.port!, '127.0.0.1');
    let reply = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`memcached did not answer ${JSON.stringify(String(request).slice(0, 60))} within 5 s`));
    }, 5_000);
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('data', (chunk) => {
      reply = Buffer.concat([reply, chunk]);
      if (done(reply)) {
        clearTimeout(timer);
        socket.destroy();
        resolve(reply);
      }
    });
    socket.write(request);
  });
}

const endsWith = (suffix: string) => (reply: Buffer) => reply.length >= suffix.length && reply.subarray(reply.length - suffix.length).toString('latin1') === suffix;

/** The item under a key as stored (text protocol `get`): flags and bytes, or null. */
export async function rawGet(target: { port: number | null; socketPath: string | null }, key: string | Buffer): Promise<{ flags: number; value: Buffer } | null> {
  const keyBytes = Buffer.isBuffer(key) ? key : Buffer.from(key, 'utf8');
  const reply = await memcachedRaw(target, Buffer.concat([Buffer.from('get '), keyBytes, Buffer.from('\r\n')]), (r) => {
    const text = r.toString('latin1');
    if (text.startsWith('END\r\n')) return true;
    const header = /^VALUE \S+ (\d+) (\d+)\r\n/.exec(text);
    return !!header && r.length >= header[0].length + Number(header[2]) + 2 + 5;
  });
  const text = reply.toString('latin1');
  if (text.startsWith('END')) return null;
  const header = /^VALUE \S+ (\d+) (\d+)\r\n/.exec(text)!;
  return { flags: Number(header[1]), value: reply.subarray(header[0].length, header[0].length + Number(header[2])) };
}

/** Stores raw bytes with the given flags (text protocol `set`); resolves with the server's answer line. */
export async function rawSet(target: { port: number | null; socketPath: string | null }, key: string, flags: number, exptime: number, value: Buffer): Promise<string> {
  const request = Buffer.concat([Buffer.from(`set ${key} ${flags} ${exptime} ${value.length}\r\n`, 'utf8'), value, Buffer.from('\r\n')]);
  return (await memcachedRaw(target, request, endsWith('\r\n'))).toString('latin1').trim();
}

/** Starts a private memcached and waits until it answers `version`. */
export async function startMemcached(options: MemcachedStartOptions = {}): Promise<MemcachedProcess> {
  if (!existsSync(MEMCACHED)) throw new Error(`${MEMCACHED} is missing: apt-get install memcached (the memcached tests need it and never skip)`);
  const dir = mkdtempSync(join(tmpdir(), 'djb-memcached-'));
  const asRoot = process.getuid?.() === 0;
  const socketPath = options.unixSocket ? join(dir, 'memcached.sock') : null;
  const port = socketPath ? null : await freePort();
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();

  const start = async (deadline = Date.now() + START_TIMEOUT): Promise<void> => {
    mkdirSync(dir, { recursive: true });
    // memcached refuses to run as root without -u; as nobody it must be able to create its socket here.
    if (asRoot) chmodSync(dir, 0o777);
    const listen = socketPath ? ['-s', socketPath, '-a', '0666'] : ['-l', '127.0.0.1', '-p', String(port)];
    const args = [...listen, '-U', '0', '-m', '64', ...(asRoot ? ['-u', 'nobody'] : []), ...(options.args ?? [])];
    const proc = spawn(MEMCACHED, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let output = '';
    proc.stdout!.on('data', (d) => (output += d));
    proc.stderr!.on('data', (d) => (output += d));
    let spawnError: Error | null = null;
    proc.once('error', (err) => (spawnError = err));
    exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    for (;;) {
      try {
        await memcachedRaw({ port, socketPath }, 'version\r\n', endsWith('\r\n'));
        return;
      } catch (err) {
        // A port just freed by the previous run of this server can take a moment to bind again.
        if (spawnError || (proc.exitCode !== null && !/Address already in use/.test(output)) || Date.now() > deadline) {
          proc.kill('SIGKILL');
          throw new Error(`${MEMCACHED} ${args.join(' ')} did not start: ${(spawnError as Error | null)?.message ?? (err as Error).message}\n${output}`);
        }
        if (proc.exitCode !== null) {
          await new Promise((r) => setTimeout(r, 100));
          return start(deadline);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  };

  const stop = async () => {
    const proc = child as ChildProcess | null;
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    child = null;
  };

  try {
    await start();
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    location: socketPath ? `unix:${socketPath}` : `127.0.0.1:${port}`,
    port,
    socketPath,
    start: () => start(),
    async stop() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Starts several servers; if one fails, the others are stopped before the error is thrown. */
export async function startMemcachedServers(count: number, options: MemcachedStartOptions = {}): Promise<MemcachedProcess[]> {
  const started: MemcachedProcess[] = [];
  try {
    for (let i = 0; i < count; i++) started.push(await startMemcached(options));
    return started;
  } catch (err) {
    await Promise.all(started.map((s) => s.stop()));
    throw err;
  }
}

/** A TCP listener on a free loopback port that accepts connections and never answers. */
export async function startSilentServer(): Promise<{ port: number; location: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as { port: number };
  return {
    port,
    location: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Seconds an item has left (meta get `mg <key> t`): -1 for never, null when there is no item. */
export async function rawTtl(target: { port: number | null; socketPath: string | null }, key: string): Promise<number | null> {
  const reply = (await memcachedRaw(target, `mg ${key} t\r\n`, endsWith('\r\n'))).toString('latin1');
  if (reply.startsWith('EN')) return null;
  const match = /^HD t(-?\d+)/.exec(reply);
  if (!match) throw new Error(`Unexpected meta get reply: ${JSON.stringify(reply)}`);
  return Number(match[1]);
}
