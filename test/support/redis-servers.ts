/**
 * Private redis-server processes for the tests (Debian's redis-server 7.0): plain, with ACL users
 * and passwords, TLS (a CA and certificates made with openssl here), a Sentinel group (master,
 * replica, sentinels) and a Cluster of three masters. Each one runs on free ports of 127.0.0.1 in
 * its own temporary directory, never touches the machine's Redis on 6379, and fails loudly with
 * its log when it cannot start. `stop()` (and process exit) kills it and removes its directory.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

const REDIS_SERVER = '/usr/bin/redis-server';
const REDIS_CLI = '/usr/bin/redis-cli';
const START_TIMEOUT_MS = 15_000;

const live = new Set<RedisProcess>();
const certificateDirs = new Set<string>();
process.once('exit', () => {
  for (const p of live) p.child?.kill('SIGKILL');
  for (const dir of certificateDirs) rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Certificates for a TLS server: a CA, the server's (localhost and 127.0.0.1) and a client's, as PEM text. */
export interface TestCertificates {
  dir: string;
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  files: { ca: string; serverCert: string; serverKey: string; clientCert: string; clientKey: string };
  /** Removes the directory (also done at process exit). */
  dispose(): void;
}

function openssl(args: string[], cwd: string): void {
  const run = spawnSync('openssl', args, { cwd, encoding: 'utf8', timeout: 30_000 });
  if (run.error || run.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${run.error?.message ?? run.stderr}`);
}

/** A throw-away CA and certificates signed by it (valid two days), in a temporary directory. */
export function makeTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'bridge-redis-tls-'));
  certificateDirs.add(dir);
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=django-bridge test CA'], dir);
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  for (const [name, ext] of [['server', ['-extfile', 'server.ext']], ['client', []]] as const) {
    openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name === 'server' ? 'localhost' : 'django-bridge test client'}`], dir);
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', ...ext], dir);
  }
  const files = { ca: join(dir, 'ca.crt'), serverCert: join(dir, 'server.crt'), serverKey: join(dir, 'server.key'), clientCert: join(dir, 'client.crt'), clientKey: join(dir, 'client.key') };
  const read = (f: string) => readFileSync(f, 'utf8');
  const dispose = () => {
    certificateDirs.delete(dir);
    rmSync(dir, { recursive: true, force: true });
  };
  return { dir, files, dispose, ca: read(files.ca), serverCert: read(files.serverCert), serverKey: read(files.serverKey), clientCert: read(files.clientCert), clientKey: read(files.clientKey) };
}

export interface RedisServerOptions {
  /** redis.conf lines added to the defaults (no persistence, 127.0.0.1, a log file). */
  config?: string[];
  /** Serve TLS only, with these certificates (client certificates required). */
  tls?: TestCertificates;
  /** Run as a Sentinel (redis-server --sentinel). */
  sentinel?: boolean;
  /** AUTH for the readiness check and cli(): [password] or [user, password]. */
  auth?: string[];
}

/** One redis-server process; its port stays the same across stop() and start(). */
export class RedisProcess {
  child: ChildProcess | null = null;
  readonly dir = mkdtempSync(join(tmpdir(), 'bridge-redis-'));
  private exited: Promise<void> = Promise.resolve();

  constructor(
    readonly port: number,
    private readonly options: RedisServerOptions,
    private readonly extraPorts: Record<string, number> = {},
  ) {}

