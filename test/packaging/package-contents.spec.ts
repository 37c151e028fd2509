/**
 * What `npm publish` would ship, as a user installing the two packages gets it: the tarball's file list
 * (npm pack --dry-run), the exports map, both builds loaded by name through Node's own resolution
 * (require and import), the optional peers loaded only when used, and every import of the built
 * code declared in package.json. Needs `npm run build` first (the test command runs it).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, resolve } from 'node:path';
import { promisify } from 'node:util';
import { MATRIX_TREES } from './matrix.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const LIBS = { core: join(ROOT, 'libs/core'), nest: join(ROOT, 'libs/nest') } as const;
type Lib = keyof typeof LIBS;

interface Manifest {
  name: string;
  type?: string;
  main?: string;
  types?: string;
  bin?: Record<string, string>;
  exports: Record<string, unknown>;
  typesVersions?: Record<string, Record<string, string[]>>;
  files?: string[];
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [field: string]: unknown;
}

const manifest = (lib: Lib): Manifest => JSON.parse(readFileSync(join(LIBS[lib], 'package.json'), 'utf8')) as Manifest;
const packed: Record<Lib, Set<string>> = { core: new Set(), nest: new Set() };

async function packedFiles(lib: Lib): Promise<Set<string>> {
  // --ignore-scripts: list what is built now, without a prepublish rebuild.
  const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: LIBS[lib], timeout: 60_000, maxBuffer: 64 << 20 });
  const [result] = JSON.parse(stdout) as { files: { path: string }[] }[];
  return new Set(result.files.map((f) => f.path));
}

const SUBPATHS: Record<Lib, string[]> = { core: ['.'], nest: ['.', './passport', './terminus', './swagger', './testing'] };
const entryBase = (subpath: string) => (subpath === '.' ? 'index' : `${subpath.slice(2)}/index`);

beforeAll(async () => {
  for (const lib of Object.keys(LIBS) as Lib[]) {
    for (const format of ['esm', 'cjs']) {
      if (!existsSync(join(LIBS[lib], 'dist', format, 'index.js'))) throw new Error(`libs/${lib}/dist/${format} is not built: run npm run build first`);
    }
    packed[lib] = await packedFiles(lib);
  }
}, 120_000);

describe.each(Object.keys(LIBS) as Lib[])('the @django-bridge/%s tarball', (lib) => {
  it('holds the builds, the sources, README and LICENSE, and no tests', () => {
    const files = [...packed[lib]];
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'dist/esm/index.js', 'dist/cjs/index.js', 'dist/esm/package.json', 'dist/cjs/package.json']));
    expect(files.filter((f) => !/^(dist\/(esm|cjs)\/|src\/)/.test(f) && !['package.json', 'README.md', 'LICENSE'].includes(f))).toEqual([]);
    expect(files.filter((f) => /\.spec\.|(^|\/)(test|tests|__tests__|__mocks__|fixtures)\//.test(f))).toEqual([]);
    expect(readFileSync(join(LIBS[lib], 'LICENSE'), 'utf8')).toBe(readFileSync(join(ROOT, 'LICENSE'), 'utf8'));
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) 2026 django-bridge contributors\n/);
  });

  it('marks each build directory with its module format', () => {
    expect(JSON.parse(readFileSync(join(LIBS[lib], 'dist/esm/package.json'), 'utf8'))).toEqual({ type: 'module' });
    expect(JSON.parse(readFileSync(join(LIBS[lib], 'dist/cjs/package.json'), 'utf8'))).toEqual({ type: 'commonjs' });
    expect(readFileSync(join(LIBS[lib], 'dist/cjs/index.js'), 'utf8')).toMatch(/^"use strict";/);
    expect(readFileSync(join(LIBS[lib], 'dist/esm/index.js'), 'utf8')).toMatch(/^export /m);
  });

  it('ships a source map and a declaration map for every file, each resolving to a shipped source', () => {
    const files = packed[lib];
    const js = [...files].filter((f) => f.startsWith('dist/') && f.endsWith('.js'));
    const dts = [...files].filter((f) => f.startsWith('dist/') && f.endsWith('.d.ts'));
    expect(js.length).toBeGreaterThan(10);
    const problems: string[] = [];
    for (const file of [...js, ...dts]) {
      const mapFile = `${file}.map`;
      if (!files.has(mapFile)) {
        problems.push(`${file}: no ${mapFile}`);
        continue;
      }
      const text = readFileSync(join(LIBS[lib], file), 'utf8');
      if (!text.includes(`sourceMappingURL=${posix.basename(mapFile)}`)) problems.push(`${file}: no sourceMappingURL comment`);
      const map = JSON.parse(readFileSync(join(LIBS[lib], mapFile), 'utf8')) as { sources: string[]; sourceRoot?: string; sourcesContent?: (string | null)[] };
      map.sources.forEach((source, i) => {
        const shipped = posix.normalize(posix.join(posix.dirname(mapFile), map.sourceRoot ?? '', source));
        if (!files.has(shipped)) problems.push(`${mapFile}: source ${source} -> ${shipped} is not shipped`);
        // Debuggers need no file at all for the JavaScript maps: the sources are inlined.
        if (file.endsWith('.js') && typeof map.sourcesContent?.[i] !== 'string') problems.push(`${mapFile}: no sourcesContent for ${source}`);
      });
    }
    expect(problems).toEqual([]);
  });

  it('has an exports map with import and require conditions, each with its own types first', () => {
    const pkg = manifest(lib);
    expect(Object.keys(pkg.exports).sort()).toEqual([...SUBPATHS[lib], './package.json'].sort());
    for (const subpath of SUBPATHS[lib]) {
      const base = entryBase(subpath);
      const entry = pkg.exports[subpath] as Record<string, Record<string, string>>;
      expect(Object.keys(entry)).toEqual(['import', 'require']);
      expect(entry.import).toEqual({ types: `./dist/esm/${base}.d.ts`, default: `./dist/esm/${base}.js` });
      expect(entry.require).toEqual({ types: `./dist/cjs/${base}.d.ts`, default: `./dist/cjs/${base}.js` });
      // Conditions match in order: types must come before default.
      expect(Object.keys(entry.import)).toEqual(['types', 'default']);
      expect(Object.keys(entry.require)).toEqual(['types', 'default']);
      for (const target of [...Object.values(entry.import), ...Object.values(entry.require)]) expect(packed[lib].has(target.slice(2))).toBe(true);
      // TypeScript's old "node" resolution (moduleResolution node10) ignores exports: typesVersions maps subpaths.
      if (subpath !== '.') expect(pkg.typesVersions?.['*']?.[subpath.slice(2)]).toEqual([`./dist/cjs/${base}.d.ts`]);
    }
    expect(pkg).toMatchObject({ main: './dist/cjs/index.js', types: './dist/cjs/index.d.ts', type: 'module', sideEffects: false, license: 'MIT' });
  });

  it('carries the metadata a registry page needs', () => {
    const pkg = manifest(lib);
    expect(pkg).toMatchObject({
      repository: { type: 'git', url: expect.stringMatching(/^git\+https:\/\/github\.com\/.+\.git$/), directory: `libs/${lib}` },
      homepage: expect.stringMatching(/^https:\/\//),
      bugs: { url: expect.stringMatching(/^https:\/\/.+\/issues$/) },
      author: expect.any(String),
      keywords: expect.arrayContaining(['django']),
      publishConfig: { access: 'public' },
      engines: { node: '>=20.19' },
    });
    expect(readFileSync(join(LIBS[lib], 'README.md'), 'utf8')).toContain(`# ${pkg.name}`);
  });
});

describe('npm publish --dry-run', () => {
  it.each(Object.keys(LIBS) as Lib[])('@django-bridge/%s has nothing to correct', async (lib) => {
    const { stderr } = await run('npm', ['publish', '--dry-run', '--ignore-scripts', '--json'], { cwd: LIBS[lib], timeout: 60_000, maxBuffer: 64 << 20 });
    // The only warning allowed is the one about not being logged in (no credentials here, by design).
    const warnings = stderr.split('\n').filter((line) => /\bwarn\b/i.test(line) && !/logged in/.test(line));
    expect(warnings).toEqual([]);
  }, 90_000);
});

/** Bare specifiers a built file imports: static (import/export from), and dynamic/require (lazy). */
function specifiers(code: string): { static: string[]; lazy: string[] } {
  const text = code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const grab = (re: RegExp) => [...text.matchAll(re)].map((m) => m[1]);
  return {
    static: [...grab(/^\s*(?:import|export)\b[^'";]*?\bfrom\s*['"]([^'"]+)['"]/gm), ...grab(/^\s*import\s*['"]([^'"]+)['"]/gm)],
    lazy: [...grab(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g), ...grab(/\brequire\(\s*['"]([^'"]+)['"]\s*\)/g)],
  };
}

const isBare = (spec: string) => !spec.startsWith('.') && !spec.startsWith('/') && !spec.startsWith('node:');
const packageOf = (spec: string) => spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');

describe('dependencies', () => {
  it.each(Object.keys(LIBS) as Lib[])('every package the built @django-bridge/%s imports is declared', (lib) => {
    const pkg = manifest(lib);
    const declared = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})]);
    const undeclared = new Set<string>();
    for (const file of packed[lib]) {
      if (!file.startsWith('dist/') || !file.endsWith('.js')) continue;
      const found = specifiers(readFileSync(join(LIBS[lib], file), 'utf8'));
      for (const spec of [...found.static, ...found.lazy].filter(isBare)) if (!declared.has(packageOf(spec))) undeclared.add(`${packageOf(spec)} (${file})`);
    }
    expect([...undeclared]).toEqual([]);
  });

  // Which optional peers an entry point may import at load time; every other optional peer is loaded
  // on first use or only through its own subpath.
  const STATIC_OPTIONAL: Record<string, string[]> = {
    'core .': [],
    'nest .': [],
    'nest ./passport': ['@nestjs/passport', 'passport-custom'],
    'nest ./terminus': ['@nestjs/terminus'],
    'nest ./swagger': ['@nestjs/swagger'],
    'nest ./testing': [],
  };

  it.each(Object.keys(STATIC_OPTIONAL))('@django-bridge/%s loads no optional peer but its own', (key) => {
    const [lib, subpath] = key.split(' ') as [Lib, string];
    const pkg = manifest(lib);
    const optional = new Set(Object.entries(pkg.peerDependenciesMeta ?? {}).filter(([, m]) => m.optional).map(([name]) => name));
    for (const format of ['esm', 'cjs']) {
      const seen = new Set<string>();
      const loaded = new Set<string>();
      const visit = (file: string) => {
        if (seen.has(file)) return;
        seen.add(file);
        const code = readFileSync(file, 'utf8');
        // In the CommonJS build every static import is a top-level require(); lazy ones sit in a
        // Promise.resolve().then(...), which the build writes only for dynamic imports.
        const found = format === 'esm' ? specifiers(code).static : specifiers(code.replace(/Promise\.resolve\(\)\.then\(\(\) => require\([^)]*\)\)/g, '')).lazy;
        for (const spec of found) {
          if (isBare(spec)) loaded.add(packageOf(spec));
          else if (spec.startsWith('.')) visit(resolve(dirname(file), spec));
        }
      };
      visit(join(LIBS[lib], 'dist', format, `${entryBase(subpath)}.js`));
      expect({ format, optional: [...loaded].filter((name) => optional.has(name)).sort() }).toEqual({ format, optional: [...STATIC_OPTIONAL[key]].sort() });
    }
  });

  it("every peer range's floors are versions the install matrix installs, and each of its lines is installed", () => {
    const installed = new Map<string, string[]>();
    for (const tree of MATRIX_TREES) for (const [name, version] of Object.entries(tree.dependencies)) installed.set(name, [...(installed.get(name) ?? []), version]);
    const parse = (v: string) => v.split('.').map(Number);
    // The line a caret range covers: the major, or major.minor below 1.0.
    const line = (v: string) => (parse(v)[0] === 0 ? parse(v).slice(0, 2).join('.') : String(parse(v)[0]));
    const before = (a: string, b: string) => parse(a).findIndex((n, i) => n !== parse(b)[i]) !== -1 && parse(a)[parse(a).findIndex((n, i) => n !== parse(b)[i])] < parse(b)[parse(a).findIndex((n, i) => n !== parse(b)[i])];
    const problems: string[] = [];
    let checked = 0;
    for (const lib of ['nest', 'core'] as const) {
      for (const [name, range] of Object.entries(manifest(lib).peerDependencies ?? {})) {
        const versions = installed.get(name);
        if (!versions) continue; // ioredis, memjs: one release each, the one the repository's own suite runs
        for (const alternative of range.split('||').map((r) => r.trim())) {
          const floor = /^(?:\^|>=)(\d+\.\d+\.\d+)/.exec(alternative)?.[1];
          if (!floor) {
            problems.push(`${name}: "${alternative}" has no floor`);
            continue;
          }
          const inLine = versions.filter((v) => line(v) === line(floor) || (alternative.startsWith('>=') && !before(v, floor)));
          const lowest = inLine.reduce<string | undefined>((low, v) => (low === undefined || before(v, low) ? v : low), undefined);
          checked += 1;
          if (lowest !== floor) problems.push(`${name} ${alternative}: the matrix installs ${lowest ?? 'nothing'} as its lowest`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(20);
  });

  it('declares the optional peers as optional, with the Nest lines the matrix installs', () => {
    const nest = manifest('nest');
    for (const name of ['@nestjs/passport', 'passport', 'passport-custom', '@nestjs/terminus', '@nestjs/swagger', '@nestjs/websockets', 'mysql2', 'pg', 'better-sqlite3', 'ioredis', 'memjs']) {
      expect({ name, optional: nest.peerDependenciesMeta?.[name]?.optional }).toEqual({ name, optional: true });
    }
    for (const name of ['@nestjs/common', '@nestjs/core', 'reflect-metadata', 'rxjs', 'typeorm']) {
      expect({ name, peer: name in (nest.peerDependencies ?? {}), optional: nest.peerDependenciesMeta?.[name]?.optional }).toEqual({ name, peer: true, optional: undefined });
    }
    expect(nest.peerDependencies?.['@nestjs/common']).toBe('^11.0.1 || ^12.0.1');
    expect(nest.dependencies).toEqual({ '@django-bridge/core': manifest('core').version });
    const core = manifest('core');
    expect(Object.keys(core.dependencies ?? {})).toEqual(['pako']);
    expect(core.peerDependenciesMeta).toEqual({ argon2: { optional: true }, bcrypt: { optional: true }, jose: { optional: true } });
  });
});

/** Runs a script with Node from the repository root, so the packages resolve by name through node_modules. */
async function node(args: string[], script: string): Promise<unknown> {
  const { stdout } = await run(process.execPath, [...args, '-e', script], { cwd: ROOT, timeout: 60_000, maxBuffer: 16 << 20 });
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

const TOKENS = ['DJANGO_BRIDGE_OPTIONS', 'DJANGO_BRIDGE_RAW_OPTIONS', 'DjangoSessionStore', 'DjangoUserStore'];

describe('the built packages, loaded by name', () => {
  it('require() gets the CommonJS build and import() the ESM one, with the same exports and the same token symbols', async () => {
    const result = await node([], `
      const out = {};
      const core = require('@django-bridge/core');
      const nest = require('@django-bridge/nest');
      out.resolved = ['@django-bridge/core', '@django-bridge/nest', '@django-bridge/nest/passport', '@django-bridge/nest/terminus', '@django-bridge/nest/swagger', '@django-bridge/nest/testing']
        .map((name) => require.resolve(name).replace(${JSON.stringify(ROOT)} + '/', ''));
      out.lazyLoaded = Object.keys(require.cache).filter((f) => /node_modules\\/(argon2|bcrypt|ioredis|memjs|passport-custom|passport)\\//.test(f));
      const subpathKeys = ['passport', 'terminus', 'swagger', 'testing'].map((s) => Object.keys(require('@django-bridge/nest/' + s)).sort());
      (async () => {
        const coreEsm = await import('@django-bridge/core');
        const nestEsm = await import('@django-bridge/nest');
        const subpathEsmKeys = [];
        for (const s of ['passport', 'terminus', 'swagger', 'testing']) subpathEsmKeys.push(Object.keys(await import('@django-bridge/nest/' + s)).sort());
        out.sameCoreExports = JSON.stringify(Object.keys(core).sort()) === JSON.stringify(Object.keys(coreEsm).filter((k) => k !== 'default').sort());
        out.sameNestExports = JSON.stringify(Object.keys(nest).sort()) === JSON.stringify(Object.keys(nestEsm).filter((k) => k !== 'default').sort());
        out.sameSubpathExports = JSON.stringify(subpathKeys) === JSON.stringify(subpathEsmKeys);
        out.twoCopies = nest.DjangoBridgeModule !== nestEsm.DjangoBridgeModule;
        out.tokens = ${JSON.stringify(TOKENS)}.map((t) => ({ token: t, key: Symbol.keyFor(nest[t]) ?? null, same: nest[t] === nestEsm[t] }));
        out.signer = new core.Signer({ key: 'k', salt: 's' }).sign('v') === new coreEsm.Signer({ key: 'k', salt: 's' }).sign('v');
        console.log(JSON.stringify(out));
      })().catch((e) => { console.log(JSON.stringify({ error: String(e && e.stack || e) })); });
    `);
    expect(result).toEqual({
      resolved: ['libs/core/dist/cjs/index.js', 'libs/nest/dist/cjs/index.js', 'libs/nest/dist/cjs/passport/index.js', 'libs/nest/dist/cjs/terminus/index.js', 'libs/nest/dist/cjs/swagger/index.js', 'libs/nest/dist/cjs/testing/index.js'],
      lazyLoaded: [],
      sameCoreExports: true,
      sameNestExports: true,
      sameSubpathExports: true,
      twoCopies: true,
      tokens: TOKENS.map((token) => ({ token, key: `@django-bridge/nest:${token}`, same: true })),
      signer: true,
    });
  }, 90_000);

  it('an ES module importing the packages gets the ESM build', async () => {
    const result = await node(['--input-type=module'], `
      const names = ['@django-bridge/core', '@django-bridge/nest', '@django-bridge/nest/passport', '@django-bridge/nest/terminus', '@django-bridge/nest/swagger', '@django-bridge/nest/testing'];
      const resolved = names.map((n) => import.meta.resolve(n).replace(${JSON.stringify(`file://${ROOT}/`)}, ''));
      const { DjangoBridgeModule } = await import('@django-bridge/nest');
      console.log(JSON.stringify({ resolved, module: typeof DjangoBridgeModule }));
    `);
    expect(result).toEqual({
      resolved: ['libs/core/dist/esm/index.js', 'libs/nest/dist/esm/index.js', 'libs/nest/dist/esm/passport/index.js', 'libs/nest/dist/esm/terminus/index.js', 'libs/nest/dist/esm/swagger/index.js', 'libs/nest/dist/esm/testing/index.js'],
      module: 'function',
    });
  }, 60_000);
});

describe('argon2 and bcrypt are optional', () => {
  // Makes the two packages unfindable, as in an application that did not install them.
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'django-bridge-hide-'));
    writeFileSync(join(dir, 'hide.cjs'), `
      const Module = require('node:module');
      const resolve = Module._resolveFilename;
      Module._resolveFilename = function (request, ...rest) {
        if (request === 'argon2' || request === 'bcrypt') { const e = new Error("Cannot find module '" + request + "'"); e.code = 'MODULE_NOT_FOUND'; throw e; }
        return resolve.call(this, request, ...rest);
      };
      Module.register('data:text/javascript,' + encodeURIComponent(
        "export async function resolve(s, c, next) { if (s === 'argon2' || s === 'bcrypt') { const e = new Error(\\"Cannot find package '\\" + s + \\"' imported from \\" + c.parentURL); e.code = 'ERR_MODULE_NOT_FOUND'; throw e; } return next(s, c); }"));
    `);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // A bcrypt hash and an argon2 hash of "pw" (cost 4 / small parameters), and a PBKDF2 one.
  const script = (load: string) => `
    (async () => {
      const core = ${load};
      const out = {};
      const pbkdf2 = await core.makePassword('pw', { hasher: 'pbkdf2_sha256', iterations: 1000 }).catch((e) => 'ERR ' + e.message);
      out.pbkdf2 = typeof pbkdf2 === 'string' && pbkdf2.startsWith('pbkdf2_sha256$') ? await core.checkPassword('pw', pbkdf2) : pbkdf2;
      for (const [name, hash] of [['bcrypt', 'bcrypt_sha256$$2b$04$abcdefghijklmnopqrstuuDvXgGtNNm0JtR3I8gfMBOcuKC.8tJaa'], ['argon2', 'argon2$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$3TAvKdW1NRhkmJfhLUEu8Q']]) {
        try { out[name] = await core.checkPassword('pw', hash); }
        catch (e) { out[name] = { error: e.constructor.name, improperlyConfigured: e instanceof core.ImproperlyConfigured, packageName: e.packageName, message: e.message }; }
      }
      // A preferred hasher that needs a missing package fails the same way when it hashes.
      for (const hasher of ['argon2', 'bcrypt_sha256']) {
        out['make ' + hasher] = await core.makePassword('pw', { hasher }).then(() => 'made', (e) => e.constructor.name + ': ' + e.packageName);
      }
      console.log(JSON.stringify(out));
    })();
  `;
  const expected = {
    pbkdf2: true,
    bcrypt: { error: 'MissingOptionalDependency', improperlyConfigured: true, packageName: 'bcrypt', message: expect.stringMatching(/^The bcrypt password hashers .* needs the optional package "bcrypt", which is not installed: npm install bcrypt$/) },
    argon2: { error: 'MissingOptionalDependency', improperlyConfigured: true, packageName: 'argon2', message: expect.stringMatching(/^The argon2 password hasher .* needs the optional package "argon2", which is not installed: npm install argon2$/) },
    'make argon2': 'MissingOptionalDependency: argon2',
    'make bcrypt_sha256': 'MissingOptionalDependency: bcrypt',
  };

  it.each([
    ['CommonJS', "require('@django-bridge/core')"],
    ['ESM', "await import('@django-bridge/core')"],
  ])('%s: PBKDF2 works without them; a stored hash that needs one names the package', async (_format, load) => {
    expect(await node(['--require', join(dir, 'hide.cjs')], script(load))).toEqual(expected);
  }, 60_000);
});
