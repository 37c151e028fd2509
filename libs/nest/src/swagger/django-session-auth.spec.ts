/**
 * The OpenAPI helper on a document built by SwaggerModule from a small Nest app: the session cookie
 * scheme named as the bridge is configured, the CSRF header scheme, and the 401/403/503 answers on
 * the routes behind the session guard (with the CSRF requirement joined to the cookie one).
 */
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Post, UseGuards, type INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
import { MemorySessionBackend } from '@django-bridge/core';
import { DjangoBridgeModule, DjangoCsrfGuard, DjangoSessionGuard } from '@django-bridge/nest';
import { addDjangoSessionAuth, ApiDjangoSession, DJANGO_CSRF_SCHEME, DJANGO_SESSION_SCHEME, djangoSessionAuthNames } from '@django-bridge/nest/swagger';
import { MemoryUserStore } from '../users/memory-user.store.js';
import { randomEnvSecret } from '../../../../test/support/random.js';

@Controller('notes')
class NotesController {
  @Get()
  @UseGuards(DjangoSessionGuard)
  @ApiDjangoSession()
  list() {
    return [];
  }

  @Post()
  @UseGuards(DjangoSessionGuard, DjangoCsrfGuard)
  @ApiDjangoSession({ csrf: true })
  create() {
    return {};
  }

  @Get('public')
  open() {
    return { ok: true };
  }
}

@Controller('admin')
@ApiDjangoSession()
class AdminController {
  @Get('stats')
  stats() {
    return {};
  }
}

let app: INestApplication;
let document: OpenAPIObject;

beforeAll(async () => {
  const moduleRef = await Test.createTestingModule({
    imports: [DjangoBridgeModule.forRoot({ secretKey: randomEnvSecret(), sessionEngine: new MemorySessionBackend(), userStore: new MemoryUserStore(), sessionCookieName: 'PHPSESSID', csrfHeaderName: 'X-XSRF-TOKEN' })],
    controllers: [NotesController, AdminController],
  }).compile();
  app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  document = SwaggerModule.createDocument(app, addDjangoSessionAuth(new DocumentBuilder().setTitle('notes'), app).build());
});
afterAll(() => app?.close());

describe('addDjangoSessionAuth', () => {
  it('documents the cookie and the CSRF header the application is configured with', () => {
    expect(document.components?.securitySchemes?.[DJANGO_SESSION_SCHEME]).toMatchObject({ type: 'apiKey', in: 'cookie', name: 'PHPSESSID' });
    expect(document.components?.securitySchemes?.[DJANGO_CSRF_SCHEME]).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-XSRF-TOKEN' });
  });

  it("takes Django's defaults, and other scheme names, from plain options", () => {
    const built = addDjangoSessionAuth(new DocumentBuilder(), { sessionSchemeName: 'session', csrfSchemeName: 'csrf' }).build();
    expect(built.components?.securitySchemes).toMatchObject({ session: { type: 'apiKey', in: 'cookie', name: 'sessionid' }, csrf: { type: 'apiKey', in: 'header', name: 'X-CSRFToken' } });
  });

  it('refuses an empty name', () => {
    expect(() => djangoSessionAuthNames({ sessionCookieName: '' })).toThrow('addDjangoSessionAuth: sessionCookieName must be a non-empty string');
  });
});

describe('@ApiDjangoSession()', () => {
  const refusals = (op: { responses: Record<string, unknown> }) => Object.keys(op.responses).filter((s) => s !== '200' && s !== '201').sort();

  it('marks a guarded route with the cookie scheme and the 401, 403 and 503 answers', () => {
    const op = document.paths['/notes'].get!;
    expect(op.security).toEqual([{ [DJANGO_SESSION_SCHEME]: [] }]);
    expect(refusals(op as never)).toEqual(['401', '403', '503']);
    expect(op.responses['401']).toMatchObject({ description: 'Not logged in: no valid Django session' });
    const body = (op.responses['401'] as { content: Record<string, { schema: { properties: object; example: unknown } }> }).content['application/json'].schema;
    expect(Object.keys(body.properties).sort()).toEqual(['error', 'message', 'statusCode']);
    expect(body.example).toEqual({ statusCode: 401, message: 'Not logged in: no valid Django session', error: 'Unauthorized' });
  });

  it('with csrf: true, requires the cookie AND the header (one requirement object)', () => {
    const op = document.paths['/notes'].post!;
    expect(op.security).toEqual([{ [DJANGO_SESSION_SCHEME]: [], [DJANGO_CSRF_SCHEME]: [] }]);
    expect(op.responses['403']).toMatchObject({ description: 'Logged in without the permission, or the CSRF check failed' });
  });

  it('on a controller, applies to each of its routes; routes without it stay open', () => {
    const op = document.paths['/admin/stats'].get!;
    expect(op.security).toEqual([{ [DJANGO_SESSION_SCHEME]: [] }]);
    expect(refusals(op as never)).toEqual(['401', '403', '503']);
    expect(document.paths['/notes/public'].get!.security).toBeUndefined();
  });
});
