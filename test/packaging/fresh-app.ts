/**
 * Fresh Nest applications outside this repository, made the way a user makes one: a package.json
 * with exact versions, `npm install` (the packed tarballs plus the registry), `tsc`, then `node` on
 * the output. One install per MatrixTree; its CommonJS app (`<tree>/cjs`, with the starter's Jest +
 * ts-jest test) and ESM app (`<tree>/esm`, "type": "module", NodeNext) resolve from its node_modules.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MatrixTree, ModuleKind, Platform } from './matrix.js';
import { prebuildEnv, savePrebuild } from './local-prebuilds.js';
import { cleanEnv, describeFailure, killGroup, NPM_CACHE_DIR, runCommand, type CommandResult } from './run-command.js';

const TEMPLATES = join(dirname(fileURLToPath(import.meta.url)), 'app-templates');
const SOURCES = ['main.ts', 'settings.ts', 'app.module.ts', 'me.controller.ts'];

export interface Tarballs {
  core: string;
  nest: string;
}

function writeJson(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** The tree's package.json: its exact versions plus both tarballs (file: specs, as `npm install ./x.tgz` writes them). */
export function writeTree(root: string, tree: MatrixTree, tarballs: Tarballs): string {
  const dir = join(root, tree.name);
  const file = (tgz: string) => `file:${relative(dir, tgz)}`;
  writeJson(join(dir, 'package.json'), {
    name: `djb-matrix-${tree.name}`,
    version: '0.0.0',
    private: true,
    license: 'UNLICENSED',
    dependencies: { '@django-bridge/core': file(tarballs.core), '@django-bridge/nest': file(tarballs.nest), ...tree.dependencies },
    devDependencies: tree.devDependencies,
  });
  return dir;
}

/**
 * `npm install` with npm's defaults for peers made strict: a peer range that the tree does not
 * satisfy fails the install (ERESOLVE) instead of being overridden with a warning. Never
 * --legacy-peer-deps. --prefer-offline: the cache answers what it holds, the registry the rest.
 */
export async function installTree(dir: string): Promise<{ ms: number }> {
  const r = await npmInstall(dir);
  if (r.code !== 0) throw new Error(describeFailure('npm install', r, 40));
  await savePrebuild(dir);
  return { ms: r.ms };
}

/** The same install, resolution only (`--dry-run`): nothing is written or built. */
export function npmInstall(dir: string, extra: string[] = []): Promise<CommandResult> {
  return runCommand('npm', ['install', ...extra, '--strict-peer-deps', '--legacy-peer-deps=false', '--prefer-offline', '--cache', NPM_CACHE_DIR, '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: dir,
    timeoutMs: 8 * 60_000,
    env: cleanEnv({ ...prebuildEnv(), npm_config_update_notifier: 'false' }),
  });
}

/** Which optional pieces an app uses: each keeps its template lines marked `// <piece>-only`. */
export interface AppPieces {
  passport: boolean;
  ecosystem: boolean;
}

/** A template's text with `{{ext}}` filled and each optional piece's lines kept or dropped. */
function render(template: string, kind: ModuleKind, pieces: AppPieces): string {
  const text = readFileSync(join(TEMPLATES, `${template}.tpl`), 'utf8').replaceAll('{{ext}}', kind === 'esm' ? '.js' : '');
  return text
    .split('\n')
    .flatMap((line) => {
      const marker = line.match(/\s*\/\/ (passport|ecosystem)-only$/);
      if (!marker) return [line];
      return pieces[marker[1] as keyof AppPieces] ? [line.slice(0, marker.index)] : [];
    })
    .join('\n');
}

/** The pieces of `kind`'s app in `tree`: Passport in the CommonJS app only, the ecosystem pieces in both. */
export function appPieces(tree: MatrixTree, kind: ModuleKind): AppPieces {
  return { passport: tree.passport && kind === 'cjs', ecosystem: tree.ecosystem };
}

/** The compiler options of the line's `nest new` starter (strict, decorators, NodeNext). */
function tsconfig(kind: ModuleKind): Record<string, unknown> {
  return {
    compilerOptions: {
      module: 'nodenext',
      moduleResolution: 'nodenext',
      resolvePackageJsonExports: true,
      esModuleInterop: true,
      isolatedModules: true,
      emitDecoratorMetadata: true,
      experimentalDecorators: true,
      allowSyntheticDefaultImports: true,
      target: 'ES2023',
      sourceMap: true,
      outDir: './dist',
      rootDir: './src',
      skipLibCheck: true,
      strict: true,
      strictPropertyInitialization: false,
      types: kind === 'cjs' ? ['node', 'jest'] : ['node'],
    },
    include: ['src'],
  };
}

/**
 * The Jest config of the CommonJS app. Nest 11: the starter's, verbatim (ts-jest compiles the test
 * to CommonJS). Nest 12: its packages are ESM only, and Jest can `require()` an ES module only on
 * Node 24.9+, so on Node 20 the Nest 12 starter's own spec fails on `import { Test } from
 * '@nestjs/testing'` before any app code loads. The config Jest documents for ESM dependencies
 * (ts-jest `useESM`, `.ts` treated as ESM, under --experimental-vm-modules) runs the same test.
 */
