import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import type { DynamicModule } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { MercuriusDriver, type MercuriusDriverConfig } from '@nestjs/mercurius';

/**
 * GraphQL at /graphql, code-first: Apollo on Express, Mercurius on Fastify. Apollo's context
 * gets Express's req and res so the bridge can set the session cookie; Mercurius puts `reply`
 * in the context itself.
 */
export function sampleGraphQLModule(httpAdapter: 'express' | 'fastify'): DynamicModule {
  if (httpAdapter === 'fastify') return GraphQLModule.forRoot<MercuriusDriverConfig>({ driver: MercuriusDriver, autoSchemaFile: true, path: '/graphql' });
  return GraphQLModule.forRoot<ApolloDriverConfig>({ driver: ApolloDriver, autoSchemaFile: true, path: '/graphql', context: ({ req, res }: { req: object; res: object }) => ({ req, res }) });
}