  get host(): string {
    return '127.0.0.1';
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** redis:// (or rediss://) URL of db, without credentials. */
  url(db = 0): string {
    return `${this.options.tls ? 'rediss' : 'redis'}://127.0.0.1:${this.port}/${db}`;
  }

  private configText(): string {
    const tls = this.options.tls;
    const lines = [
      'bind 127.0.0.1',
      tls ? 'port 0' : `port ${this.port}`,
      `dir ${this.dir}`,
      `logfile ${join(this.dir, 'redis.log')}`,
      'daemonize no',
    ];
    if (!this.options.sentinel) lines.push('save ""', 'appendonly no');
    // tls-replication: replicas and Sentinels speak TLS to the master too.
    if (tls) lines.push(`tls-port ${this.port}`, `tls-cert-file ${tls.files.serverCert}`, `tls-key-file ${tls.files.serverKey}`, `tls-ca-cert-file ${tls.files.ca}`, 'tls-auth-clients yes', 'tls-replication yes');
    // "{dir}" in a line is this server's directory (for a unixsocket, say).
    return [...lines, ...(this.options.config ?? []).map((l) => l.replaceAll('{dir}', this.dir))].join('\n') + '\n';
  }

  /** Starts it (again) and waits until it answers PING. */
  async start(): Promise<this> {
    const conf = join(this.dir, this.options.sentinel ? 'sentinel.conf' : 'redis.conf');
    // A Sentinel rewrites its own file with what it learnt: keep it across restarts.
    if (!this.options.sentinel || !this.child) writeFileSync(conf, this.configText());
    const child = spawn(REDIS_SERVER, this.options.sentinel ? [conf, '--sentinel'] : [conf], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (d) => (output += d));
    child.stderr?.on('data', (d) => (output += d));
    this.child = child;
    live.add(this);
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`redis-server on ${this.address} exited (${child.exitCode}) at start: ${output}\n${this.log()}`);
      if (this.cli(['PING']).trim().endsWith('PONG')) return this;
      if (Date.now() > deadline) throw new Error(`redis-server on ${this.address} did not answer PING within ${START_TIMEOUT_MS} ms:\n${this.log()}`);
      await sleep(50);
    }
  }

  log(): string {
    try {
      return readFileSync(join(this.dir, 'redis.log'), 'utf8').split('\n').slice(-30).join('\n');
    } catch {
      return '(no log)';
    }
  }

  /** redis-cli against it (with its AUTH and TLS); the reply text, or '' when it could not connect. `input` goes to stdin (-x). */
  cli(args: string[], input?: Buffer): string {
    const tls = this.options.tls;
    const base = ['-h', '127.0.0.1', '-p', String(this.port), '--no-auth-warning'];
    if (tls) base.push('--tls', '--cacert', tls.files.ca, '--cert', tls.files.clientCert, '--key', tls.files.clientKey);
    const auth = this.options.auth;
    if (auth?.length === 1) base.push('-a', auth[0]);
    if (auth?.length === 2) base.push('--user', auth[0], '--pass', auth[1]);
    const run = spawnSync(REDIS_CLI, [...base, ...args], { encoding: 'utf8', timeout: 10_000, input });
    return run.status === 0 ? run.stdout : '';
  }

  /** redis-cli that must succeed. */
  must(args: string[], input?: Buffer): string {
    const out = this.cli(args, input);
    if (out === '' || out.startsWith('ERR') || out.startsWith('(error)')) throw new Error(`redis-cli ${args.join(' ')} on ${this.address} failed: "${out.trim()}"\n${this.log()}`);
    return out.trim();
  }

  /** Stops it (SIGTERM, then SIGKILL after 5 s); the directory stays for start(). */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGCONT');
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await this.exited;
    clearTimeout(killer);
  }

  /** SIGSTOP: the process holds its connections and answers nothing until resume(). */
  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  resume(): void {
    this.child?.kill('SIGCONT');
  }

  /** Stops it for good and removes its directory. */
  async destroy(): Promise<void> {
    await this.stop();
    live.delete(this);
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Ports beside the main one (the cluster bus). */
  extraPort(name: string): number {
    return this.extraPorts[name];
  }
}

/** A started redis-server on a free port. */
export async function startRedis(options: RedisServerOptions = {}): Promise<RedisProcess> {
  const server = new RedisProcess(await freePort(), options);
  try {
    return await server.start();
  } catch (err) {
    await server.destroy();
    throw err;
  }
}

/** Redis with ACL: the default user needs `defaultPassword`; `user`/`userPassword` may use every command and key. */
export function aclConfig(defaultPassword: string, user: string, userPassword: string): string[] {
  return [`requirepass ${defaultPassword}`, `user ${user} on >${userPassword} ~* &* +@all`];
}

/** SENTINEL replicas as redis-cli prints it (one field a line): a replica whose flags are just "slave". */
function replicaIsUp(reply: string): boolean {
  const lines = reply.split('\n').map((l) => l.trim());
  return lines.some((line, i) => line === 'flags' && lines[i + 1] === 'slave');
}

export interface SentinelGroup {
  masterName: string;
  master: RedisProcess;
  replica: RedisProcess;
  sentinels: RedisProcess[];
  /** The address Sentinel currently gives for the master. */
  currentMaster(): string;
  destroy(): Promise<void>;
}

/**
 * A master, one replica and `count` Sentinels (quorum 1, a master counted down after 1 s), the
 * data nodes behind `password`, the Sentinels behind `sentinelPassword`, all of them on TLS only
 * when `tls` is given. Resolves once every Sentinel sees the replica.
 */
