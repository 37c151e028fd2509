import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { freePort } from '../../support/free-port.js';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const SAMPLE_MAIN = join(REPO_DIR, 'dist', 'apps', 'sample', 'main.js');

export interface SampleProcess {
  child: ChildProcess;
  url: string;
  port: number;
  output: () => string;
  stop(): Promise<void>;
}

export { freePort };

function requireBuild(): void {
  if (!existsSync(SAMPLE_MAIN)) throw new Error(`${SAMPLE_MAIN} is missing: run "npm run build" first (npm test does)`);
}

/** Runs the built sample (what `npm start` runs) until it prints its URL. */
export async function startSampleProcess(cwd: string, env: Record<string, string>): Promise<SampleProcess> {
  requireBuild();
  const child = spawn(process.execPath, [SAMPLE_MAIN], { cwd, env: { PATH: process.env.PATH ?? '', PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sample did not start in 60 s:\n${out}`)), 60_000);
    child.stdout!.on('data', () => {
      const match = /listening on (http:\/\/\S+)/.exec(out);
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
export function runSampleExpectingFailure(cwd: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  requireBuild();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SAMPLE_MAIN], { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('exit', (code) => (clearTimeout(timer), resolve({ code, output: out })));
  });
}
