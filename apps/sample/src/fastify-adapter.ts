import { BadRequestException } from '@nestjs/common';
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
export class SampleFastifyAdapter extends FastifyAdapter {
  constructor() {
    super({ routerOptions: { caseSensitive: false, ignoreTrailingSlash: true } });
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
    // body-parser errors (413, 415) become the same HttpException on both adapters.
    const status = (err as { status?: number }).status;
    done((err instanceof SyntaxError || err instanceof URIError) && status === 400 ? new BadRequestException(err.message, { cause: err }) : (err as Error));
  });
}
