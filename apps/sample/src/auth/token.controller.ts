import { BadRequestException, Body, Catch, Controller, HttpCode, Post, UseFilters, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { SimpleJwtAuthenticationFailed, SimpleJwtService, type SimpleJwtPair, type SimpleJwtRefreshed } from '@django-bridge/nest';

/** SimpleJWT's refusals as its views answer them: 401, `{"detail", "code"?, "messages"?}`, WWW-Authenticate. */
@Catch(SimpleJwtAuthenticationFailed)
export class SimpleJwtErrorFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(err: SimpleJwtAuthenticationFailed, host: ArgumentsHost): void {
    const adapter = this.adapterHost.httpAdapter;
    const response = host.switchToHttp().getResponse<object>();
    if (err.challenge) adapter.setHeader(response, 'WWW-Authenticate', err.challenge);
    adapter.reply(response, err.body, 401);
  }
}

/** DRF's CharField on a request field: required, a string (numbers are read as text), not blank. */
function field(body: Record<string, unknown>, name: string, errors: Record<string, string[]>): string {
  const value = body[name];
  if (value === undefined) errors[name] = ['This field is required.'];
  else if (value === null) errors[name] = ['This field may not be null.'];
  else if (typeof value !== 'string' && typeof value !== 'number') errors[name] = ['Not a valid string.'];
  else if (String(value).trim() === '') errors[name] = ['This field may not be blank.'];
  else return String(value).trim();
  return '';
}

function fields(body: unknown, names: string[]): string[] {
  const data = body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const errors: Record<string, string[]> = {};
  const values = names.map((name) => field(data, name, errors));
  if (Object.keys(errors).length) throw new BadRequestException(errors);
  return values;
}

/**
 * SimpleJWT's TokenObtainPairView and TokenRefreshView (`path('api/token/', ...)`,
 * `path('api/token/refresh/', ...)` in its docs): the same request and response bodies, so a
 * client written for Django's API works unchanged, and the pairs are valid on both sides. No CSRF
 * check, as in SimpleJWT (its views have no session authentication).
 */
@Controller('api/token')
@UseFilters(SimpleJwtErrorFilter)
export class TokenController {
  constructor(private readonly jwt: SimpleJwtService) {}

  @Post()
  @HttpCode(200)
  async obtain(@Body() body: unknown): Promise<SimpleJwtPair> {
    const [username, password] = fields(body, ['username', 'password']);
    return this.jwt.obtainPairWithPassword(username, password);
  }

  @Post('refresh')
  @HttpCode(200)
  async refresh(@Body() body: unknown): Promise<SimpleJwtRefreshed> {
    const [refresh] = fields(body, ['refresh']);
    return this.jwt.refresh(refresh);
  }
}
