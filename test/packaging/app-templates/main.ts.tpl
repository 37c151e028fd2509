import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { AppModule } from './app.module{{ext}}';

// `node dist/main.js express|fastify`: the HTTP platform, then one line with the URL once listening.
async function bootstrap(): Promise<void> {
  const platform = process.argv[2] ?? 'express';
  const logger = ['error', 'warn'] as ('error' | 'warn')[];
  const app = platform === 'fastify' ? await NestFactory.create(AppModule, new FastifyAdapter(), { logger }) : await NestFactory.create(AppModule, { logger });
  await app.listen(0, '127.0.0.1');
  console.log(`listening ${platform} ${await app.getUrl()}`);
}

bootstrap().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
