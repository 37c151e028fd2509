/**
 * Which real Django a test talks to. `DJANGO_LINE` (3.2, 4.2, 5.2 or 6.1) picks the line for the
 * whole run (default 5.2, the primary line); a test may also name one. The line is installed on
 * first use by scripts/django-lines.mjs (cached outside the checkout) and a line that cannot be
 * installed fails the test loudly, never skips it.
 */
// @ts-expect-error: a plain .mjs script shared with the test command, without type declarations.
import { DJANGO_LINES as LINES, djangoRunner } from '../../scripts/django-lines.mjs';

import type { DjangoVersion } from '@django-bridge/core';

export type DjangoLine = '3.2' | '4.2' | '5.2' | '6.1';
export const DJANGO_LINES = LINES as readonly DjangoLine[];

/** How to start Python with one Django line. */
export interface PythonRunner {
  line: DjangoLine;
  /** The program and its first arguments (a root's dynamic loader for 6.1). */
  command: string[];
  /** Extra environment: PYTHONPATH for 4.2/5.2, PYTHONHOME for 6.1. */
  env: Record<string, string>;
}

/** The line of this run: DJANGO_LINE, default 5.2 (the primary line; 3.2 was the default before). */
export function defaultDjangoLine(): DjangoLine {
  const line = process.env.DJANGO_LINE || '5.2';
  if (!(DJANGO_LINES as readonly string[]).includes(line)) throw new Error(`DJANGO_LINE must be one of ${DJANGO_LINES.join(', ')}, not "${line}"`);
  return line as DjangoLine;
}

/** The bridge's `djangoVersion` for a line: the line itself (the bridge knows every installed line). */
export function bridgeVersionFor(line: DjangoLine = defaultDjangoLine()): DjangoVersion {
  return line;
}

const runners = new Map<DjangoLine, PythonRunner>();

export function pythonFor(line: DjangoLine = defaultDjangoLine()): PythonRunner {
  let runner = runners.get(line);
  if (!runner) {
    runner = djangoRunner(line) as PythonRunner;
    runners.set(line, runner);
  }
  return runner;
}
