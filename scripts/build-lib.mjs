#!/usr/bin/env node
// Builds one library (run from its directory: `node ../../scripts/build-lib.mjs`) twice from the
// same sources: dist/esm (ES modules) and dist/cjs (CommonJS), each with .d.ts, declaration maps and
// source maps that carry their sources. Both use tsconfig.lib.json (module NodeNext), so both
// resolve imports the way Node does for that format.
//
// Why the compiler API and not `tsc -p`: with NodeNext, TypeScript picks a file's output format from
// the nearest package.json "type", which is "module" for our sources. For the CommonJS pass the
// compiler host marks every source file as CommonJS instead; imports then resolve through the
// "require" conditions (so the .d.ts of @django-bridge/core's CommonJS build), and the output is
// real CommonJS, decorator metadata included (which a type-less transpiler would lose).
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import ts from 'typescript';

const libDir = process.cwd();
const configPath = join(libDir, 'tsconfig.lib.json');
if (!existsSync(configPath)) {
  console.error(`build-lib: no tsconfig.lib.json in ${libDir} (run it from a library's directory)`);
  process.exit(2);
}

function readConfig(outDir) {
  const parsed = ts.getParsedCommandLineOfConfigFile(configPath, { outDir }, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => report([d]) });
  if (!parsed || parsed.errors.length) {
    report(parsed?.errors ?? []);
    process.exit(1);
  }
  return parsed;
}

function report(diagnostics) {
  if (!diagnostics.length) return;
  const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => libDir, getNewLine: () => '\n' };
  console.error(ts.formatDiagnosticsWithColorAndContext(diagnostics, host));
}

const srcPrefix = resolve(libDir, 'src') + sep;

function build(format) {
  const outDir = resolve(libDir, 'dist', format);
  const config = readConfig(outDir);
  const host = ts.createCompilerHost(config.options);
  if (format === 'cjs') {
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (fileName, options, ...rest) => {
      const own = resolve(fileName).startsWith(srcPrefix);
      const opts = own && typeof options === 'object' ? { ...options, impliedNodeFormat: ts.ModuleKind.CommonJS } : options;
      return getSourceFile(fileName, opts, ...rest);
    };
  }
  const program = ts.createProgram({ rootNames: config.fileNames, options: config.options, host });
  const emitted = program.emit();
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics];
  if (diagnostics.some((d) => d.category === ts.DiagnosticCategory.Error)) {
    report(diagnostics);
    console.error(`build-lib: ${format} build of ${libDir} failed`);
    process.exit(1);
  }
  // Marks the directory's format for Node and for TypeScript (dist/cjs/*.d.ts are CommonJS types).
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'package.json'), JSON.stringify({ type: format === 'cjs' ? 'commonjs' : 'module' }, null, 2) + '\n');
}

// NodeNext keeps `import('pkg')` as is in CommonJS output (Node allows it there), but Jest's
// CommonJS runtime (a Nest starter's ts-jest tests) cannot run a dynamic import without
// --experimental-vm-modules. The optional peers are loaded that way, so the CommonJS build loads
// them with require(); every loader accepts a namespace or module.exports alike.
const DYNAMIC_IMPORT = /\bimport\((['"])([^'"./][^'"]*)\1\)/g;
function requireDynamicImports(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) requireDynamicImports(path);
    else if (entry.name.endsWith('.js')) {
      const code = readFileSync(path, 'utf8');
      const out = code.replace(DYNAMIC_IMPORT, (_, q, spec) => `Promise.resolve().then(() => require(${q}${spec}${q}))`);
      if (out !== code) writeFileSync(path, out);
    }
  }
}

// A clean dist: files of an older layout must not end up in the tarball.
rmSync(join(libDir, 'dist'), { recursive: true, force: true });
build('esm');
build('cjs');
requireDynamicImports(join(libDir, 'dist', 'cjs'));

// npm makes bins executable on install; this makes them so in the workspace too.
const pkg = JSON.parse(readFileSync(join(libDir, 'package.json'), 'utf8'));
for (const bin of Object.values(typeof pkg.bin === 'string' ? { [pkg.name]: pkg.bin } : (pkg.bin ?? {}))) {
  for (const file of [bin, bin.replace('/dist/esm/', '/dist/cjs/')]) if (existsSync(join(libDir, file))) chmodSync(join(libDir, file), 0o755);
}
console.log(`build-lib: ${pkg.name} -> dist/esm, dist/cjs`);
