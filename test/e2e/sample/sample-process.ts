import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { freePort } from '../../support/free-port.js';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const SAMPLE_MAIN = join(REPO_DIR, 'dist', 'apps', 'sample', 'main.js');
/** What `npm run start:cluster` runs. */
export const SAMPLE_CLUSTER = join(REPO_DIR, 'dist', 'apps', 'sample', 'cluster.js');

export interface StartOptions {
  /** The built entry point (default main.js). */
  entry?: string;
  /** The line that says it is up; its first group is the URL. */
  ready?: RegExp;
}

export interface SampleProcess {
  child: ChildProcess;
  url: string;
  port: number;
  output: () => string;
  stop(): Promise<void>;
}

export { freePort };

function requireBuild(entry = SAMPLE_MAIN): void {
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run "npm run build" first (npm test does)`);
}

/** Runs the built sample (what `npm start` runs) until it prints its URL. */
export async function startSampleProcess(cwd: string, env: Record<string, string>, { entry = SAMPLE_MAIN, ready = /listening on (http:\/\/\S+)/ }: StartOptions = {}): Promise<SampleProcess> {
  requireBuild(entry);
  const child = spawn(process.execPath, [entry], { cwd, env: { PATH: process.env.PATH ?? '', PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    // A sample that never comes up is killed, not left behind.
    const timer = setTimeout(() => (child.kill('SIGKILL'), reject(new Error(`sample did not start in 60 s:\n${out}`))), 60_000);
    child.stdout!.on('data', () => {
      const match = ready.exec(out);
      if (match) (clearTimeout(timer), resolve(match[1]));
    });
    child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`sample exited with ${code}:\n${out}`))));
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return { child, url, port: Number(new URL(url).port), output: () => out, stop };
}

/** Runs the built sample expecting it to refuse to start; returns its exit code and output. */
export function runSampleExpectingFailure(cwd: string, env: Record<string, string>, entry = SAMPLE_MAIN): Promise<{ code: number | null; output: string }> {
  requireBuild(entry);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [entry], { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('exit', (code) => (clearTimeout(timer), resolve({ code, output: out })));
  });
}
