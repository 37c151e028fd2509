/**
 * The install matrix: which versions each fresh application pins. Versions are exact (what
 * `npm install --save-exact` writes), so a run is reproducible and a new release is adopted on
 * purpose. Between them the trees install the floor of every peer range @django-bridge/nest and
 * @django-bridge/core declare, the newest release of each Nest and TypeORM line, and every
 * major of every range at least once: the ranges in libs/*\/package.json say exactly this.
 */

/** One node_modules tree; its CJS and ESM apps share it. */
export interface MatrixTree {
  name: string;
  nest: '11' | '12';
  typeorm: '0.3' | '1';
  /** Adds @nestjs/passport of the tree's Nest line, and a Passport route to its CJS app. */
  passport: boolean;
  /** Adds @nestjs/terminus, @nestjs/swagger, @nestjs/websockets, @nestjs/platform-ws, argon2, bcrypt and jose, used by both apps. */
  ecosystem: boolean;
  /** Adds mysql2 and pg: the CJS app also runs over MariaDB and PostgreSQL (Django's tables made there by Django). */
  drivers: boolean;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

export type ModuleKind = 'cjs' | 'esm';
export type Platform = 'express' | 'fastify';
export const MODULE_KINDS: readonly ModuleKind[] = ['cjs', 'esm'];
export const PLATFORMS: readonly Platform[] = ['express', 'fastify'];

/** The versions one tree pins, per concern. */
interface Pins {
  nest: Record<string, string>;
  nestDev: Record<string, string>;
  typeorm: string;
  sqlite: string;
  common: Record<string, string>;
  passport: Record<string, string>;
  ecosystem: Record<string, string>;
  drivers: Record<string, string>;
}

// The test tooling of each line's starter (`nest new`): Nest 11 on TypeScript 5, Nest 12 on 6.
const DEV_11 = { '@nestjs/testing': '11.2.6', typescript: '5.9.3' };
const DEV_12 = { '@nestjs/testing': '12.1.1', typescript: '6.0.3' };
const COMMON_DEV = { jest: '30.5.2', 'ts-jest': '29.4.15', '@types/jest': '30.0.0', '@types/node': '20.19.43' };
const COMMON = { 'reflect-metadata': '0.2.2', rxjs: '7.8.2' };

const NEWEST_11: Pins = {
  nest: { '@nestjs/common': '11.2.10', '@nestjs/core': '11.2.10', '@nestjs/platform-express': '11.2.10', '@nestjs/platform-fastify': '11.2.8', '@nestjs/typeorm': '11.0.3' },
  nestDev: DEV_11,
  typeorm: '0.3.31',
  sqlite: '10.1.0',
  common: COMMON,
  passport: { '@nestjs/passport': '11.0.5', passport: '0.7.0', 'passport-custom': '1.2.1' },
  ecosystem: { '@nestjs/terminus': '11.1.1', '@nestjs/swagger': '11.4.7', '@nestjs/websockets': '11.2.6', '@nestjs/platform-ws': '11.2.6', argon2: '0.45.1', bcrypt: '6.0.0', jose: '6.2.19' },
  drivers: { mysql2: '3.24.6', pg: '8.23.1' },
};
const NEWEST_12: Pins = {
  nest: { '@nestjs/common': '12.5.1', '@nestjs/core': '12.5.1', '@nestjs/platform-express': '12.5.1', '@nestjs/platform-fastify': '12.5.0', '@nestjs/typeorm': '12.0.2' },
  nestDev: DEV_12,
  typeorm: '1.1.1',
  sqlite: '12.11.1',
  common: COMMON,
  passport: { '@nestjs/passport': '12.0.0', passport: '0.7.0', 'passport-custom': '1.2.1' },
  ecosystem: { '@nestjs/terminus': '12.1.0', '@nestjs/swagger': '12.0.2', '@nestjs/websockets': '12.1.1', '@nestjs/platform-ws': '12.1.1', argon2: '0.45.1', bcrypt: '6.0.0', jose: '6.2.19' },
  drivers: { mysql2: '3.24.6', pg: '8.23.1' },
};
/**
 * The oldest releases the peer ranges admit. Nest 11.0.0 is below them: the first @nestjs/swagger
 * that installs strictly on Nest 11, 11.0.1, needs @nestjs/common ^11.0.1 (11.0.0 pulls in
 * @nestjs/mapped-types 2.0.6, whose peers stop at Nest 10). bcrypt 5.0.0 hashes strings only; the
 * bridge hands it bytes (a password's NUL counts, as in pyca/bcrypt 4), which 5.0.1 takes.
 * Nest 12's floor is 12.0.1: @nestjs/platform-express 12.0.0
 * declares Nest 11 peers, so no strict install of 12.0.0 exists. @nestjs/passport 11.0.2 is the
 * first that accepts Nest 11; TypeORM 0.3.20 takes better-sqlite3 up to 9 only, TypeORM 1 needs 12.
 * The platforms and @nestjs/typeorm are the application's own choice, not the bridge's peers: each
 * is the first release that installs with the floor (@nestjs/platform-fastify 11.0.1 still
 * declares Nest 10 peers; @nestjs/typeorm 12.0.0 has no `require` entry, so a CommonJS app cannot
 * load it).
 */
const FLOOR_11: Pins = {
  nest: { '@nestjs/common': '11.0.1', '@nestjs/core': '11.0.1', '@nestjs/platform-express': '11.0.1', '@nestjs/platform-fastify': '11.0.3', '@nestjs/typeorm': '11.0.0' },
  nestDev: { '@nestjs/testing': '11.0.1', typescript: '5.9.3' },
  typeorm: '0.3.20',
  sqlite: '9.0.0',
  common: { 'reflect-metadata': '0.2.0', rxjs: '7.2.0' },
  passport: { '@nestjs/passport': '11.0.2', passport: '0.6.0', 'passport-custom': '1.1.0' },
  ecosystem: { '@nestjs/terminus': '11.0.0', '@nestjs/swagger': '11.0.1', '@nestjs/websockets': '11.0.0', '@nestjs/platform-ws': '11.0.5', argon2: '0.40.1', bcrypt: '5.0.1', jose: '5.10.0' },
  // TypeORM 0.3.20 takes mysql2 ^3.0.1 and pg ^8.5.1.
  drivers: { mysql2: '3.0.1', pg: '8.5.1' },
};
const FLOOR_12: Pins = {
  nest: { '@nestjs/common': '12.0.1', '@nestjs/core': '12.0.1', '@nestjs/platform-express': '12.0.1', '@nestjs/platform-fastify': '12.0.1', '@nestjs/typeorm': '12.0.2' },
  nestDev: { '@nestjs/testing': '12.0.1', typescript: '6.0.3' },
  typeorm: '1.0.0',
  sqlite: '12.0.0',
  common: { 'reflect-metadata': '0.2.0', rxjs: '7.2.0' },
  passport: { '@nestjs/passport': '12.0.0', passport: '0.6.0', 'passport-custom': '1.1.0' },
  ecosystem: { '@nestjs/terminus': '12.0.0', '@nestjs/swagger': '12.0.0', '@nestjs/websockets': '12.0.1', '@nestjs/platform-ws': '12.0.1', argon2: '0.40.1', bcrypt: '5.0.1', jose: '5.10.0' },
  // TypeORM 1 takes mysql2 ^3.15.3.
  drivers: { mysql2: '3.15.3', pg: '8.5.1' },
};

function tree(name: string, nest: MatrixTree['nest'], typeorm: MatrixTree['typeorm'], pins: Pins, extras: { passport?: boolean; ecosystem?: boolean; drivers?: boolean; sqlite?: string } = {}): MatrixTree {
  const passport = extras.passport ?? false;
  const ecosystem = extras.ecosystem ?? false;
  const drivers = extras.drivers ?? false;
  return {
    name,
    nest,
    typeorm,
    passport,
    ecosystem,
    drivers,
    dependencies: {
      ...pins.nest,
      typeorm: pins.typeorm,
      'better-sqlite3': extras.sqlite ?? pins.sqlite,
      ...pins.common,
      ...(passport ? pins.passport : {}),
      ...(ecosystem ? pins.ecosystem : {}),
      ...(drivers ? pins.drivers : {}),
    },
    devDependencies: { ...pins.nestDev, ...COMMON_DEV },
  };
}

/**
 * Every Nest line with every TypeORM line (@nestjs/typeorm 11 and 12 both accept typeorm
 * "^0.3.0 || ^1.0.0-dev"), on the newest releases, plus each Nest line's floor. better-sqlite3
 * 9 and 12.0 come with the floors, 10 and 11 with the TypeORM 0.3 trees; mysql2 and pg at their
 * floors and newest with the floors and the newest Nest 12 tree. Two trees have neither
 * Passport nor the ecosystem packages: they prove an app without those optional peers installs
 * and runs, and that nothing pulls @nestjs/passport in.
 */
export const MATRIX_TREES: readonly MatrixTree[] = [
  tree('nest11-floor', '11', '0.3', FLOOR_11, { passport: true, ecosystem: true, drivers: true }),
  tree('nest11-typeorm03', '11', '0.3', NEWEST_11, { passport: true, ecosystem: true }),
  tree('nest11-typeorm1', '11', '1', { ...NEWEST_11, typeorm: NEWEST_12.typeorm }, { sqlite: '12.11.1' }),
  tree('nest12-typeorm03', '12', '0.3', { ...NEWEST_12, typeorm: NEWEST_11.typeorm }, { sqlite: '11.10.0' }),
  tree('nest12-typeorm1', '12', '1', NEWEST_12, { passport: true, ecosystem: true, drivers: true }),
  tree('nest12-floor', '12', '1', FLOOR_12, { passport: true, ecosystem: true, drivers: true }),
];

/**
 * A tree the peer ranges must refuse: Nest 10 is outside what the matrix proves, so npm must fail
 * its install with ERESOLVE (resolution only: `npm install --dry-run`).
 */
export const REFUSED_TREE: MatrixTree = {
  name: 'nest10-refused',
  nest: '11',
  typeorm: '0.3',
  passport: false,
  ecosystem: false,
  drivers: false,
  dependencies: { '@nestjs/common': '10.4.22', '@nestjs/core': '10.4.22', typeorm: NEWEST_11.typeorm, 'better-sqlite3': '12.11.1', ...COMMON },
  devDependencies: {},
};

/** DJANGO_BRIDGE_MATRIX_TREES=name,name runs only those trees (for working on one). */
export function selectedTrees(): readonly MatrixTree[] {
  const wanted = process.env.DJANGO_BRIDGE_MATRIX_TREES?.split(',').filter(Boolean);
  if (!wanted?.length) return MATRIX_TREES;
  const unknown = wanted.filter((name) => !MATRIX_TREES.some((t) => t.name === name));
  if (unknown.length) throw new Error(`DJANGO_BRIDGE_MATRIX_TREES names no tree: ${unknown.join(', ')}`);
  return MATRIX_TREES.filter((t) => wanted.includes(t.name));
}
