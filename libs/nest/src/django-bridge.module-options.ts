import { ImproperlyConfigured } from '@django-bridge/core';
import type { InjectionToken, ModuleMetadata, OptionalFactoryDependency, Provider, Type } from '@nestjs/common';
import type { DjangoBridgeOptions } from './django-bridge.options.js';

/**
 * The app-wide pieces DjangoBridgeModule installs unless told otherwise:
 * - `interceptor`: DjangoSessionInterceptor as APP_INTERCEPTOR (Django's SessionMiddleware: gives each
 *   HTTP handler or resolver its session, read on first use, and saves it, with its cookie, after);
 * - `filter`: DjangoBridgeExceptionFilter as APP_FILTER (the bridge's 401/403/400/503 answers);
 * - `middleware`: DatabaseHintsMiddleware on every route (request hints for the database routers).
 */
export interface DjangoBridgeGlobals {
  interceptor: boolean;
  filter: boolean;
  middleware: boolean;
}

/** What shapes the module itself rather than the bridge: known before any options factory runs. */
export interface DjangoBridgeModuleExtras {
  /** Register the module globally (default true), like ConfigModule's isGlobal. */
  isGlobal?: boolean;
  /**
   * Which global enhancers to install (default true: all three). `false` installs none, or pick with
   * `{ interceptor, filter, middleware }` (each default true); then apply the ones left out yourself.
   */
  registerGlobals?: boolean | Partial<DjangoBridgeGlobals>;
  /** More providers for the module, e.g. what a `useClass` options factory injects. */
  extraProviders?: Provider[];
}

/** `forRoot`: the bridge's options and the module's extras in one object. */
export type DjangoBridgeModuleOptions = DjangoBridgeOptions & DjangoBridgeModuleExtras;

/** A class that makes the options, for `forRootAsync({ useClass })` or `({ useExisting })`. */
export interface DjangoBridgeOptionsFactory {
  createDjangoBridgeOptions(): DjangoBridgeOptions | Promise<DjangoBridgeOptions>;
}

/** `forRootAsync`: exactly one of useFactory, useClass or useExisting, as Nest's own modules take. */
export interface DjangoBridgeAsyncOptions extends DjangoBridgeModuleExtras, Pick<ModuleMetadata, 'imports'> {
  useFactory?: (...args: any[]) => DjangoBridgeOptions | Promise<DjangoBridgeOptions>;
  /** What useFactory receives, in order. */
  inject?: (InjectionToken | OptionalFactoryDependency)[];
  /** A DjangoBridgeOptionsFactory that the module instantiates (its dependencies come from imports/extraProviders). */
  useClass?: Type<DjangoBridgeOptionsFactory>;
  /** A DjangoBridgeOptionsFactory already provided by an imported module (or extraProviders). */
  useExisting?: Type<DjangoBridgeOptionsFactory>;
}

function fail(problem: string): never {
  throw new ImproperlyConfigured(`DjangoBridgeModule ${problem}`);
}

/** The enhancers to install; anything but a boolean or an object of booleans is a configuration error. */
export function resolveGlobals(given: DjangoBridgeModuleExtras['registerGlobals']): DjangoBridgeGlobals {
  if (given === undefined || given === true) return { interceptor: true, filter: true, middleware: true };
  if (given === false) return { interceptor: false, filter: false, middleware: false };
  if (!given || typeof given !== 'object') fail('option "registerGlobals" must be a boolean or { interceptor, filter, middleware }');
  const known = ['interceptor', 'filter', 'middleware'];
  for (const [key, value] of Object.entries(given)) {
    if (!known.includes(key)) fail(`option "registerGlobals.${key}" is not one of ${known.join(', ')}`);
    if (value !== undefined && typeof value !== 'boolean') fail(`option "registerGlobals.${key}" must be a boolean`);
  }
  return { interceptor: given.interceptor ?? true, filter: given.filter ?? true, middleware: given.middleware ?? true };
}

/** Refuses async options that Nest would otherwise turn into an obscure "cannot resolve undefined". */
export function checkAsyncOptions(options: DjangoBridgeAsyncOptions): void {
  if (!options || typeof options !== 'object') fail('forRootAsync needs an object with useFactory, useClass or useExisting');
  const given = (['useFactory', 'useClass', 'useExisting'] as const).filter((k) => options[k] !== undefined);
  if (given.length !== 1) fail(`forRootAsync needs exactly one of useFactory, useClass or useExisting${given.length ? ` (got ${given.join(' and ')})` : ''}`);
  if (options.useFactory !== undefined && typeof options.useFactory !== 'function') fail('forRootAsync: useFactory must be a function');
  for (const key of ['useClass', 'useExisting'] as const) {
    if (options[key] !== undefined && typeof options[key] !== 'function') fail(`forRootAsync: ${key} must be a class implementing DjangoBridgeOptionsFactory`);
  }
  if (options.inject !== undefined && !Array.isArray(options.inject)) fail('forRootAsync: inject must be a list of tokens');
  if (options.extraProviders !== undefined && !Array.isArray(options.extraProviders)) fail('option "extraProviders" must be a list of providers');
}
