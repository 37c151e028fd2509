/**
 * The server half of bench/hashing-storm.mjs: the bridge over in-memory stores (no database, so
 * only hashing and the HTTP stack compete for the CPU), with POST /login (authenticate + login) and
 * an unguarded GET /health. Run under the SWC loader (fuzz/register.mjs) straight from the sources.
 * HASH_CONCURRENCY=0 means unbounded (every login hashes at once, the behaviour before the limiter).
 * Prints "ready <port> <single-hash-ms> <parallel hashes/s>" once listening.
 */
import 'reflect-metadata';
import { Body, Controller, Get, HttpCode, Module, Post, Req, UnauthorizedException } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { makePassword, MemorySessionBackend, PasswordHashers } from '@django-bridge/core';
import { DjangoAuthService } from '../libs/nest/src/auth/django-auth.service.js';
import { DjangoBridgeModule } from '../libs/nest/src/django-bridge.module.js';
import { Public } from '../libs/nest/src/decorators/auth.decorators.js';
import { MemoryUserStore } from '../libs/nest/src/users/memory-user.store.js';

const iterations = Number(process.env.HASH_ITERATIONS ?? 260_000);
const concurrency = Number(process.env.HASH_CONCURRENCY ?? 0);
const hashers = new PasswordHashers({ djangoVersion: '3.2', iterations });

@Controller()
class StormController {
  constructor(private readonly auth: DjangoAuthService) {}

  @Post('login')
  @HttpCode(200)
  async login(@Req() req: object, @Body() body: { username?: unknown; password?: unknown }) {
    const user = await this.auth.authenticate(body?.username, body?.password);
    if (!user) throw new UnauthorizedException();
    await this.auth.login(req, user);
    return { id: user.id };
  }

  @Get('health')
  @Public()
  health() {
    return { ok: true };
  }
}

// The single-hash time, measured alone before any load: the ceiling is cores / this.
const warm = await makePassword('warm-up', { hashers });
void warm;
const samples: number[] = [];
for (let i = 0; i < 7; i++) {
  const started = performance.now();
  await makePassword('pw', { hashers });
  samples.push(performance.now() - started);
}
samples.sort((a, b) => a - b);
// What the machine gives right now with one hash per core back to back (it is shared, so this can be
// well under cores / single-hash time): the storm's logins/s is also compared with this.
const cores = Number(process.env.HASH_CORES ?? 2);
let parallelHashes = 0;
const until = performance.now() + 2000;
await Promise.all(Array.from({ length: cores }, async () => {
  while (performance.now() < until) {
    await makePassword('pw', { hashers });
    parallelHashes++;
  }
}));
const parallelRate = parallelHashes / 2;

const users = new MemoryUserStore({ hashers });
await users.addUser({ username: 'alice', encodedPassword: await makePassword('alice-pw', { hashers }) });

@Module({
  imports: [
    DjangoBridgeModule.forRoot({
      secretKey: 'bench-secret-key-bench-secret-key-bench-secret-key',
      djangoVersion: '3.2',
      sessionEngine: new MemorySessionBackend(),
      userStore: users,
      passwordWorkFactors: { iterations },
      startupChecks: false,
      ...(concurrency > 0 ? { passwordHashing: { concurrency, queueLimit: 1000, queueTimeout: 60_000 } } : { passwordHashing: { concurrency: 1024, queueLimit: 0 } }),
    }),
  ],
  controllers: [StormController],
})
class StormModule {}

const app = await NestFactory.create(StormModule, { logger: ['error'] });
await app.listen(0, '127.0.0.1');
const address = app.getHttpServer().address() as { port: number };
process.stdout.write(`ready ${address.port} ${samples[3].toFixed(2)} ${parallelRate.toFixed(2)}\n`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
