import { ImproperlyConfigured } from './errors.js';

/**
 * An optional peer package (argon2, bcrypt, ioredis, memjs...) that a configured feature needs but
 * the application has not installed. It is an ImproperlyConfigured: nothing about the request is
 * wrong, the installation is; the message names the package and what needs it.
 */
export class MissingOptionalDependency extends ImproperlyConfigured {
  constructor(
    readonly packageName: string,
    readonly neededBy: string,
    override readonly cause?: unknown,
  ) {
    super(`${neededBy} needs the optional package "${packageName}", which is not installed: npm install ${packageName}`);
  }
}

const NOT_FOUND = new Set(['ERR_MODULE_NOT_FOUND', 'MODULE_NOT_FOUND']);

/** True when `err` says that `packageName` itself (not something it imports) could not be found. */
function isMissing(err: unknown, packageName: string): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !NOT_FOUND.has(code)) return false;
  const message = String((err as Error).message);
  return message.includes(`'${packageName}'`) || message.includes(`"${packageName}"`) || message.includes(`'${packageName}/`);
}

/**
 * Loads an optional package on first use and keeps the promise, so the import runs once. `load` is
 * the caller's own dynamic import of the package: the specifier must be resolved from the caller's package,
 * and each build (ESM, CommonJS) compiles that call its own way. A CommonJS package may arrive as its
 * namespace or with its exports under `default`; `pick` gets whichever holds what the caller uses.
 */
export function optionalDependency<M, T>(packageName: string, neededBy: string, load: () => Promise<M>, pick: (mod: M) => T | undefined): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load().then(
      (mod) => {
        const value = pick(mod);
        if (value === undefined) throw new MissingOptionalDependency(packageName, neededBy, new Error(`"${packageName}" loaded but has not the expected exports`));
        return value;
      },
      (err: unknown) => {
        loading = undefined; // installed later (tests, hot reload): try again next time
        if (isMissing(err, packageName)) throw new MissingOptionalDependency(packageName, neededBy, err);
        // Installed but unusable (a native addon built for another Node, say): still one typed line.
        throw new ImproperlyConfigured(`${neededBy} could not load the package "${packageName}": ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
      },
    );
    return loading;
  };
}
