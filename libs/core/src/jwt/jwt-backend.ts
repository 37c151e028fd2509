import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { ImproperlyConfigured } from '../errors.js';
import { optionalDependency } from '../optional-dependency.js';
import { pythonJsonDumps } from '../serializers/python-json.js';
import type { ResolvedSimpleJwtSettings } from './simple-jwt-settings.js';
import { TokenError, undecodableMessage } from './token-error.js';

type Jose = typeof import('jose');

const loadJose = optionalDependency('jose', 'SimpleJWT tokens (simpleJwt)', () => import('jose'), (m: Jose & { default?: Jose }) => (typeof m.compactVerify === 'function' ? m : m.default));

/** A JWT longer than this is refused unread (headers are limited well below it anyway). */
export const MAX_JWT_LENGTH = 16_384;

/** The claims of a token: a JSON object, in the order they were written. */
export type JwtPayload = Record<string, unknown>;

/** Past exp, nbf or iat rules (PyJWT's ExpiredSignature, ImmatureSignature...): a `TokenError`. */
class ClaimRefused extends Error {
  constructor(readonly expired: boolean) {
    super(expired ? 'expired' : 'invalid');
  }
}

const utf8 = new TextEncoder();

/**
 * SimpleJWT's TokenBackend over PyJWT, with jose doing the signatures: `encode` writes what PyJWT
 * writes (header {"alg","typ":"JWT"}, the claims in their order as Python's json.dumps writes them,
 * `aud` and `iss` appended), `decode` accepts only the configured algorithm with its key and applies
 * PyJWT's claim checks (exp/nbf/iat with leeway, iss, aud) before SimpleJWT's own.
 */
export class JwtBackend {
  private signKey: Promise<Uint8Array | KeyObject> | undefined;
  private verifyKey: Promise<Uint8Array | KeyObject> | undefined;

  constructor(readonly settings: ResolvedSimpleJwtSettings) {}

  /** Fails now on a key Node cannot read (a bad PEM) instead of on the first token. */
  checkKeys(): void {
    this.keyFor('verify');
    if (this.canSign) this.keyFor('sign');
  }

  /** Whether tokens can be issued here (an RS/ES setup with only a public key cannot). */
  get canSign(): boolean {
    return !!this.settings.signingKey;
  }

  private keyFor(use: 'sign' | 'verify'): Uint8Array | KeyObject {
    const s = this.settings;
    if (s.algorithm.startsWith('HS')) return utf8.encode(s.signingKey);
    try {
      return use === 'sign' ? createPrivateKey(s.signingKey) : createPublicKey(s.verifyingKey);
    } catch (err) {
      throw new ImproperlyConfigured(`SimpleJWT setting "${use === 'sign' ? 'signingKey' : 'verifyingKey'}" is not a key Node can read: ${(err as Error).message}`);
    }
  }

  async encode(payload: JwtPayload): Promise<string> {
    if (!this.canSign) throw new ImproperlyConfigured(`SimpleJWT cannot issue ${this.settings.algorithm} tokens without a signingKey (the PEM private key)`);
    const claims: JwtPayload = { ...payload };
    if (this.settings.audience !== null) claims.aud = this.settings.audience;
    if (this.settings.issuer !== null) claims.iss = this.settings.issuer;
    const jose = await loadJose();
    this.signKey ??= Promise.resolve(this.keyFor('sign'));
    return new jose.CompactSign(utf8.encode(pythonJsonDumps(claims)))
      .setProtectedHeader({ alg: this.settings.algorithm, typ: 'JWT' })
      .sign(await this.signKey);
  }

  /**
   * The verified claims, or TokenError with the release's message. `now` is in seconds. Anything
   * a token can hold (garbage, another algorithm, "none", a key of the wrong kind) is a TokenError.
   */
  async decode(token: unknown, now = Date.now() / 1000): Promise<JwtPayload> {
    const release = this.settings.release;
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_JWT_LENGTH) throw new TokenError(undecodableMessage(release, false));
    const jose = await loadJose();
    this.verifyKey ??= Promise.resolve(this.keyFor('verify'));
    let payload: unknown;
    try {
      // One algorithm allowed: an HS256 token "signed" with the RS public key never reaches HMAC.
      const verified = await jose.compactVerify(token, await this.verifyKey, { algorithms: [this.settings.algorithm] });
      payload = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(verified.payload));
    } catch {
      throw new TokenError(undecodableMessage(release, false));
    }
    if (!payload || typeof payload !== 'object' || Array.isArray(payload)) throw new TokenError(undecodableMessage(release, false));
    try {
      this.checkClaims(payload as JwtPayload, now);
    } catch (err) {
      if (err instanceof ClaimRefused) throw new TokenError(undecodableMessage(release, err.expired), err.expired);
      throw err;
    }
    return payload as JwtPayload;
  }

  /** PyJWT's _validate_claims as SimpleJWT calls it (audience checked only when AUDIENCE is set). */
  private checkClaims(p: JwtPayload, now: number): void {
    const leeway = this.settings.leeway;
    const whole = Math.floor(now);
    const numeric = (name: string): number | undefined => {
      if (!(name in p)) return undefined;
      const v = p[name];
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new ClaimRefused(false);
      return Math.trunc(v);
    };
    const iat = numeric('iat');
    if (iat !== undefined && iat > whole + leeway) throw new ClaimRefused(false);
    const nbf = numeric('nbf');
    if (nbf !== undefined && nbf > whole + leeway) throw new ClaimRefused(false);
    const exp = numeric('exp');
    if (exp !== undefined && exp <= whole - leeway) throw new ClaimRefused(true);
    if ('sub' in p && typeof p.sub !== 'string') throw new ClaimRefused(false);
    if ('jti' in p && typeof p.jti !== 'string') throw new ClaimRefused(false);
    const issuer = this.settings.issuer;
    if (issuer !== null && p.iss !== issuer) throw new ClaimRefused(false);
    const audience = this.settings.audience;
    if (audience !== null) {
      const claim = p.aud;
      const claims = typeof claim === 'string' ? [claim] : claim;
      if (!Array.isArray(claims) || claims.some((a) => typeof a !== 'string')) throw new ClaimRefused(false);
      const wanted = typeof audience === 'string' ? [audience] : audience;
      if (!wanted.some((a) => claims.includes(a))) throw new ClaimRefused(false);
    }
  }
}
