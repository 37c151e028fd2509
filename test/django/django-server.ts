/**
 * The test project served over real HTTP by Django's own `runserver` (no autoreload), on the
 * project's line, settings and database, for tests that want a socket between Nest and Django
 * (DRF tokens, SimpleJWT views, password-reset links). The clock is the real one: frozen-time
 * checks go through the oracle's `project_request` instead.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

import { DJANGO_PROJECT_DIR, type DjangoProject } from './django-project.js';
import { pythonFor } from './django-line.js';
import { freePort } from '../support/free-port.js';

export interface DjangoServer {
  /** http://127.0.0.1:PORT, without a trailing slash. */
  url: string;
  /** What Django printed so far (requests, warnings, tracebacks). */
  output(): string;
  stop(): Promise<void>;
}

/** Starts `manage.py runserver` and resolves once it answers; fails with Django's output after `timeoutMs`. */
export async function startDjangoServer(project: DjangoProject, timeoutMs = 60_000): Promise<DjangoServer> {
  const python = pythonFor(project.env.line);
  const port = await freePort();
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('DJANGO_') && k !== 'PYTHONPATH' && k !== 'PYTHONHOME' && k !== 'PYTHONDONTWRITEBYTECODE'));
  const child = spawn(python.command[0], [...python.command.slice(1), join(DJANGO_PROJECT_DIR, 'manage.py'), 'runserver', `127.0.0.1:${port}`, '--noreload'], {
    cwd: DJANGO_PROJECT_DIR,
    env: { ...inherited, ...python.env, ...project.processEnv(), PYTHONIOENCODING: 'utf-8', PYTHONUNBUFFERED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
  let exited: number | string | null = null;
  const exit = new Promise<void>((resolve) => child.once('exit', (code, signal) => ((exited = code ?? signal), resolve())));
  const url = `http://127.0.0.1:${port}`;

  const stop = async () => {
    if (exited !== null) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exit;
    clearTimeout(killer);
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited !== null) throw new Error(`Django ${python.line} runserver exited (${exited}) before answering:\n${log}`);
    try {
      const response = await fetch(`${url}/whoami/`, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      break;
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`Django ${python.line} runserver did not answer on ${url} within ${timeoutMs} ms:\n${log}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  return { url, output: () => log, stop };
}
