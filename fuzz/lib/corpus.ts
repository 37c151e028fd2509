import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** fuzz/ itself. */
export const FUZZ_DIR = fileURLToPath(new URL('..', import.meta.url));
/** Seeds made by real Django (fuzz/generate-corpus.ts writes it). */
export const DJANGO_SEEDS_FILE = join(FUZZ_DIR, 'corpus', 'django-seeds.json');
/** Committed regression corpus: every input that ever broke a property, replayed by the short run. */
export const CRASHES_DIR = join(FUZZ_DIR, 'crashes');

export interface DjangoSeeds {
  generatedBy: string;
  django: string;
  secretKey: string;
  targets: Record<string, string[]>;
}

let cached: DjangoSeeds | undefined;

export function djangoSeeds(): DjangoSeeds {
  cached ??= JSON.parse(readFileSync(DJANGO_SEEDS_FILE, 'utf8')) as DjangoSeeds;
  return cached;
}

/** The Django-made seeds of one target, decoded. */
export function djangoSeedsFor(target: string): Buffer[] {
  return (djangoSeeds().targets[target] ?? []).map((b64) => Buffer.from(b64, 'base64'));
}

/** A saved crash: what broke, how to replay it. */
export interface CrashRecord {
  target: string;
  kind: string;
  detail: string;
  seed: number | null;
  input: string;
  foundAt: string;
}

export function readCrashes(): { file: string; record: CrashRecord }[] {
  if (!existsSync(CRASHES_DIR)) return [];
  return readdirSync(CRASHES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ file: join(CRASHES_DIR, f), record: JSON.parse(readFileSync(join(CRASHES_DIR, f), 'utf8')) as CrashRecord }));
}
