import { Controller, Get, HttpException, HttpStatus, NotFoundException, Req, Res, StreamableFile } from '@nestjs/common';
import { DjangoForwardAuthService } from '@django-bridge/nest';
import { createReadStream, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import { basicChallenge } from '../forward-auth/forward-auth.controller.js';
import { requestPath, setHeader } from '../http-response.js';
import { samplePublicDir } from '../public-dir.js';

/** The group of the Apache docs' example. */
export const SECRET_GROUP = 'secret-agents';
const REALM = 'Top Secret';
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.txt': 'text/plain; charset=utf-8', '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.png': 'image/png' };

/**
 * `/secret/` and below: the Apache docs' `<Location "/secret">` with `Require group secret-agents`,
 * served by Nest. HTTP Basic against Django users only (no session), 401 with a challenge, 403 for
 * users outside the group, then the files of `public/secret`.
 */
@Controller()
export class SecretController {
  private readonly root = resolve(samplePublicDir(), 'secret');

  constructor(private readonly forwardAuth: DjangoForwardAuthService) {}

  @Get(['secret', 'secret/{*path}'])
  async serve(@Req() req: object, @Res({ passthrough: true }) res: object): Promise<StreamableFile> {
    const decision = await this.forwardAuth.decide(req, { groups: [SECRET_GROUP] }, { session: false });
    if (decision.outcome === 'unauthenticated') {
      setHeader(res, 'WWW-Authenticate', basicChallenge(REALM));
      throw new HttpException('Authentication required.', HttpStatus.UNAUTHORIZED);
    }
    if (decision.outcome === 'forbidden') throw new HttpException(`Members of ${SECRET_GROUP} only.`, HttpStatus.FORBIDDEN);
    const file = this.resolveFile(requestPath(req));
    setHeader(res, 'Content-Type', TYPES[extname(file)] ?? 'application/octet-stream');
    setHeader(res, 'Cache-Control', 'private, no-store');
    return new StreamableFile(createReadStream(file));
  }

  /** The file under public/secret for a URL path; 404 for anything outside it or missing. */
  private resolveFile(path: string): string {
    let rest: string;
    try {
      rest = decodeURIComponent(path.replace(/^\/secret/i, ''));
    } catch {
      throw new NotFoundException();
    }
    if (rest.includes('\0')) throw new NotFoundException();
    let file = resolve(this.root, `.${rest.startsWith('/') ? rest : `/${rest}`}`);
    if (file !== this.root && !file.startsWith(this.root + sep)) throw new NotFoundException();
    try {
      if (statSync(file).isDirectory()) file = join(file, 'index.html');
      if (statSync(file).isFile()) return file;
    } catch {
      // fall through to 404
    }
    throw new NotFoundException();
  }
}
