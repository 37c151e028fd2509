import { BadRequestException, Body, Controller, Get, Header, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DjangoCsrfGuard, DjangoPasswordResetService } from '@django-bridge/nest';
import { samplePublicDir } from '../public-dir.js';

/** Django's MinimumLengthValidator default: the one password rule the sample enforces. */
export const MIN_PASSWORD_LENGTH = 8;
export const INVALID_LINK = 'The password reset link was invalid, possibly because it has already been used.';

/**
 * Links from Django's password-reset e-mails (`/reset/<uidb64>/<token>/`, the URL shape of
 * PasswordResetConfirmView): a page for browsers, and its JSON twin for apps. A link works once
 * (the new password is part of the token), for PASSWORD_RESET_TIMEOUT, and not after the user logs
 * in again; a password set here logs out every other session of the user, as in Django.
 */
@Controller()
export class PasswordResetController {
  private readonly page = readFileSync(join(samplePublicDir(), 'pages', 'reset.html'), 'utf8');

  constructor(private readonly resets: DjangoPasswordResetService) {}

  @Get('reset/:uidb64/:token')
  @Header('Content-Type', 'text/html; charset=utf-8')
  // The token is in the URL: keep it out of Referer headers and caches.
  @Header('Referrer-Policy', 'no-referrer')
  @Header('Cache-Control', 'no-store')
  resetPage(@Param('uidb64') _uidb64: string, @Param('token') _token: string): string {
    return this.page;
  }

  /** Whether a link is still good, so the page can say so before asking for a password. */
  @Get('api/password-reset/check')
  @Header('Cache-Control', 'no-store')
  async check(@Query('uidb64') uidb64: unknown, @Query('token') token: unknown): Promise<{ valid: boolean }> {
    return { valid: (await this.resets.userForLink(uidb64, token)) !== null };
  }

  /** `{"uidb64", "token", "password"}`: 200 once the password is set, 400 for a bad link or password. */
  @Post('api/password-reset/confirm')
  @UseGuards(DjangoCsrfGuard)
  @HttpCode(200)
  async confirm(@Body() body: unknown): Promise<{ detail: string }> {
    const { uidb64, token, password } = (body ?? {}) as Record<string, unknown>;
    if (typeof uidb64 !== 'string' || typeof token !== 'string' || typeof password !== 'string') {
      throw new BadRequestException({ detail: 'Send JSON {"uidb64": "...", "token": "...", "password": "..."}.' });
    }
    if (!(await this.resets.userForLink(uidb64, token))) throw new BadRequestException({ detail: INVALID_LINK });
    if ([...password].length < MIN_PASSWORD_LENGTH) {
      throw new BadRequestException({ password: [`This password is too short. It must contain at least ${MIN_PASSWORD_LENGTH} characters.`] });
    }
    // As PasswordResetConfirmView: no update_session_auth_hash, so every session of the user ends,
    // this browser's too (the password change views are the ones that keep their own session).
    await this.resets.confirm(uidb64, token, password);
    return { detail: 'Password has been reset.' };
  }
}
