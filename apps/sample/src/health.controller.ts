import { Controller, Get } from '@nestjs/common';
import { DJANGO_VERSIONS } from '@django-bridge/core';

@Controller()
export class HealthController {
  @Get('health')
  health() {
    return { status: 'ok', djangoVersions: DJANGO_VERSIONS };
  }
}
