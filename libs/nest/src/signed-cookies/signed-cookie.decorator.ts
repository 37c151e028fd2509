import { createParamDecorator, Injectable, type ExecutionContext, type PipeTransform } from '@nestjs/common';
import { transportRequest } from '../context/execution-transport.js';
import { DjangoSignedCookies } from './django-signed-cookies.service.js';

export interface SignedCookieParamOptions {
  salt?: string;
  /** `max_age` in seconds. */
  maxAge?: number | null;
  /** Given: the value for a missing, bad or expired cookie. Absent: those answer 400. */
  default?: unknown;
}

interface SignedCookieRequest {
  request: object;
  name: string;
  options: SignedCookieParamOptions;
}

// The decorator only picks the request; the pipe, which Nest builds with the module's injector,
// verifies with the module's keys (a param decorator itself cannot inject anything).
const signedCookieRequest = createParamDecorator((data: { name: string; options: SignedCookieParamOptions }, ctx: ExecutionContext): SignedCookieRequest => {
  const { request } = transportRequest(ctx, 'SignedCookie');
  return { request, name: data.name, options: data.options };
});

/** Verifies the cookie `@SignedCookie` named, with DjangoSignedCookies. */
@Injectable()
export class SignedCookiePipe implements PipeTransform<SignedCookieRequest, unknown> {
  constructor(private readonly cookies: DjangoSignedCookies) {}

  transform(value: SignedCookieRequest): unknown {
    return this.cookies.get(value.request, value.name, value.options as { salt?: string; maxAge?: number | null });
  }
}

/**
 * The verified value of a cookie set with `set_signed_cookie(name, value, salt=...)` (by Django or
 * by DjangoSignedCookies), as `request.get_signed_cookie(name, salt=..., max_age=...)` returns it.
 */
export function SignedCookie(name: string, options: SignedCookieParamOptions = {}): ParameterDecorator {
  return signedCookieRequest({ name, options }, SignedCookiePipe);
}
