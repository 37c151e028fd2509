/**
 * Reads the documentation pages (README.md and docs/*.md) the way a reader sees them: their ```ts examples, each with
 * the hidden preamble it declares, and their relative links. The spec next to this file type-checks the examples and
 * follows the links.
 *
 * Conventions, written as an HTML comment on the line(s) right before the fence (GitHub does not render them):
 * - `<!-- example-preamble: <TypeScript> -->`: code put in front of the block (imports, `declare const`...), so that
 *   a fragment type-checks as it is shown. Diagnostics inside the preamble are reported against the comment.
 * - `<!-- example-fixture: <TypeScript> [-- then: <TypeScript>] -->`: a preamble with real values instead of
 *   `declare`s, so the block also RUNS (against the built packages); the optional part after a line `-- then:` runs
 *   after it, with `assert` from node:assert, to check what the block's comments promise.
 * - `<!-- not-checked: <reason> -->`: the block is left out, with the reason shown in the comment.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface DocExample {
  /** Page path relative to the repository root, e.g. `docs/nest.md`. */
  page: string;
  /** 1-based line of the first code line (the line after the opening fence). */
  line: number;
  /** 1-based line of the preamble comment, when there is one. */
  preambleLine?: number;
  preamble: string;
  code: string;
  /** From an example-fixture: the block runs, then this code (checks), if any. */
  run?: { after: string };
  notChecked?: string;
}

export interface DocLink {
  page: string;
  line: number;
  target: string;
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([\w+-]*)/;
const TS_LANGS = new Set(['ts', 'typescript']);

export function docPages(root: string): string[] {
  const docs = readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`);
  return ['README.md', ...docs];
}

/** The comment that ends on the line before `index`, if any: `{ kind, body, line }`. */
function commentBefore(lines: string[], index: number): { kind: string; body: string; line: number } | undefined {
  const end = index - 1;
  if (end < 0 || !lines[end].trimEnd().endsWith('-->')) return undefined;
  let start = end;
  while (start >= 0 && !lines[start].includes('<!--')) start--;
  if (start < 0) return undefined;
  const text = lines.slice(start, end + 1).join('\n');
  const match = /<!--\s*(example-preamble|example-fixture|not-checked):([\s\S]*?)-->\s*$/.exec(text);
  if (!match) return undefined;
  return { kind: match[1], body: match[2], line: start + 1 };
}

export function parsePage(root: string, page: string): { examples: DocExample[]; links: DocLink[]; text: string } {
  const text = readFileSync(join(root, page), 'utf8');
  const lines = text.split('\n');
  const examples: DocExample[] = [];
  const links: DocLink[] = [];
  let fence: { marker: string; lang: string; start: number } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const m = FENCE.exec(line);
    if (fence) {
      if (m && m[2].startsWith(fence.marker[0]) && m[2].length >= fence.marker.length && m[3] === '') {
        if (TS_LANGS.has(fence.lang)) {
          const comment = commentBefore(lines, fence.start);
          const hasPreamble = comment?.kind === 'example-preamble' || comment?.kind === 'example-fixture';
          const [preamble, after] = comment?.kind === 'example-fixture' ? splitFixture(comment.body) : [comment?.body ?? '', ''];
          examples.push({
            page,
            line: fence.start + 2,
            preambleLine: hasPreamble ? comment.line : undefined,
            preamble: hasPreamble ? preamble.trim() : '',
            code: lines.slice(fence.start + 1, i).join('\n'),
            run: comment?.kind === 'example-fixture' ? { after: after.trim() } : undefined,
            notChecked: comment?.kind === 'not-checked' ? comment.body.trim() || '(no reason given)' : undefined,
          });
        }
        fence = undefined;
      }
      continue;
    }
    if (m) {
      fence = { marker: m[2], lang: m[3].toLowerCase(), start: i };
      continue;
    }
    // Links outside code: drop inline code spans first, so `[a](b)` inside backticks is not a link.
    const prose = line.replace(/`[^`]*`/g, '');
    for (const link of prose.matchAll(/\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) links.push({ page, line: i + 1, target: link[1] });
  }
  if (fence) throw new Error(`${page}:${fence.start + 1}: code fence never closed`);
  return { examples, links, text };
}

/** A fixture's set-up and its `-- then:` checks. */
function splitFixture(body: string): [string, string] {
  const at = body.search(/^\s*-- then:\s*$/m);
  if (at === -1) return [body, ''];
  const rest = body.slice(at);
  return [body.slice(0, at), rest.slice(rest.indexOf(':') + 1)];
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
export function headingAnchors(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let inFence = false;
  for (const line of text.split('\n')) {
    if (FENCE.test(line)) inFence = !inFence;
    if (inFence) continue;
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const plain = m[1].replace(/<[^>]+>/g, '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    const base = plain
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

export function relativeTo(root: string, path: string): string {
  return relative(root, path).split('\\').join('/');
}
