import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER, DiscoveryModule } from '@nestjs/core';
import { Clock } from './clock';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GATEHOUSE_CONFIG } from './config/config.tokens';
import type { GatehouseConfig } from './config/gatehouse-config';
import { dataSourceOptions } from './database/data-source-options';
import { WpExceptionFilter } from './errors/wp-exception.filter';
import { RestIndexController } from './rest/rest-index.controller';
import { RestIndexService } from './rest/rest-index.service';
import { RestRouteRegistry } from './rest/rest-route.registry';

/** Configuration, the database connection, the error envelope and REST discovery, for every other lib. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: GatehouseConfig, databaseUrl: string): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        DiscoveryModule,
        TypeOrmModule.forRoot({ ...dataSourceOptions(databaseUrl), autoLoadEntities: true }),
      ],
      controllers: [RestIndexController],
      providers: [
        { provide: GATEHOUSE_CONFIG, useValue: config },
        { provide: APP_FILTER, useClass: WpExceptionFilter },
        RestRouteRegistry,
        RestIndexService,
        Clock,
      ],
      exports: [GATEHOUSE_CONFIG, RestRouteRegistry, RestIndexService, Clock],
    };
  }
}
