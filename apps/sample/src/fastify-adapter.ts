import { BadRequestException, HttpException } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import bodyParser from 'body-parser';
import type { IncomingMessage } from 'node:http';

/** What Nest installs on Express: body-parser's JSON (strict, `{}` when empty) and form parsers, 100 kB each. */
const EXPRESS_BODY_PARSERS = [bodyParser.json(), bodyParser.urlencoded({ extended: true })];

/**
 * Fastify answering the sample's requests as Express does (HTTP_ADAPTER=fastify).
 * Routes: case-insensitive, with or without a trailing slash. Nest hands controller paths to the
 * router as written, and find-my-way refuses path-to-regexp's optional catch-all `{*path}`: it is
 * spelled `*` there, which matches the same paths. Bodies: read by Express's own parsers, other
 * content types left unread, a malformed body the same 400.
 */
type ErrorHandler = Parameters<FastifyAdapter['setErrorHandler']>[0];

export class SampleFastifyAdapter extends FastifyAdapter {
  private nestErrorHandler: ErrorHandler | undefined;

  constructor() {
    super({ routerOptions: { caseSensitive: false, ignoreTrailingSlash: true } });
    // A Fastify route keeps the error handler of the moment it is added, and plugins that load
    // first (Mercurius) can delay routes to before Nest installs its own: then a body parser's 413
    // got Fastify's error body. Every route gets this one, which hands errors to Nest's.
    const adapter = this;
    this.getInstance().setErrorHandler(function (err, request, reply) {
      return adapter.nestErrorHandler ? adapter.nestErrorHandler.call(this, err, request, reply) : reply.send(err);
    });
  }

  override setErrorHandler(handler: ErrorHandler): ReturnType<FastifyAdapter['setErrorHandler']> {
    this.nestErrorHandler = handler;
    return this.getInstance();
  }

  override normalizePath(path: string): string {
    return path.replace(/\/\{\*\w+\}$/, '/*');
  }

  override registerParserMiddleware(prefix?: string, rawBody?: boolean): void {
    super.registerParserMiddleware(prefix, rawBody);
    // Nest's parsers and Fastify's own give way to Express's, for every content type.
    const instance = this.getInstance();
    instance.removeAllContentTypeParsers();
    instance.addContentTypeParser('*', (request, _payload, done) => readBody(request.raw, 0, done));
  }
}

function readBody(req: IncomingMessage & { body?: unknown }, index: number, done: (err: Error | null, body?: unknown) => void): void {
  if (index === EXPRESS_BODY_PARSERS.length) return done(null, req.body);
  // body-parser never touches the response.
  EXPRESS_BODY_PARSERS[index](req, undefined as never, (err?: unknown) => {
    if (!err) return readBody(req, index + 1, done);
    // Nest's ExpressAdapter turns body-parser's SyntaxError into this BadRequestException; other
    // body-parser errors (413, 415) get Express's `{ statusCode, message }` body. They are
    // HttpExceptions here so Nest answers them itself: with Mercurius registered, a plain error
    // from a body parser would get Fastify's own error body instead.
    const status = (err as { status?: number }).status;
    if ((err instanceof SyntaxError || err instanceof URIError) && status === 400) return done(new BadRequestException(err.message, { cause: err }));
    done(typeof status === 'number' ? new HttpException({ statusCode: status, message: (err as Error).message }, status, { cause: err }) : (err as Error));
  });
}