export async function startSentinelGroup(options: { count?: number; password: string; sentinelPassword: string; masterName?: string; tls?: TestCertificates }): Promise<SentinelGroup> {
  const masterName = options.masterName ?? 'bridgemaster';
  const started: RedisProcess[] = [];
  const data = (extra: string[]) => ({ config: [`requirepass ${options.password}`, `masterauth ${options.password}`, ...extra], auth: [options.password], tls: options.tls });
  try {
    const master = await startRedis(data([]));
    started.push(master);
    const replica = await startRedis(data([`replicaof 127.0.0.1 ${master.port}`]));
    started.push(replica);
    const sentinels: RedisProcess[] = [];
    for (let i = 0; i < (options.count ?? 1); i++) {
      const sentinel = new RedisProcess(await freePort(), {
        sentinel: true,
        tls: options.tls,
        auth: [options.sentinelPassword],
        config: [
          `requirepass ${options.sentinelPassword}`,
          `sentinel sentinel-pass ${options.sentinelPassword}`,
          `sentinel monitor ${masterName} 127.0.0.1 ${master.port} 1`,
          `sentinel auth-pass ${masterName} ${options.password}`,
          `sentinel down-after-milliseconds ${masterName} 1000`,
          `sentinel failover-timeout ${masterName} 5000`,
          `sentinel parallel-syncs ${masterName} 1`,
        ],
      });
      started.push(sentinel);
      sentinels.push(await sentinel.start());
    }
    const group: SentinelGroup = {
      masterName,
      master,
      replica,
      sentinels,
      currentMaster: () => sentinels[0].must(['SENTINEL', 'get-master-addr-by-name', masterName]).split('\n').join(':'),
      destroy: async () => {
        await Promise.all(started.map((p) => p.destroy()));
      },
    };
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (const sentinel of sentinels) {
      while (!replicaIsUp(sentinel.cli(['SENTINEL', 'replicas', masterName]))) {
        if (Date.now() > deadline) throw new Error(`Sentinel ${sentinel.address} never saw the replica ${replica.address}:\n${sentinel.log()}`);
        await sleep(100);
      }
    }
    if (!replica.must(['INFO', 'replication']).includes('master_link_status:up')) {
      const until = Date.now() + START_TIMEOUT_MS;
      while (!replica.must(['INFO', 'replication']).includes('master_link_status:up')) {
        if (Date.now() > until) throw new Error(`The replica ${replica.address} never synced:\n${replica.log()}`);
        await sleep(100);
      }
    }
    return group;
  } catch (err) {
    await Promise.all(started.map((p) => p.destroy()));
    throw err;
  }
}

export interface RedisClusterGroup {
  nodes: RedisProcess[];
  destroy(): Promise<void>;
}

/** A Redis Cluster of `masters` (at least 3) masters without replicas, every slot covered; resolves on cluster_state:ok. */
export async function startCluster(masters = 3, auth?: { password: string }): Promise<RedisClusterGroup> {
  if (masters < 3) throw new Error('A Redis Cluster needs at least 3 masters');
  const nodes: RedisProcess[] = [];
  try {
    for (let i = 0; i < masters; i++) {
      const bus = await freePort();
      const node = new RedisProcess(
        await freePort(),
        {
          config: ['cluster-enabled yes', 'cluster-config-file nodes.conf', 'cluster-node-timeout 3000', `cluster-port ${bus}`, ...(auth ? [`requirepass ${auth.password}`, `masterauth ${auth.password}`] : [])],
          auth: auth ? [auth.password] : undefined,
        },
        { bus },
      );
      nodes.push(node);
      await node.start();
    }
    const create = spawnSync(REDIS_CLI, ['--cluster', 'create', ...nodes.map((n) => n.address), '--cluster-yes', ...(auth ? ['-a', auth.password, '--no-auth-warning'] : [])], { encoding: 'utf8', timeout: 60_000 });
    if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.stdout}\n${create.stderr}`);
    const deadline = Date.now() + 30_000;
    for (const node of nodes) {
      while (!node.cli(['CLUSTER', 'INFO']).includes('cluster_state:ok')) {
        if (Date.now() > deadline) throw new Error(`Cluster node ${node.address} never reached cluster_state:ok:\n${node.cli(['CLUSTER', 'INFO'])}\n${node.log()}`);
        await sleep(100);
      }
    }
    return { nodes, destroy: async () => void (await Promise.all(nodes.map((n) => n.destroy()))) };
  } catch (err) {
    await Promise.all(nodes.map((n) => n.destroy()));
    throw err;
  }
}

/** A TCP listener on a free port that accepts connections and never answers (a hung server). */
export async function startSilentListener(): Promise<{ port: number; url: string; accepted: () => number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  let count = 0;
  const server: Server = createServer((socket) => {
    count++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await freePort();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    port,
    url: `redis://127.0.0.1:${port}/0`,
    accepted: () => count,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
