/**
 * A small Nest app over the bridge that answers GraphQL, for end-to-end tests: Apollo on Express or
 * Mercurius on Fastify, with a code-first (autoSchemaFile) or schema-first (typeDefs) schema. Both
 * styles expose the same operations, backed by the same functions, so one test suite runs on all
 * four combinations.
 */
import 'reflect-metadata';
import { Module, UseGuards, type Type } from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Args, Context, Field, GraphQLModule, ID, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { MercuriusDriver, type MercuriusDriverConfig } from '@nestjs/mercurius';
import { DataSource, type Logger as TypeOrmLogger } from 'typeorm';
import {
  CurrentSession,
  CurrentUser,
  djangoEntities,
  DjangoAuthService,
  DjangoBridgeModule,
  DjangoCsrfGuard,
  DjangoCsrfService,
  DjangoNotAuthenticated,
  DjangoSessionGuard,
  DjangoSessionService,
  OptionalAuth,
  Public,
  RequireGroups,
  RequirePermissions,
  StaffOnly,
  SuperuserOnly,
  type DjangoBridgeOptions,
  type DjangoSession,
  type DjangoUser,
} from '@django-bridge/nest';
import type { DjangoConnection } from '../../django/django-project.js';
import { listenOnLoopback, type ListeningApp } from './listening-app.js';

export type GraphQLDriverName = 'apollo' | 'mercurius';
export type SchemaStyle = 'code-first' | 'schema-first';

/* ------------------------------------------------------------------------------------------------
 * What every resolver returns, whatever the schema style.
 * --------------------------------------------------------------------------------------------- */

interface UserView {
  id: string;
  username: string;
  isStaff: boolean;
  isSuperuser: boolean;
  groups: string[];
  permissions: string[];
  /** JSON.stringify(user): the tests assert the password hash is nowhere in it. */
  userJson: string;
}

async function userView(auth: DjangoAuthService, user: DjangoUser | null): Promise<UserView | null> {
  if (!user) return null;
  return {
    id: String(user.id),
    username: user.username,
    isStaff: user.isStaff,
    isSuperuser: user.isSuperuser,
    groups: [...(await auth.groupNames(user))].sort(),
    permissions: [...(await auth.allPermissions(user))].sort(),
    userJson: JSON.stringify(user),
  };
}

function sessionView(session: DjangoSession | undefined) {
  return { key: session?.key ?? null, keys: session ? session.keys().sort() : [] };
}

/** DjangoAuthService.login/logout with the request taken from the GraphQL context. */
async function loginWith(auth: DjangoAuthService, req: object, username: string, password: string): Promise<UserView | null> {
  const user = await auth.authenticate(username, password);
  if (!user) throw new DjangoNotAuthenticated('Invalid credentials');
  await auth.login(req, user);
  return userView(auth, user);
}

async function addToCart(sessions: DjangoSessionService, req: object, item: string): Promise<string[]> {
  const session = await sessions.load(req);
  session.set('cart', [...(session.get<string[]>('cart', []) ?? []), item]);
  return session.get<string[]>('cart')!;
}

/* ------------------------------------------------------------------------------------------------
 * Code-first: @ObjectType classes and resolvers with type functions.
 * --------------------------------------------------------------------------------------------- */

@ObjectType('User')
class UserType implements UserView {
  @Field(() => ID) id!: string;
  @Field() username!: string;
  @Field() isStaff!: boolean;
  @Field() isSuperuser!: boolean;
  @Field(() => [String]) groups!: string[];
  @Field(() => [String]) permissions!: string[];
  @Field() userJson!: string;
}

@ObjectType('SessionInfo')
class SessionInfoType {
  @Field(() => String, { nullable: true }) key!: string | null;
  @Field(() => [String]) keys!: string[];
}

/** Every query, plus the mutations; the class-level CSRF guard lets queries through and checks mutations. */
@Resolver()
@UseGuards(DjangoCsrfGuard)
class CodeFirstResolver {
  constructor(
    private readonly auth: DjangoAuthService,
    private readonly sessions: DjangoSessionService,
    private readonly csrf: DjangoCsrfService,
  ) {}

  @Query(() => UserType, { nullable: true })
  @UseGuards(DjangoSessionGuard)
  me(@CurrentUser() user: DjangoUser) {
    return userView(this.auth, user);
  }

  @Query(() => UserType, { nullable: true })
  @UseGuards(DjangoSessionGuard)
  @OptionalAuth()
  maybe(@CurrentUser() user: DjangoUser | null) {
    return userView(this.auth, user);
  }

