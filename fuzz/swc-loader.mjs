/**
 * Module hooks for register.mjs: "@django-bridge/core" resolves to libs/core/src/index.ts, ".js"
 * specifiers fall back to the ".ts" file beside them (NodeNext style), and ".ts" is compiled by SWC
 * with the options jest.config.js uses.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { transformSync } from '@swc/core';

const ROOT = new URL('../', import.meta.url);
const ALIASES = {
  '@django-bridge/core': new URL('libs/core/src/index.ts', ROOT).href,
};
const SWC = {
  jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, target: 'es2022' },
  module: { type: 'es6' },
  sourceMaps: 'inline',
};

export async function resolve(specifier, context, next) {
  if (ALIASES[specifier]) return { url: ALIASES[specifier], shortCircuit: true };
  if ((specifier.startsWith('.') || specifier.startsWith('file:')) && specifier.endsWith('.js') && context.parentURL) {
    const url = new URL(specifier, context.parentURL);
    if (!existsSync(fileURLToPath(url))) {
      const ts = new URL(url.href.replace(/\.js$/, '.ts'));
      if (existsSync(fileURLToPath(ts))) return { url: ts.href, shortCircuit: true };
    }
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (url.startsWith('file:') && url.endsWith('.ts')) {
    const filename = fileURLToPath(url);
    const { code } = transformSync(readFileSync(filename, 'utf8'), { ...SWC, filename });
    return { format: 'module', source: code, shortCircuit: true };
  }
  return next(url, context);
}

