import { Controller, Get, Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';

@Injectable()
class Greeter { hello() { return 'hi'; } }
@Controller()
class C { constructor(private readonly g: Greeter) {} @Get('/x') x() { return { v: this.g.hello() }; } }
@Module({ controllers: [C], providers: [Greeter] })
class M {}

test('nest esm', async () => {
  const ref = await Test.createTestingModule({ imports: [M] }).compile();
  const app = ref.createNestApplication();
  await app.init();
  await request(app.getHttpServer()).get('/x').expect(200, { v: 'hi' });
  await app.close();
});
