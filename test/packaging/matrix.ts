/**
 * The install matrix: which versions a fresh application pins, per Nest line and TypeORM line.
 * Versions are exact (what `npm install --save-exact` writes), the newest of each line when the
 * matrix was last updated, so a run is reproducible and a new release is adopted on purpose.
 */

/** One node_modules tree: a Nest line with a TypeORM line; its CJS and ESM apps share it. */
export interface MatrixTree {
  name: string;
  nest: '11' | '12';
  typeorm: '0.3' | '1';
  /** Adds @nestjs/passport of the tree's Nest line, and a Passport route to its CJS app. */
  passport: boolean;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

export type ModuleKind = 'cjs' | 'esm';
export type Platform = 'express' | 'fastify';
export const MODULE_KINDS: readonly ModuleKind[] = ['cjs', 'esm'];
export const PLATFORMS: readonly Platform[] = ['express', 'fastify'];

const NEST: Record<MatrixTree['nest'], Record<string, string>> = {
  '11': { '@nestjs/common': '11.2.10', '@nestjs/core': '11.2.10', '@nestjs/platform-express': '11.2.10', '@nestjs/platform-fastify': '11.2.8', '@nestjs/typeorm': '11.0.3' },
  '12': { '@nestjs/common': '12.5.1', '@nestjs/core': '12.5.1', '@nestjs/platform-express': '12.5.1', '@nestjs/platform-fastify': '12.5.0', '@nestjs/typeorm': '12.0.2' },
};
// The test tooling of each line's starter (`nest new`): Nest 11 on TypeScript 5, Nest 12 on 6.
const NEST_DEV: Record<MatrixTree['nest'], Record<string, string>> = {
  '11': { '@nestjs/testing': '11.2.6', typescript: '5.9.3' },
  '12': { '@nestjs/testing': '12.1.1', typescript: '6.0.3' },
};
const TYPEORM: Record<MatrixTree['typeorm'], string> = { '0.3': '0.3.31', '1': '1.1.1' };
const PASSPORT_11 = { '@nestjs/passport': '11.0.5', passport: '0.7.0', 'passport-custom': '1.2.1' };
const COMMON = { 'better-sqlite3': '12.11.1', 'reflect-metadata': '0.2.2', rxjs: '7.8.2' };
const COMMON_DEV = { jest: '30.5.2', 'ts-jest': '29.4.15', '@types/jest': '30.0.0', '@types/node': '20.19.43' };

function tree(nest: MatrixTree['nest'], typeorm: MatrixTree['typeorm'], passport = false): MatrixTree {
  return {
    name: `nest${nest}-typeorm${typeorm.replace('.', '')}`,
    nest,
    typeorm,
    passport,
    dependencies: { ...NEST[nest], typeorm: TYPEORM[typeorm], ...COMMON, ...(passport ? PASSPORT_11 : {}) },
    devDependencies: { ...NEST_DEV[nest], ...COMMON_DEV },
  };
}

/**
 * Every Nest line with every TypeORM line (@nestjs/typeorm 11 and 12 both accept typeorm
 * "^0.3.0 || ^1.0.0-dev"). Passport goes into one Nest 11 tree only: the three others prove that
 * an app without @nestjs/passport installs and runs.
 */
export const MATRIX_TREES: readonly MatrixTree[] = [tree('11', '0.3', true), tree('11', '1'), tree('12', '0.3'), tree('12', '1')];

/**
 * A tree the peer ranges must refuse: Nest 10 is outside what the matrix proves, so npm must fail
 * its install with ERESOLVE (resolution only: `npm install --dry-run`).
 */
export const REFUSED_TREE: MatrixTree = {
  name: 'nest10-refused',
  nest: '11',
  typeorm: '0.3',
  passport: false,
  dependencies: { '@nestjs/common': '10.4.22', '@nestjs/core': '10.4.22', typeorm: TYPEORM['0.3'], ...COMMON },
  devDependencies: {},
};
