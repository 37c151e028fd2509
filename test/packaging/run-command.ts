/**
 * Child processes of the install matrix, each bounded by a timeout: on expiry the whole process
 * group is killed (npm and node-gyp start their own children), and the result says so.
 */
import { spawn } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface CommandResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  ms: number;
}

/** npm's cache, outside the checkout, kept between runs so that a second run installs offline. */
export const NPM_CACHE_DIR = process.env.DJANGO_BRIDGE_NPM_CACHE ?? join(homedir(), '.cache', 'django-bridge', 'npm');
/** Native addons built once (see local-prebuilds.ts). */
export const PREBUILDS_DIR = join(homedir(), '.cache', 'django-bridge', 'prebuilds');

/**
 * The environment of a child: the parent's minus everything npm or Node options put there (the
 * outer `npm run jest` exports npm_config_* and npm_package_* of this repository, which would
 * leak into the fresh app's npm), plus `extra`.
 */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || /^npm_/i.test(key) || key === 'NODE_OPTIONS' || key === 'NODE_PATH' || key.startsWith('DJANGO_') || key === 'INIT_CWD') continue;
    env[key] = value;
  }
  return { ...env, NODE_NO_WARNINGS: '1', ...extra };
}

export function runCommand(command: string, args: string[], options: { cwd: string; timeoutMs: number; env?: Record<string, string> }): Promise<CommandResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? cleanEnv(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, options.timeoutMs);
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      resolve({ code, signal, timedOut, stdout, stderr, ms: Date.now() - started });
    };
    child.once('error', (err) => {
      stderr += `\n${err.message}`;
      finish(null, null);
    });
    child.once('close', finish);
  });
}

/** SIGKILL to a detached child's process group (it and whatever it started). */
export function killGroup(pid: number | undefined, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** A one-paragraph description of a failed command: the exit and the last lines of its output. */
export function describeFailure(what: string, r: CommandResult, lines = 25): string {
  const how = r.timedOut ? `timed out after ${r.ms} ms` : `exited ${r.code}${r.signal ? ` (${r.signal})` : ''}`;
  const output = `${r.stdout}\n${r.stderr}`.trim().split('\n').filter((l) => l.trim() !== '');
  return `${what} ${how}:\n${output.slice(-lines).join('\n')}`;
}
