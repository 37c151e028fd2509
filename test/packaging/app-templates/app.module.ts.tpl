import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { TerminusModule } from '@nestjs/terminus'; // ecosystem-only
import { DjangoBridgeModule, djangoEntities } from '@django-bridge/nest';
import { DjangoPassportModule } from '@django-bridge/nest/passport'; // passport-only
import { DjangoHealthIndicator } from '@django-bridge/nest/terminus'; // ecosystem-only
import { HealthController } from './health.controller{{ext}}'; // ecosystem-only
import { PasswordController } from './password.controller{{ext}}'; // ecosystem-only
import { WhoamiGateway } from './whoami.gateway{{ext}}'; // ecosystem-only
import { MeController } from './me.controller{{ext}}';
import { PassportMeController } from './passport-me.controller{{ext}}'; // passport-only
import { settings } from './settings{{ext}}';

@Module({
  imports: [
    // Django's tables through the app's own TypeORM connection, handed to the bridge.
    TypeOrmModule.forRoot({ ...settings().database, entities: djangoEntities() }),
    DjangoBridgeModule.forRootAsync({
      inject: [DataSource],
      useFactory: (dataSource: DataSource) => ({
        dataSource,
        secretKey: settings().secretKey,
        djangoVersion: settings().djangoVersion,
        simpleJwt: {}, // ecosystem-only
      }),
    }),
    DjangoPassportModule, // passport-only
    TerminusModule, // ecosystem-only
  ],
  controllers: [
    MeController,
    PassportMeController, // passport-only
    HealthController, // ecosystem-only
    PasswordController, // ecosystem-only
  ],
  providers: [
    DjangoHealthIndicator, // ecosystem-only
    WhoamiGateway, // ecosystem-only
  ],
})
export class AppModule {}
