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

export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  moduleNameMapper: {
    '^@django-bridge/core$': '<rootDir>/libs/core/src/index.ts',
    '^@django-bridge/nest$': '<rootDir>/libs/nest/src/index.ts',
    // Sources use NodeNext-style ".js" specifiers; point them at the .ts files.
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  setupFilesAfterEnv: ['<rootDir>/test/support/jest-require-esm.ts'],
  testTimeout: 60000,
};
