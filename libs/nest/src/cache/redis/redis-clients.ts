import { optionalDependency } from '@django-bridge/core';
import type { ClusterOptions, RedisOptions } from 'ioredis';
import type { ConnectionOptions } from 'node:tls';
import type { RedisCacheOptionsInput } from './redis-cache-options.js';
import { RedisConnection } from './redis-connection.js';
import type { RedisEndpoint, RedisTopology } from './redis-location.js';

type Ioredis = typeof import('ioredis');
/** ioredis is an optional peer: loaded on a Redis cache's first command, never without a Redis cache. */
const loadIoredis = optionalDependency('ioredis', 'The Redis cache engine (RedisCache, django-redis)', () => import('ioredis'),
  (mod) => ((mod as unknown as Partial<Ioredis>).Cluster ? (mod as unknown as Ioredis) : (mod as unknown as { default?: Ioredis }).default));

export interface RedisBounds {
  connectTimeout: number;
  commandTimeout: number;
}

/**
 * What every ioredis client of the bridge shares: connect only when asked (on the first command),
 * no offline queue (a command before the connection is ready is refused, never parked), no
 * reconnection loop (RedisConnection opens a new client on the next command), no resending.
 */
function baseOptions(bounds: RedisBounds): RedisOptions {
  return {
    lazyConnect: true,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    enableReadyCheck: true,
    connectTimeout: bounds.connectTimeout,
    commandTimeout: bounds.commandTimeout,
  };
}

function tlsFor(enabled: boolean, options: RedisCacheOptionsInput, skipVerify = false): ConnectionOptions | undefined {
  if (!enabled) return undefined;
  const tls: ConnectionOptions = { ...(options.tls ?? {}) };
  if (skipVerify) tls.rejectUnauthorized = false;
  return tls;
}

function serverConnection(endpoint: RedisEndpoint, options: RedisCacheOptionsInput, bounds: RedisBounds): RedisConnection {
  const redisOptions: RedisOptions = {
    ...baseOptions(bounds),
    ...(endpoint.path ? { path: endpoint.path } : { host: endpoint.host, port: endpoint.port }),
    // The URL's credentials and db win over OPTIONS, as in redis-py's from_url.
    username: endpoint.username ?? options.username,
    password: endpoint.password ?? options.password,
    db: endpoint.db ?? options.db ?? 0,
    tls: tlsFor(endpoint.tls, options, endpoint.skipVerify),
  };
  return new RedisConnection({ label: endpoint.label, createClient: async () => new (await loadIoredis()).Redis(redisOptions), ...bounds });
}

/** The connections of a topology: one per server, or one for a Sentinel master or a Cluster. */
export function redisConnections(topology: RedisTopology, options: RedisCacheOptionsInput, bounds: RedisBounds): RedisConnection[] {
  switch (topology.kind) {
    case 'servers':
      return topology.servers.map((endpoint) => serverConnection(endpoint, options, bounds));
    case 'sentinel': {
      const tls = tlsFor(topology.tls, options);
      const redisOptions: RedisOptions = {
        ...baseOptions(bounds),
        sentinels: topology.sentinels,
        name: topology.masterName,
        role: 'master',
        username: topology.username ?? options.username,
        password: topology.password ?? options.password,
        db: topology.db ?? options.db ?? 0,
        sentinelUsername: options.sentinelUsername,
        sentinelPassword: options.sentinelPassword,
        // One pass over the Sentinels per connection attempt, each asked within commandTimeout.
        sentinelRetryStrategy: () => null,
        sentinelCommandTimeout: bounds.commandTimeout,
        ...(tls ? { tls, sentinelTLS: tls, enableTLSForSentinelMode: true } : {}),
      };
      return [new RedisConnection({ label: topology.label, createClient: async () => new (await loadIoredis()).Redis(redisOptions), ...bounds })];
    }
    case 'cluster': {
      const seed = topology.seeds[0];
      const nodeOptions = baseOptions(bounds);
      delete nodeOptions.retryStrategy;
      delete nodeOptions.enableOfflineQueue;
      const clusterOptions: ClusterOptions = {
        lazyConnect: true,
        enableOfflineQueue: false,
        enableReadyCheck: true,
        clusterRetryStrategy: () => null,
        slotsRefreshTimeout: bounds.commandTimeout,
        redisOptions: {
          ...nodeOptions,
          username: seed.username ?? options.username,
          password: seed.password ?? options.password,
          tls: tlsFor(seed.tls, options, seed.skipVerify),
        },
      };
      const label = `the Cluster of ${topology.seeds.map((s) => `${s.host}:${s.port}`).join(', ')}`;
      return [new RedisConnection({ label, createClient: async () => new (await loadIoredis()).Cluster(topology.seeds.map((s) => ({ host: s.host!, port: s.port! })), clusterOptions), ...bounds })];
    }
  }
}
