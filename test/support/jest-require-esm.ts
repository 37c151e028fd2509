/**
 * Jest (before Node 24.9) cannot require() an ES module, which Node 20.19 itself does. The one
 * case here: mercurius requires @fastify/static, which requires the ESM-only content-disposition 3.
 * The module is imported as ESM and registered in Jest's CommonJS registry under its path, so
 * Mercurius (the sample on Fastify, the GraphQL tests) loads in tests as it does in production.
 */
import { jest } from '@jest/globals';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const contentDisposition = require.resolve('content-disposition', { paths: [dirname(require.resolve('@fastify/static'))] });
const esm: unknown = await import(pathToFileURL(contentDisposition).href);
// Through an alias: the SWC Jest transform hoists a literal `jest.mock(...)` above the import.
const registry = jest;
registry.mock(contentDisposition, () => esm);