function jestConfig(tree: MatrixTree): Record<string, unknown> {
  const common = { moduleFileExtensions: ['js', 'json', 'ts'], rootDir: 'src', testRegex: '.*\\.spec\\.ts$', testEnvironment: 'node' };
  if (tree.nest === '11') return { ...common, transform: { '^.+\\.(t|j)s$': 'ts-jest' } };
  // tsconfig.spec.json: NodeNext would make the test CommonJS again (the package is "commonjs").
  return { ...common, extensionsToTreatAsEsm: ['.ts'], transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/../tsconfig.spec.json' }] } };
}

/** Writes `<tree>/<kind>`: package.json, tsconfig.json, tsconfig.build.json and src/. */
export function writeApp(treeDir: string, tree: MatrixTree, kind: ModuleKind): string {
  const dir = join(treeDir, kind);
  const pieces = appPieces(tree, kind);
  writeJson(join(dir, 'package.json'), {
    name: `djb-matrix-${tree.name}-${kind}`,
    version: '0.0.0',
    private: true,
    type: kind === 'esm' ? 'module' : 'commonjs',
    ...(kind === 'cjs' ? { jest: jestConfig(tree) } : {}),
  });
  writeJson(join(dir, 'tsconfig.json'), tsconfig(kind));
  if (kind === 'cjs' && tree.nest === '12') writeJson(join(dir, 'tsconfig.spec.json'), { extends: './tsconfig.json', compilerOptions: { module: 'esnext', moduleResolution: 'bundler' } });
  writeJson(join(dir, 'tsconfig.build.json'), { extends: './tsconfig.json', exclude: ['node_modules', 'dist', '**/*.spec.ts'] });
  const sources = [...SOURCES, ...(pieces.passport ? ['passport-me.controller.ts'] : []), ...(pieces.ecosystem ? ['health.controller.ts', 'password.controller.ts', 'whoami.gateway.ts'] : []), ...(kind === 'cjs' ? ['app.spec.ts'] : [])];
  mkdirSync(join(dir, 'src'), { recursive: true });
  for (const source of sources) writeFileSync(join(dir, 'src', source), render(source, kind, pieces));
  return dir;
}

/** `tsc -p tsconfig.build.json` with the tree's TypeScript. */
export async function buildApp(appDir: string): Promise<{ ms: number }> {
  const r = await runCommand(process.execPath, [join(appDir, '..', 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: appDir, timeoutMs: 3 * 60_000 });
  if (r.code !== 0) throw new Error(describeFailure('tsc', r));
  if (!existsSync(join(appDir, 'dist', 'main.js'))) throw new Error(`tsc wrote no dist/main.js in ${appDir}`);
  return { ms: r.ms };
}

/**
 * The CommonJS app's Jest run, as each line's starter runs it: Nest 11's `jest`, Nest 12's
 * `node --experimental-vm-modules jest` (Nest 12 ships ESM, which Jest loads only in that mode).
 */
export async function runAppJest(appDir: string, tree: MatrixTree, env: Record<string, string>): Promise<{ ms: number; summary: string }> {
  const jest = join(appDir, '..', 'node_modules', 'jest', 'bin', 'jest.js');
  const args = [...(tree.nest === '12' ? ['--experimental-vm-modules'] : []), jest, '--ci', '--colors=false'];
  const r = await runCommand(process.execPath, args, { cwd: appDir, timeoutMs: 3 * 60_000, env: cleanEnv(env) });
  if (r.code !== 0) throw new Error(describeFailure('jest', r, 40));
  return { ms: r.ms, summary: (r.stderr.match(/^Tests:.*$/m) ?? [''])[0] };
}

export interface RunningApp {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

/** `node dist/main.js <platform>` until it prints its URL (or fails, or 30 s pass). */
export function startApp(appDir: string, platform: Platform, env: Record<string, string>, timeoutMs = 30_000): Promise<RunningApp> {
  const child = spawn(process.execPath, ['dist/main.js', platform], { cwd: appDir, env: cleanEnv(env), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      killGroup(child.pid, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child.pid), 5_000);
      await exited;
      clearTimeout(timer);
    }
  };
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      void stop().then(() => reject(new Error(`${why}:\n${output.trim().split('\n').slice(-25).join('\n')}`)));
    };
    const timer = setTimeout(() => fail(`node dist/main.js ${platform} printed no URL within ${timeoutMs} ms`), timeoutMs);
    const onData = (d: Buffer) => {
      output += d.toString();
      const m = output.match(/^listening \w+ (http:\/\/\S+)$/m);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1].replace('[::1]', '127.0.0.1'), output: () => output, stop });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('close', (code, signal) => fail(`node dist/main.js ${platform} exited ${code ?? signal} before listening`));
  });
}
