import { Controller, Get, Header, NotFoundException, Param } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { samplePublicDir } from '../public-dir.js';

const page = (name: string) => readFileSync(join(samplePublicDir(), 'pages', name), 'utf8');

/** The minimal browser pages: sign in, and who am I (also under /admin for local users). */
@Controller()
export class PagesController {
  private readonly login = page('login.html');
  private readonly whoami = page('whoami.html');
  private readonly css = page('sample.css');

  @Get(['', 'admin'])
  @Header('Content-Type', 'text/html; charset=utf-8')
  loginPage(): string {
    return this.login;
  }

  @Get(['whoami', 'admin/whoami'])
  @Header('Content-Type', 'text/html; charset=utf-8')
  whoamiPage(): string {
    return this.whoami;
  }

  @Get('static/:name')
  @Header('Content-Type', 'text/css; charset=utf-8')
  stylesheet(@Param('name') name: string): string {
    if (name !== 'sample.css') throw new NotFoundException();
    return this.css;
  }
}
