/**
 * better-sqlite3's native addon, built once per version and Node ABI. Its install script asks
 * prebuild-install for a binary from GitHub and compiles from source (1-2 minutes) when that
 * fails, as it does on a machine without GitHub access. prebuild-install first looks in a
 * "local prebuilds" directory (npm_config_better_sqlite3_local_prebuilds), so after the first
 * build the binary is packed there in prebuild's own layout and every later `npm install` unpacks
 * it instead of compiling. The install itself stays a plain `npm install`.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PREBUILDS_DIR, runCommand } from './run-command.js';

const ADDON = 'build/Release/better_sqlite3.node';

/** The file name prebuild-install looks for (its `{name}-v{version}-{runtime}-v{abi}-{platform}-{arch}.tar.gz`). */
function prebuildName(version: string): string {
  return `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
}

export function prebuildEnv(): Record<string, string> {
  return { npm_config_better_sqlite3_local_prebuilds: PREBUILDS_DIR };
}

/** Packs the compiled addon of node_modules/better-sqlite3 under `dir`, unless that version is packed already. */
export async function savePrebuild(dir: string): Promise<void> {
  const pkgDir = join(dir, 'node_modules', 'better-sqlite3');
  if (!existsSync(join(pkgDir, ADDON))) return;
  const { version } = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string };
  const target = join(PREBUILDS_DIR, prebuildName(version));
  if (existsSync(target)) return;
  mkdirSync(PREBUILDS_DIR, { recursive: true });
  const r = await runCommand('tar', ['czf', target, '-C', pkgDir, ADDON], { cwd: dir, timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`could not pack ${ADDON} into ${target}: ${r.stderr}`);
}
