/**
 * django-bridge-clearsessions as npm installs it: the package.json "bin" of the built package,
 * reached through a node_modules/.bin symlink (and npx), run against a SQLite file the real Django
 * migrated and filled with live and expired sessions. Exit statuses and output are what cron sees.
 * Needs `npm run build` first (the test command builds before Jest).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { djangoCalls as c, DjangoProject } from '../django/django-project.js';
import { randomEnvSecret } from '../support/random.js';

const NEST_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../libs/nest');
const COMMAND = 'django-bridge-clearsessions';

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs without a shell, bounded: a hang fails the test instead of stalling it. */
function run(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const started = Date.now();
  return new Promise((done, fail) => {
    const child = spawn(file, args, { cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', fail);
    child.on('close', (status) => {
      clearTimeout(timer);
      done({ status, stdout, stderr, ms: Date.now() - started });
    });
  });
}

describe(`${COMMAND} installed in a project`, () => {
  let project: string;
  let bin: string;
  let django: DjangoProject;
  let silent: Server;
  const sockets: Socket[] = [];
  let silentPort = 0;

  beforeAll(async () => {
    const manifest = JSON.parse(readFileSync(join(NEST_DIR, 'package.json'), 'utf8')) as { bin?: Record<string, string> };
    const target = manifest.bin?.[COMMAND];
    if (!target) throw new Error(`libs/nest/package.json has no bin "${COMMAND}"`);
    const built = join(NEST_DIR, target);
    if (!existsSync(built)) throw new Error(`${built} is missing: run \`npm run build\` first`);
    // What npm does on install: the bin becomes executable and .bin/<name> links to it.
    chmodSync(built, 0o755);
    project = mkdtempSync(join(tmpdir(), 'clearsessions-'));
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'cron-app', version: '1.0.0', private: true }));
    mkdirSync(join(project, 'node_modules', '.bin'), { recursive: true });
    bin = join(project, 'node_modules', '.bin', COMMAND);
    symlinkSync(built, bin);

    django = DjangoProject.throwaway('sqlite', { secretKey: randomEnvSecret() });
    django.batch([c.migrate(), c.createUser({ username: 'eve', password: 'eve-pw' })]);

    // Accepts connections and never answers: a database that hangs.
    silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((ready) => silent.listen(0, '127.0.0.1', ready));
    silentPort = (silent.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((closed) => silent?.close(closed));
    django?.dropDatabase();
    if (project) rmSync(project, { recursive: true, force: true });
  });

  function sessions(): { live: string; dead: string } {
    const live = django.login('eve', 'eve-pw').cookies.sessionid;
    const dead = django.login('eve', 'eve-pw').cookies.sessionid;
    django.sql('UPDATE django_session SET expire_date = %s WHERE session_key = %s', ['2001-01-01 00:00:00', dead]);
    return { live, dead };
  }

  it('deletes the expired sessions only, through the .bin symlink', async () => {
    const { live, dead } = sessions();
    const r = await run(bin, ['--url', `sqlite:///${django.connection().database}`], project);
    expect(r).toMatchObject({ status: 0, stderr: '' });
    expect(r.stdout).toMatch(/^Deleted [1-9]\d* expired session\(s\)\n$/);
    expect(django.sessionRow(dead)).toBeNull();
    expect(django.sessionRow(live)).not.toBeNull();
  });

  it('runs through npx, reading DJANGO_DATABASE_URL', async () => {
    const { live, dead } = sessions();
    const npx = await run('npx', ['--offline', '--no-install', COMMAND], project, { DJANGO_DATABASE_URL: `sqlite:${django.connection().database}` });
    expect(npx.stderr).toBe('');
    expect(npx).toMatchObject({ status: 0 });
    expect(npx.stdout).toMatch(/^Deleted [1-9]\d* expired session\(s\)\n$/);
    expect(django.sessionRow(dead)).toBeNull();
    expect(django.sessionRow(live)).not.toBeNull();
  });

  it('--help prints the usage and exits 0', async () => {
    for (const flag of ['--help', '-h']) {
      const r = await run(bin, [flag], project);
      expect(r).toMatchObject({ status: 0, stderr: '' });
      expect(r.stdout).toMatch(new RegExp(`^Usage: ${COMMAND} \\[--url URL\\]`));
      expect(r.stdout).toContain('--no-use-tz');
    }
  });

  it.each([
    [['--bogus'], 'Unknown argument "--bogus"'],
    [[], 'Give the database with --url or DJANGO_DATABASE_URL'],
    [['--url'], "Option '--url <value>' argument missing"],
    [['--url', 'oracle://x/y'], 'unsupported scheme "oracle"'],
    [['--url', 'not a url'], 'is not a URL'],
    [['--url', 'postgres://u@db/site?sslmode=prefer'], 'sslmode=prefer is not supported'],
    [['--url', 'sqlite:x.db', '--timeout', 'soon'], '--timeout "soon" must be a positive number of seconds'],
  ])('%j: one line and a pointer to --help on stderr, exit 2, no stack trace', async (args, message) => {
    const r = await run(bin, args, project);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain(`${COMMAND}: `);
    expect(lines[0]).toContain(message);
    expect(lines[1]).toBe(`Try '${COMMAND} --help'.`);
  });

  it.each([
    ['MariaDB', 'mysql://root@127.0.0.1:1/site'],
    ['PostgreSQL', 'postgres://postgres@127.0.0.1:1/site'],
  ])('a %s port nobody listens on: one line, exit 1', async (_, url) => {
    const r = await run(bin, ['--url', url], project);
    expect(r).toMatchObject({ status: 1, stdout: '' });
    expect(r.stderr).toMatch(new RegExp(`^${COMMAND}: failed: .*ECONNREFUSED.*\\n$`));
  });

  it.each([
    ['MariaDB', 'mysql'],
    ['PostgreSQL', 'postgres'],
  ])('a %s server that never answers: gives up after --timeout, exit 1', async (_, scheme) => {
    const r = await run(bin, ['--url', `${scheme}://u@127.0.0.1:${silentPort}/site`, '--timeout', '1'], project);
    expect(r).toMatchObject({ status: 1, stdout: '' });
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`^${COMMAND}: failed: `));
    expect(r.ms).toBeLessThan(10_000);
  });

  it('a database without django_session: one line, exit 1', async () => {
    const empty = join(project, 'empty.sqlite3');
    const r = await run(bin, ['--url', `sqlite:${empty}`], project);
    expect(r).toMatchObject({ status: 1, stdout: '' });
    expect(r.stderr).toMatch(new RegExp(`^${COMMAND}: failed: .*django_session.*\\n$`));
  });
});
