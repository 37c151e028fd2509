/**
 * Every page is tested by the examples it shows: each ```ts block of README.md and docs/*.md is type-checked as a
 * module against the workspace's sources (the root tsconfig, with the package subpaths mapped to their sources), all
 * in one TypeScript program, and every relative link must reach an existing file and heading. Blocks with an
 * example-fixture also run, as ES modules in a Node process of their own, against the built packages
 * (`npm test` builds before Jest), followed by the fixture's checks.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { docPages, headingAnchors, parsePage, type DocExample } from './doc-examples.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const PAGES = docPages(ROOT);
const parsed = new Map(PAGES.map((page) => [page, parsePage(ROOT, page)]));

// Packages the docs show but the workspace does not install: the least of their API the examples use, so the
// examples still type-check everything of the bridge's own. Keep this list short; prefer installed packages.
const AMBIENT = `
declare module '@nestjs/typeorm' {
  import type { DynamicModule } from '@nestjs/common';
  import type { DataSourceOptions } from 'typeorm';
  export class TypeOrmModule {
    static forRoot(options: DataSourceOptions & { name?: string }): DynamicModule;
  }
  export function getDataSourceToken(name?: string): string;
}
`;

interface Placed {
  example: DocExample;
  fileName: string;
  preambleLines: number;
}

function compilerOptions(): ts.CompilerOptions {
  const configPath = join(ROOT, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, ts.sys.readFile);
  if (config.error) throw new Error(ts.flattenDiagnosticMessageText(config.error.messageText, '\n'));
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT, undefined, configPath);
  // The published subpaths (`@django-bridge/nest/passport`, ...) are `libs/nest/src/<name>/index.ts`.
  const paths = { '@django-bridge/nest/*': ['./libs/nest/src/*/index.ts'], ...options.paths };
  return { ...options, paths, noEmit: true, declaration: false, sourceMap: false, incremental: false };
}

/** Page line of a diagnostic in a placed example. */
function pageLine(placed: Placed, fileLine: number): number {
  if (fileLine < placed.preambleLines) return placed.example.preambleLine ?? placed.example.line;
  return placed.example.line + fileLine - placed.preambleLines;
}

function typeCheck(examples: DocExample[]): { placed: Placed[]; problems: Map<string, string[]> } {
  const dir = join(ROOT, 'test/docs/.examples');
  const files = new Map<string, string>();
  const placed: Placed[] = [];
  for (const example of examples) {
    const fileName = join(dir, `${example.page.replace(/[/.]/g, '_')}_${example.line}.ts`);
    const preamble = example.preamble ? `${example.preamble}\n` : '';
    // `export {}` makes every block a module, even one without an import.
    const source = `${preamble}${example.code}\n${example.run?.after ? `${example.run.after}\n` : ''}export {};\n`;
    files.set(fileName, source);
    placed.push({ example, fileName, preambleLines: preamble ? preamble.split('\n').length - 1 : 0 });
  }
  const ambientName = join(dir, 'ambient.d.ts');
  files.set(ambientName, AMBIENT);

  const options = compilerOptions();
  const host = ts.createCompilerHost(options, true);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (name) => files.has(name) || fileExists.call(host, name);
  host.readFile = (name) => files.get(name) ?? readFile.call(host, name);
  host.getSourceFile = (name, languageVersion, onError, shouldCreate) => {
    const text = files.get(name);
    if (text !== undefined) return ts.createSourceFile(name, text, languageVersion, true);
    return getSourceFile.call(host, name, languageVersion, onError, shouldCreate);
  };
  const program = ts.createProgram({ rootNames: [...files.keys()], options, host });

  const problems = new Map<string, string[]>();
  for (const p of placed) {
    const sf = program.getSourceFile(p.fileName)!;
    const diagnostics = [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)];
    const messages = diagnostics.map((d) => {
      const { line } = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : { line: 0 };
      return `${p.example.page}:${pageLine(p, line)}: TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    if (messages.length) problems.set(`${p.example.page}:${p.example.line}`, messages);
  }
  return { placed, problems };
}

const allExamples = [...parsed.values()].flatMap((p) => p.examples);
const checked = allExamples.filter((e) => !e.notChecked);

describe('documentation examples', () => {
  let result: ReturnType<typeof typeCheck>;
  beforeAll(() => {
    result = typeCheck(checked);
  }, 240_000);

  it('finds the examples of every page', () => {
    // A broken extractor must not pass by finding nothing.
    expect(allExamples.length).toBeGreaterThanOrEqual(15);
    for (const page of ['README.md', 'docs/core.md', 'docs/nest.md']) expect(parsed.get(page)?.examples.length).toBeGreaterThan(0);
    // not-checked is for the exception, and says why.
    const skipped = allExamples.filter((e) => e.notChecked);
    expect(skipped.length).toBeLessThanOrEqual(Math.ceil(allExamples.length / 5));
    for (const e of skipped) expect(e.notChecked!.length).toBeGreaterThan(3);
  });

  it.each(PAGES)('%s: every ts block type-checks', (page) => {
    const messages = [...result.problems.entries()].filter(([key]) => key.startsWith(`${page}:`)).flatMap(([, m]) => m);
    expect(messages).toEqual([]);
  });
});

const runnable = checked.filter((e) => e.run);

describe('documentation examples that run', () => {
  it('has runnable examples on the core page at least', () => {
    expect(runnable.filter((e) => e.page === 'docs/core.md').length).toBeGreaterThanOrEqual(4);
  });

  it.each(runnable.map((e) => [`${e.page}:${e.line}`, e] as const))('%s runs and its checks hold', (_name, example) => {
    const dir = join(ROOT, '.tmp', 'doc-examples');
    mkdirSync(dir, { recursive: true });
    const source = `${example.preamble}\n${example.code}\n${example.run!.after}\nexport {};\n`;
    const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false } }).outputText;
    const file = join(dir, `${example.page.replace(/[/.]/g, '_')}_${example.line}.mjs`);
    writeFileSync(file, js);
    const r = spawnSync(process.execPath, [file], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    const output = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
    expect({ status: r.status, signal: r.signal, output: r.status === 0 ? '' : output }).toEqual({ status: 0, signal: null, output: '' });
  }, 90_000);
});

describe('documentation links', () => {
  const anchorsOf = new Map<string, Set<string>>();
  const anchors = (file: string) => {
    if (!anchorsOf.has(file)) anchorsOf.set(file, headingAnchors(readFileSync(file, 'utf8')));
    return anchorsOf.get(file)!;
  };

  it.each(PAGES)('%s: every relative link reaches a file and heading', (page) => {
    const broken: string[] = [];
    for (const link of parsed.get(page)!.links) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(link.target)) continue; // https:, mailto:...
      const [pathPart, anchor] = link.target.split('#', 2);
      const file = pathPart ? resolve(ROOT, dirname(page), decodeURI(pathPart)) : join(ROOT, page);
      if (!file.startsWith(ROOT) || !existsSync(file)) {
        broken.push(`${page}:${link.line}: ${link.target}: no such file`);
        continue;
      }
      if (anchor === undefined) continue;
      if (!file.endsWith('.md') || statSync(file).isDirectory()) {
        broken.push(`${page}:${link.line}: ${link.target}: anchor into a file that is not a page`);
      } else if (!anchors(file).has(decodeURIComponent(anchor))) {
        broken.push(`${page}:${link.line}: ${link.target}: no heading with that anchor`);
      }
    }
    expect(broken).toEqual([]);
  });
});
