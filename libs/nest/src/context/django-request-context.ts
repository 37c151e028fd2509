import { parseCookieHeader, type DjangoSession } from '@django-bridge/core';
import type { CredentialMatch } from '../auth/credentials/django-credential.js';
import type { DjangoUser } from '../users/django-user.js';

/** The transports the bridge authenticates. */
export type BridgeTransport = 'http' | 'graphql' | 'ws';

/** What the bridge reads of any request: its headers (Express, Fastify, a raw IncomingMessage, a WebSocket handshake). */
export interface HeaderCarrier {
  headers: Record<string, string | string[] | undefined>;
}

/** The CSRF secret of a request and whether the response must (re)write it. */
export interface CsrfState {
  secret: string | null;
  used: boolean;
}

const contexts = new WeakMap<object, DjangoRequestContext>();

/**
 * All the bridge keeps for one request: its cookies (parsed once), the Django session, the CSRF
 * state, the user, and the response the cookies go to. One per HTTP request, shared by every
 * guard, resolver and service that sees it; one per message on a WebSocket, so each guarded
 * message is checked against the database afresh.
 */
export class DjangoRequestContext {
  session: DjangoSession | undefined;
  /** The running session read, so parallel resolvers of one request share one query (as userLookup). */
  sessionLoad: Promise<DjangoSession> | undefined;
  /** The last session commit of this request, so commits of parallel resolvers run one after another. */
  sessionCommit: Promise<void> | undefined;
  csrf: CsrfState | undefined;
  /** The resolved user: undefined until a guard or strategy looked, then the user or null. */
  user: DjangoUser | null | undefined;
  /** The running or finished user lookup, so parallel resolvers of one request share one query. */
  userLookup: Promise<DjangoUser | null> | undefined;
  /** The credential that proved the user (DjangoCredentials): which one, and its `auth`. */
  credential: CredentialMatch | undefined;
  /** Where Set-Cookie goes (Express res, Fastify reply); none on a WebSocket. */
  response: object | undefined;
  /** Whether this request saved its session already (SESSION_SAVE_EVERY_REQUEST saves once). */
  sessionSaved = false;
  private cookieJar: Record<string, string> | undefined;

  constructor(
    readonly request: HeaderCarrier & object,
    readonly transport: BridgeTransport = 'http',
  ) {}

  /**
   * The context of a request, created on first use. Express's req and Fastify's request share one
   * context through the raw IncomingMessage, so middleware, guards and resolvers agree.
   */
  static of(req: object, transport: BridgeTransport = 'http'): DjangoRequestContext {
    if (req instanceof DjangoRequestContext) return req;
    const key = rawRequest(req);
    let context = contexts.get(key);
    if (!context) {
      context = new DjangoRequestContext(req as HeaderCarrier & object, transport);
      contexts.set(key, context);
    }
    return context;
  }

  /** The context if the request has one already. */
  static peek(req: object): DjangoRequestContext | undefined {
    return req instanceof DjangoRequestContext ? req : contexts.get(rawRequest(req));
  }

  /** The request's cookies, parsed once with Django's rules. */
  get cookies(): Record<string, string> {
    if (!this.cookieJar) this.cookieJar = parseCookieHeader(this.header('cookie'));
    return this.cookieJar;
  }

  /** A request header (repeated headers joined by ", "). */
  header(name: string): string | undefined {
    const value = this.request.headers?.[name.toLowerCase()];
    return Array.isArray(value) ? value.join(', ') : value;
  }
}

function rawRequest(req: object): object {
  const raw = (req as { raw?: unknown }).raw;
  return raw && typeof raw === 'object' ? raw : req;
}