  @Query(() => Boolean, { nullable: true })
  @UseGuards(DjangoSessionGuard)
  @RequirePermissions('notes.add_note')
  canAddNote() {
    return true;
  }

  @Query(() => Boolean, { nullable: true })
  @UseGuards(DjangoSessionGuard)
  @RequireGroups('secret-agents')
  agents() {
    return true;
  }

  @Query(() => Boolean, { nullable: true })
  @UseGuards(DjangoSessionGuard)
  @StaffOnly()
  staff() {
    return true;
  }

  @Query(() => Boolean, { nullable: true })
  @UseGuards(DjangoSessionGuard)
  @SuperuserOnly()
  superuser() {
    return true;
  }

  @Query(() => SessionInfoType, { nullable: true })
  sessionKeys(@CurrentSession() session: DjangoSession | undefined) {
    return sessionView(session);
  }

  @Query(() => String, { nullable: true })
  @Public()
  csrfToken(@Context('req') req: object) {
    return this.csrf.getToken(req);
  }

  @Mutation(() => UserType, { nullable: true })
  @Public()
  login(@Args('username') username: string, @Args('password') password: string, @Context('req') req: object) {
    return loginWith(this.auth, req, username, password);
  }

  @Mutation(() => Boolean, { nullable: true })
  async logout(@Context('req') req: object) {
    await this.auth.logout(req);
    return true;
  }

  @Mutation(() => [String], { nullable: true })
  @UseGuards(DjangoSessionGuard)
  addToCart(@Args('item') item: string, @Context('req') req: object) {
    return addToCart(this.sessions, req, item);
  }
}

/** Only in the app with DjangoSessionGuard as APP_GUARD: `secret` has no decorator at all. */
@Resolver()
class CodeFirstGlobalResolver {
  @Query(() => String, { nullable: true })
  @Public()
  ping() {
    return 'pong';
  }

  @Query(() => String, { nullable: true })
  secret(@CurrentUser('username') username: string) {
    return `secret of ${username}`;
  }
}

/* ------------------------------------------------------------------------------------------------
 * Schema-first: a typeDefs string and resolvers bound by field name.
 * --------------------------------------------------------------------------------------------- */

function typeDefs(globalGuard: boolean): string {
  return `
    type User { id: ID! username: String! isStaff: Boolean! isSuperuser: Boolean! groups: [String!]! permissions: [String!]! userJson: String! }
    type SessionInfo { key: String keys: [String!]! }
    type Query {
      me: User
      maybe: User
      canAddNote: Boolean
      agents: Boolean
      staff: Boolean
      superuser: Boolean
      sessionKeys: SessionInfo
      csrfToken: String
      ${globalGuard ? 'ping: String\n      secret: String' : ''}
    }
    type Mutation {
      login(username: String!, password: String!): User
      logout: Boolean
      addToCart(item: String!): [String!]
    }
  `;
}

@Resolver('Query')
@UseGuards(DjangoCsrfGuard)
class SchemaFirstQueryResolver {
  constructor(
    private readonly auth: DjangoAuthService,
    private readonly csrf: DjangoCsrfService,
  ) {}

  @Query('me')
  @UseGuards(DjangoSessionGuard)
  me(@CurrentUser() user: DjangoUser) {
    return userView(this.auth, user);
  }

  @Query('maybe')
  @UseGuards(DjangoSessionGuard)
  @OptionalAuth()
  maybe(@CurrentUser() user: DjangoUser | null) {
    return userView(this.auth, user);
  }

  @Query('canAddNote')
  @UseGuards(DjangoSessionGuard)
  @RequirePermissions('notes.add_note')
  canAddNote() {
    return true;
  }

  @Query('agents')
  @UseGuards(DjangoSessionGuard)
  @RequireGroups('secret-agents')
  agents() {
    return true;
  }

  @Query('staff')
  @UseGuards(DjangoSessionGuard)
  @StaffOnly()
  staff() {
    return true;
  }

  @Query('superuser')
  @UseGuards(DjangoSessionGuard)
  @SuperuserOnly()
  superuser() {
    return true;
  }

  @Query('sessionKeys')
  sessionKeys(@CurrentSession() session: DjangoSession | undefined) {
    return sessionView(session);
  }

  @Query('csrfToken')
  @Public()
  csrfToken(@Context('req') req: object) {
    return this.csrf.getToken(req);
  }
}

@Resolver('Mutation')
@UseGuards(DjangoCsrfGuard)
class SchemaFirstMutationResolver {
  constructor(
    private readonly auth: DjangoAuthService,
    private readonly sessions: DjangoSessionService,
  ) {}

