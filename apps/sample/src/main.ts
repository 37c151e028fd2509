import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';

function port(): number {
  const raw = process.env.PORT ?? '3000';
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    console.error(`PORT must be a port number (0-65535), got "${raw}"`);
    process.exit(1);
  }
  return value;
}

async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  app.enableShutdownHooks();
  await app.listen(port(), '127.0.0.1');
  console.log(`django-bridge sample listening on ${await app.getUrl()}`);
}

void bootstrap();
