import { PasswordHashers } from '@django-bridge/core';
import { NestFactory } from '@nestjs/core';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { DjangoWebSocketAdapter } from '@django-bridge/nest';
import type { INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { AppModule } from './app.module.js';
import type { SampleConfig } from './config/sample.config.js';
import { seedDjangoDemo, seedLocalAdmin } from './database/demo-data.js';
import { ensureDjangoSchema } from './database/django-schema.js';
import { openSampleDatabases, type SampleDatabases } from './database/sample-databases.js';
import { SampleFastifyAdapter } from './fastify-adapter.js';

export interface SampleApp {
  app: INestApplication;
  databases: SampleDatabases;
  /** True when the Django database was empty and got the schema and demo accounts. */
  seededDjango: boolean;
  close(): Promise<void>;
}

export interface SampleAppOptions {
  logger?: LoggerService | LogLevel[] | false;
}

/**
 * Opens the databases, creates what is missing (Django's schema on an empty database, with demo
 * accounts only then; the app's own tables through its migrations) and builds the Nest app.
 */
export async function createSampleApp(config: SampleConfig, options: SampleAppOptions = {}): Promise<SampleApp> {
  const databases = await openSampleDatabases(config);
  try {
    const hashers = new PasswordHashers({ djangoVersion: config.djangoVersion, hashers: config.passwords.hashers, ...config.passwords.workFactors });
    const django = await ensureDjangoSchema(databases.django, { djangoVersion: config.djangoVersion });
    if (django.created) await seedDjangoDemo(databases.django, hashers);
    // The app's database keeps its own copy of Django's auth tables for the /admin exception.
    const local = await ensureDjangoSchema(databases.app, { djangoVersion: config.djangoVersion });
    if (local.created) await seedLocalAdmin(databases.app, hashers);
    await databases.app.runMigrations({ transaction: 'each' });
    const module = AppModule.register(config, databases);
    const nestOptions = { logger: options.logger ?? ['error', 'warn'] };
    const app = config.httpAdapter === 'fastify' ? await NestFactory.create(module, new SampleFastifyAdapter(), nestOptions) : await NestFactory.create(module, nestOptions);
    // socket.io behind Django's session and Origin checks (the handshake, then every 60 s).
    app.useWebSocketAdapter(new DjangoWebSocketAdapter(app, new IoAdapter(app)));
    app.enableShutdownHooks();
    // Tests and benchmarks of a cluster see which process answered; on the node server, so both platforms send it.
    if (config.workerHeader) (app.getHttpServer() as Server).prependListener('request', (_req: IncomingMessage, res: ServerResponse) => res.setHeader('X-Sample-Worker', String(process.pid)));
    return {
      app,
      databases,
      seededDjango: django.created,
      close: async () => {
        await app.close();
        await databases.close();
      },
    };
  } catch (err) {
    await databases.close();
    throw err;
  }
}
