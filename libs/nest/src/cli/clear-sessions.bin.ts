#!/usr/bin/env node
// The django-bridge-clearsessions command (package.json "bin"). It always runs: npm starts it
// through a .bin symlink or npx, where comparing paths to guess "am I main" fails. No
// import.meta or top-level await, so the ESM and CommonJS builds both work as the bin.
import { runClearSessions } from './clear-sessions.js';

// The deadlines inside do not hold the event loop open: should it empty with the run unfinished,
// the exit is a failure, never a silent 0.
process.exitCode = 1;
runClearSessions(process.argv.slice(2)).then(
  (status) => process.exit(status),
  // Not expected (runClearSessions answers every failure), but never a stack trace or exit 0.
  (err: unknown) => {
    process.stderr.write(`django-bridge-clearsessions: failed: ${String((err as Error)?.message ?? err).split('\n')[0]}\n`);
    process.exit(1);
  },
);
