import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { Public } from '@django-bridge/nest';
import { DjangoHealthIndicator } from '@django-bridge/nest/terminus';

// The bridge's terminus indicator, through the app's own @nestjs/terminus.
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly django: DjangoHealthIndicator,
  ) {}

  @Get('health')
  @Public()
  @HealthCheck()
  check() {
    return this.health.check([() => this.django.database()]);
  }
}
