import { describe, expect, it } from '@jest/globals';
import { CLEAR_SESSIONS_USAGE, ClearSessionsUsageError, parseClearSessionsArgs, runClearSessions } from './clear-sessions.js';

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const status = await runClearSessions(argv, { out: (l) => out.push(l), err: (l) => err.push(l), env });
  return { status, out, err };
}

describe('clearsessions command line (node:util parseArgs, strict)', () => {
  it('reads every option, and --timeout in seconds', () => {
    expect(parseClearSessionsArgs(['--url', 'sqlite:x.db', '--table', 'sessions', '--timeout', '2.5'], {})).toEqual({ url: 'sqlite:x.db', useTz: true, timeZone: 'UTC', table: 'sessions', timeoutMs: 2500 });
    expect(parseClearSessionsArgs(['--url=sqlite:x.db', '--no-use-tz', '--time-zone=Europe/Paris'], {})).toMatchObject({ useTz: false, timeZone: 'Europe/Paris' });
  });
  it.each([
    [['--bogus'], /Unknown argument "--bogus"/],
    [['--url', 'sqlite:x.db', 'extra'], /Unexpected argument 'extra'/],
    [['--url', 'sqlite:x.db', '--table', 'a;b'], /--table "a;b" is not a table name/],
    [['--url', 'sqlite:x.db', '--timeout', '0'], /--timeout "0" must be a positive/],
    [['--url', 'sqlite:x.db', '--time-zone='], /--time-zone needs a zone name/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseClearSessionsArgs(argv, {})).toThrow(ClearSessionsUsageError);
    expect(() => parseClearSessionsArgs(argv, {})).toThrow(message);
  });
  it('--help wins over everything else and exits 0', async () => {
    expect(await run(['--help'])).toEqual({ status: 0, out: [CLEAR_SESSIONS_USAGE], err: [] });
    expect((await run(['-h', '--url', 'oracle://x'])).status).toBe(0);
  });
  it('answers a usage error with one line, a pointer to --help and 2; a bad URL is one too', async () => {
    expect(await run(['--nope'])).toEqual({ status: 2, out: [], err: ['django-bridge-clearsessions: Unknown argument "--nope"', "Try 'django-bridge-clearsessions --help'."] });
    expect(await run([], { DJANGO_DATABASE_URL: 'mysql://host' })).toMatchObject({ status: 2, err: [expect.stringContaining('names no database'), expect.any(String)] });
  });
  it('answers a failure with one line and 1', async () => {
    const r = await run(['--url', 'postgres://postgres@127.0.0.1:1/site', '--timeout', '5']);
    expect(r).toMatchObject({ status: 1, out: [] });
    expect(r.err).toEqual([expect.stringMatching(/^django-bridge-clearsessions: failed: .*ECONNREFUSED/)]);
  });
});
