import { DJANGO_LINES } from './scripts/django-lines.mjs';

// Jest runs in native ESM mode (node --experimental-vm-modules) because NestJS 12 ships pure ESM
// packages; SWC strips types and keeps decorator metadata, which Nest's DI needs.
const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'es6' },
  sourceMaps: 'inline',
};

// DJANGO_LINE: the Django line every test that drives a real Django runs against (default 5.2).
const primary = process.env.DJANGO_LINE ?? '5.2';
if (!DJANGO_LINES.includes(primary)) throw new Error(`DJANGO_LINE must be one of ${DJANGO_LINES.join(', ')}, not "${primary}"`);
// DJANGO_INTEROP_LINES: more lines to run test/interop against, comma-separated ("all": every other
// line). The test command sets "all"; plain `npm run jest` runs the primary line only.
const requested = process.env.DJANGO_INTEROP_LINES ?? '';
const interopLines = requested === 'all' ? DJANGO_LINES.filter((l) => l !== primary) : requested.split(',').map((l) => l.trim()).filter(Boolean);
for (const line of interopLines) if (!DJANGO_LINES.includes(line)) throw new Error(`DJANGO_INTEROP_LINES: "${line}" is not one of ${DJANGO_LINES.join(', ')}`);

const base = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  moduleNameMapper: {
    '^@django-bridge/core$': '<rootDir>/libs/core/src/index.ts',
    '^@django-bridge/nest$': '<rootDir>/libs/nest/src/index.ts',
    // The published subpaths of @django-bridge/nest, each libs/nest/src/<name>/index.ts.
    '^@django-bridge/nest/(passport|terminus|swagger|testing)$': '<rootDir>/libs/nest/src/$1/index.ts',
    // Sources use NodeNext-style ".js" specifiers; point them at the .ts files.
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  // The line reaches each test file's process.env (and the Pythons it starts) through this file.
  setupFiles: ['<rootDir>/test/support/jest-django-line.ts'],
  setupFilesAfterEnv: ['<rootDir>/test/support/jest-require-esm.ts'],
};

// Specs that already run every line themselves belong to the primary project only.
const LINE_LOOPING = ['django-lines.interop.spec.ts', 'django-schema.interop.spec.ts'];

export default {
  testTimeout: 60000,
  projects: [
    {
      ...base,
      displayName: `django ${primary}`,
      globals: { __DJANGO_LINE__: primary },
      testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
    },
    ...interopLines.map((line) => ({
      ...base,
      displayName: `interop django ${line}`,
      globals: { __DJANGO_LINE__: line },
      testMatch: ['<rootDir>/test/interop/**/*.spec.ts'],
      testPathIgnorePatterns: LINE_LOOPING.map((f) => `/${f.replace(/\./g, '\\.')}$`),
    })),
  ],
};
