import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DjangoBridgeModule, djangoEntities } from '@django-bridge/nest';
import { DjangoPassportModule } from '@django-bridge/nest/passport'; // passport-only
import { MeController } from './me.controller{{ext}}';
import { PassportMeController } from './passport-me.controller{{ext}}'; // passport-only
import { settings } from './settings{{ext}}';

@Module({
  imports: [
    // Django's tables through the app's own TypeORM connection, handed to the bridge.
    TypeOrmModule.forRoot({ type: 'better-sqlite3', database: settings().database, entities: djangoEntities() }),
    DjangoBridgeModule.forRootAsync({
      inject: [DataSource],
      useFactory: (dataSource: DataSource) => ({ dataSource, secretKey: settings().secretKey, djangoVersion: settings().djangoVersion }),
    }),
    DjangoPassportModule, // passport-only
  ],
  controllers: [
    MeController,
    PassportMeController, // passport-only
  ],
})
export class AppModule {}