  @Mutation('login')
  @Public()
  login(@Args('username') username: string, @Args('password') password: string, @Context('req') req: object) {
    return loginWith(this.auth, req, username, password);
  }

  @Mutation('logout')
  async logout(@Context('req') req: object) {
    await this.auth.logout(req);
    return true;
  }

  @Mutation('addToCart')
  @UseGuards(DjangoSessionGuard)
  addToCart(@Args('item') item: string, @Context('req') req: object) {
    return addToCart(this.sessions, req, item);
  }
}

@Resolver('Query')
class SchemaFirstGlobalResolver {
  @Query('ping')
  @Public()
  ping() {
    return 'pong';
  }

  @Query('secret')
  secret(@CurrentUser('username') username: string) {
    return `secret of ${username}`;
  }
}

/* ------------------------------------------------------------------------------------------------
 * Starting the app.
 * --------------------------------------------------------------------------------------------- */

export interface GraphQLAppOptions {
  driver: GraphQLDriverName;
  style: SchemaStyle;
  /** Install DjangoSessionGuard as APP_GUARD and add `ping` (@Public) and `secret` (undecorated). */
  globalGuard?: boolean;
  /** Apollo only: no `context` option, so the driver's default `{ req }` (the response is then Express's req.res). */
  defaultContext?: boolean;
  /** A context function whose `req` is not a request (no headers): the bridge must refuse, never allow. */
  contextWithoutRequest?: boolean;
  /** Apollo only: includeStacktraceInErrorResponses, as a development server has it (default true). */
  includeStacktrace?: boolean;
  bridge: Omit<DjangoBridgeOptions, 'dataSource'>;
}

export interface GraphQLTestApp extends ListeningApp {
  /** Every SQL statement TypeORM ran since the last reset (for counting lookups). */
  queries: string[];
}

/** Records SQL statements; says nothing. */
class RecordingLogger implements TypeOrmLogger {
  constructor(private readonly into: string[]) {}
  logQuery(query: string): void {
    this.into.push(query);
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

async function graphQLModule(o: GraphQLAppOptions) {
  const schema = o.style === 'code-first' ? { autoSchemaFile: true as const, sortSchema: true } : { typeDefs: typeDefs(!!o.globalGuard) };
  if (o.driver === 'apollo') {
    return GraphQLModule.forRoot<ApolloDriverConfig>({
      driver: ApolloDriver,
      ...schema,
      graphiql: false,
      includeStacktraceInErrorResponses: o.includeStacktrace ?? true,
      ...(o.contextWithoutRequest ? { context: () => ({ req: { note: 'not a request' } }) } : o.defaultContext ? {} : { context: ({ req, res }: { req: object; res: object }) => ({ req, res }) }),
    });
  }
  // Mercurius' default context: { app, reply } plus Nest's `req`.
  return GraphQLModule.forRoot<MercuriusDriverConfig>({ driver: MercuriusDriver, ...schema, graphiql: false, ...(o.contextWithoutRequest ? { context: () => ({ req: { note: 'not a request' } }) } : {}) });
}

function resolvers(o: GraphQLAppOptions): Type[] {
  if (o.style === 'code-first') return o.globalGuard ? [CodeFirstResolver, CodeFirstGlobalResolver] : [CodeFirstResolver];
  return o.globalGuard ? [SchemaFirstQueryResolver, SchemaFirstMutationResolver, SchemaFirstGlobalResolver] : [SchemaFirstQueryResolver, SchemaFirstMutationResolver];
}

export async function startGraphQLApp(connection: DjangoConnection, o: GraphQLAppOptions): Promise<GraphQLTestApp> {
  const queries: string[] = [];
  const dataSource = new DataSource({ ...connection, synchronize: false, logging: true, logger: new RecordingLogger(queries), entities: djangoEntities() } as never);
  await dataSource.initialize();

  @Module({
    imports: [DjangoBridgeModule.forRoot({ ...o.bridge, dataSource }), await graphQLModule(o)],
    providers: [...resolvers(o), ...(o.globalGuard ? [{ provide: APP_GUARD, useExisting: DjangoSessionGuard }] : [])],
  })
  class GraphQLTestModule {}

  // Proxies are trusted so that the tests can make a request "secure" with X-Forwarded-Proto.
  const adapter = o.driver === 'apollo' ? new ExpressAdapter() : new FastifyAdapter({ trustProxy: true });
  const app = await NestFactory.create(GraphQLTestModule, adapter, { logger: false });
  if (o.driver === 'apollo') (app as NestExpressApplication).set('trust proxy', true);
  return { ...(await listenOnLoopback(app, dataSource)), queries };
}
