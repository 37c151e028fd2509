import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { ImproperlyConfigured } from '@django-bridge/core';
import { resolveUserModel } from '../users/user-model.js';
import { resolveSimpleJwtOptions, type SimpleJwtOptions } from './simple-jwt.options.js';

const context = { secretKey: 'k', djangoVersion: '5.2', userModel: resolveUserModel() };

describe('resolveSimpleJwtOptions', () => {
  it("is off without the option, and has SimpleJWT's defaults with {}", () => {
    expect(resolveSimpleJwtOptions(undefined, context)).toBeNull();
    expect(resolveSimpleJwtOptions({}, context)).toMatchObject({
      authHeaderTypes: ['Bearer'],
      authHeader: 'authorization',
      rotateRefreshTokens: false,
      blacklistAfterRotation: false,
      updateLastLogin: false,
      checkUserIsActive: true,
      blacklist: false,
      challenge: 'Bearer realm="api"',
      settings: { algorithm: 'HS256', signingKey: 'k', release: '5.5.1' },
    });
    expect(resolveSimpleJwtOptions({ authHeaderName: 'X-Token' }, context)!.authHeader).toBe('x-token');
    expect(resolveSimpleJwtOptions({ authHeaderName: 'HTTP_X_API_TOKEN' }, context)!.authHeader).toBe('x-api-token');
    expect(resolveSimpleJwtOptions({ userIdField: 'username' }, context)!.settings.userIdField).toBe('username');
  });

  it.each<[SimpleJwtOptions, RegExp]>([
    [{ authHeaderTypes: [] }, /authHeaderTypes/],
    [{ authHeaderTypes: ['Two words'] }, /authHeaderTypes/],
    [{ authHeaderName: 'bad header' }, /authHeaderName/],
    [{ rotateRefreshTokens: 'yes' as never }, /rotateRefreshTokens/],
    [{ userIdField: 'email' }, /userIdField/],
    [{ blacklist: true, jtiClaim: null }, /jtiClaim/],
    [{ algorithm: 'HS1' as never }, /algorithm/],
    [{ algorithm: 'RS256', verifyingKey: '-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----' }, /not a key Node can read/],
    [{ blacklistStore: {} as never }, /blacklistStore/],
  ])('refuses %j at start-up', (options, message) => {
    expect(() => resolveSimpleJwtOptions(options, context)).toThrow(ImproperlyConfigured);
    expect(() => resolveSimpleJwtOptions(options, context)).toThrow(message);
  });

  it("refuses 5.3+ settings on Django 3.2's SimpleJWT 5.2", () => {
    expect(() => resolveSimpleJwtOptions({ checkRevokeToken: true }, { ...context, djangoVersion: '3.2' })).toThrow(/5\.3/);
    expect(() => resolveSimpleJwtOptions({ checkUserIsActive: false }, { ...context, djangoVersion: '3.2' })).toThrow(/5\.3/);
  });

  it('takes a PEM key pair for RS256, or a public key alone to verify only', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    expect(resolveSimpleJwtOptions({ algorithm: 'RS256', signingKey: privateKey, verifyingKey: publicKey }, context)!.settings.signingKey).toBe(privateKey);
    expect(resolveSimpleJwtOptions({ algorithm: 'RS256', verifyingKey: publicKey }, context)!.settings.signingKey).toBe('');
  });
});
