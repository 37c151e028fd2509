import { describe, expect, it } from '@jest/globals';
import { ImproperlyConfigured } from './errors.js';
import { MissingOptionalDependency, optionalDependency } from './optional-dependency.js';

const notFound = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('optionalDependency', () => {
  it('loads once and hands over what pick returns', async () => {
    let loads = 0;
    const load = optionalDependency('pkg', 'The thing', async () => {
      loads++;
      return { default: { answer: 42 } };
    }, (mod) => mod.default);
    expect(await load()).toEqual({ answer: 42 });
    expect(await load()).toEqual({ answer: 42 });
    expect(loads).toBe(1);
  });

  it.each([
    ['ESM', 'ERR_MODULE_NOT_FOUND', "Cannot find package 'memjs' imported from /app/x.js"],
    ['CommonJS', 'MODULE_NOT_FOUND', "Cannot find module 'memjs'\nRequire stack:\n- /app/x.js"],
  ])('a missing package (%s) is a MissingOptionalDependency naming it and what needs it', async (_f, code, message) => {
    const load = optionalDependency('memjs', 'The memcached cache engine', () => Promise.reject(notFound(code, message)), (m) => m);
    const err = await load().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MissingOptionalDependency);
    expect(err).toBeInstanceOf(ImproperlyConfigured);
    expect(err).toMatchObject({ packageName: 'memjs', neededBy: 'The memcached cache engine', message: 'The memcached cache engine needs the optional package "memjs", which is not installed: npm install memjs' });
  });

  it('a package that is there but cannot load (or a missing package of its own) is one ImproperlyConfigured line', async () => {
    const broken = optionalDependency('bcrypt', 'The bcrypt hashers', () => Promise.reject(new Error('Could not locate the bindings file.\n -> /x/bcrypt_lib.node')), (m) => m);
    await expect(broken()).rejects.toThrow(new ImproperlyConfigured('The bcrypt hashers could not load the package "bcrypt": Could not locate the bindings file.'));
    const inner = optionalDependency('bcrypt', 'The bcrypt hashers', () => Promise.reject(notFound('MODULE_NOT_FOUND', "Cannot find module 'node-addon-api'")), (m) => m);
    const err = await inner().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImproperlyConfigured);
    expect(err).not.toBeInstanceOf(MissingOptionalDependency);
  });

  it('tries again after a failure (installed later)', async () => {
    let installed = false;
    const load = optionalDependency('pkg', 'The thing', async () => {
      if (!installed) throw notFound('ERR_MODULE_NOT_FOUND', "Cannot find package 'pkg'");
      return { ok: true };
    }, (m) => m);
    await expect(load()).rejects.toBeInstanceOf(MissingOptionalDependency);
    installed = true;
    await expect(load()).resolves.toEqual({ ok: true });
  });

  it('a module without the expected exports is refused', async () => {
    const load = optionalDependency('pkg', 'The thing', async () => ({}), () => undefined);
    await expect(load()).rejects.toBeInstanceOf(MissingOptionalDependency);
  });
});
