import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { WsAdapter } from '@nestjs/platform-ws'; // ecosystem-only
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger'; // ecosystem-only
import { DjangoWebSocketAdapter } from '@django-bridge/nest'; // ecosystem-only
import { addDjangoSessionAuth } from '@django-bridge/nest/swagger'; // ecosystem-only
import { AppModule } from './app.module{{ext}}';

// `node dist/main.js express|fastify`: the HTTP platform, then one line with the URL once listening
// (after one with the OpenAPI security schemes, in an app with the ecosystem pieces).
async function bootstrap(): Promise<void> {
  const platform = process.argv[2] ?? 'express';
  const logger = ['error', 'warn'] as ('error' | 'warn')[];
  const app = platform === 'fastify' ? await NestFactory.create(AppModule, new FastifyAdapter(), { logger }) : await NestFactory.create(AppModule, { logger });
  app.useWebSocketAdapter(new DjangoWebSocketAdapter(app, new WsAdapter(app))); // ecosystem-only
  const openapi = SwaggerModule.createDocument(app, addDjangoSessionAuth(new DocumentBuilder().setTitle('matrix'), app).build()); // ecosystem-only
  console.log(`openapi ${JSON.stringify(openapi.components?.securitySchemes ?? {})}`); // ecosystem-only
  await app.listen(0, '127.0.0.1');
  console.log(`listening ${platform} ${await app.getUrl()}`);
}

bootstrap().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
