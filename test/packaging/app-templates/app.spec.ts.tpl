import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { WsAdapter } from '@nestjs/platform-ws'; // ecosystem-only
import { DjangoWebSocketAdapter } from '@django-bridge/nest'; // ecosystem-only
import { AppModule } from './app.module{{ext}}';

// The app's own Jest + ts-jest test, as a Nest starter project runs it.
describe('AppModule with a Django session', () => {
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.useWebSocketAdapter(new DjangoWebSocketAdapter(app, new WsAdapter(app))); // ecosystem-only
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('answers the user of the session cookie', async () => {
    const res = await fetch(`${url}/me`, { headers: { cookie: process.env.DJANGO_SESSION_COOKIE ?? '' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ username: process.env.DJANGO_USERNAME });
  });

  it('refuses a request without one', async () => {
    expect((await fetch(`${url}/me`)).status).toBe(401);
  });

  it('reports the Django database up to terminus', async () => { // ecosystem-only
    const res = await fetch(`${url}/health`); // ecosystem-only
    expect(await res.json()).toMatchObject({ status: 'ok', info: { 'django-database': { status: 'up' } } }); // ecosystem-only
  }); // ecosystem-only
});
