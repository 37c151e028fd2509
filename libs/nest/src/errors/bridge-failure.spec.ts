import { describe, expect, it } from '@jest/globals';
import { SessionInterrupted } from '@django-bridge/core';
import { HttpException } from '@nestjs/common';
import { DjangoDatabaseUnavailable } from '../database/database-unavailable.js';
import { setResponseCookie } from '../http/http-adapter.js';
import { DjangoCsrfFailure, DjangoNotAuthenticated, DjangoPermissionDenied, DjangoUnsupportedContext } from './bridge-exceptions.js';
import { bridgeFailure, bridgeStatus, DjangoGraphQLError } from './bridge-failure.js';

describe('bridgeFailure: one mapping for every transport', () => {
  it.each([
    [new DjangoNotAuthenticated(), 401, 'UNAUTHENTICATED'],
    [new DjangoPermissionDenied(), 403, 'FORBIDDEN'],
    [new DjangoCsrfFailure('CSRF cookie not set.'), 403, 'FORBIDDEN'],
    [new DjangoUnsupportedContext('rpc', 'DjangoSessionGuard'), 403, 'FORBIDDEN'],
    [new SessionInterrupted(), 400, 'BAD_REQUEST'],
    [new DjangoDatabaseUnavailable(new Error('ECONNREFUSED 10.0.0.1')), 503, 'SERVICE_UNAVAILABLE'],
  ])('%p -> %i %s', (err, status, code) => {
    expect(bridgeFailure(err)).toMatchObject({ status, code });
    expect(bridgeStatus(err)).toBe(status);
  });

  it('never repeats the database error to the client', () => {
    expect(bridgeFailure(new DjangoDatabaseUnavailable(new Error('password authentication failed for user "django"')))!.message).toBe('Session store unavailable; try again later');
  });

  it('leaves other errors to the application (a 500 for the session rule)', () => {
    expect(bridgeFailure(new Error('x'))).toBeNull();
    expect(bridgeStatus(new Error('x'))).toBe(500);
    expect(bridgeStatus(new HttpException('teapot', 418))).toBe(418);
  });

  it('a GraphQL error carries the code and no stack frame', () => {
    const err = new DjangoGraphQLError(bridgeFailure(new DjangoNotAuthenticated())!);
    expect(err.extensions).toEqual({ code: 'UNAUTHENTICATED', status: 401 });
    expect(err.stack).not.toMatch(/\n\s+at /);
  });
});

describe('setResponseCookie', () => {
  it('replaces a cookie of the same name and keeps the others (Express and Fastify)', () => {
    const headers: Record<string, unknown> = {};
    const express = { setHeader: (n: string, v: unknown) => (headers[n.toLowerCase()] = v), getHeader: (n: string) => headers[n.toLowerCase()] };
    setResponseCookie(express, 'csrftoken', 'csrftoken=a; Path=/');
    setResponseCookie(express, 'sessionid', 'sessionid=1; Path=/');
    setResponseCookie(express, 'sessionid', 'sessionid=2; Path=/');
    expect(headers['set-cookie']).toEqual(['csrftoken=a; Path=/', 'sessionid=2; Path=/']);

    const sent: Record<string, unknown> = {};
    const reply = { raw: {}, header: (n: string, v: unknown) => (sent[n] = v), getHeader: (n: string) => sent[n], removeHeader: (n: string) => delete sent[n] };
    setResponseCookie(reply, 'sessionid', 'sessionid=1');
    setResponseCookie(reply, 'sessionid', 'sessionid=2');
    expect(sent['set-cookie']).toEqual(['sessionid=2']);
  });
});
