import { Inject, Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CredentialSchemes } from '@gatehouse/access';
import { GATEHOUSE_CONFIG, RestIndexService } from '@gatehouse/core';
import type { GatehouseConfig } from '@gatehouse/core';
import { UsersModule } from '@gatehouse/users';
import { AppPasswordsController } from './app-passwords.controller';
import { AppPasswordsService } from './app-passwords.service';
import { CredentialCache } from './credential-cache';
import { AppPassword } from './entities/app-password.entity';
import { AppPasswordStrategy } from './strategies/app-password.strategy';

@Module({
  imports: [TypeOrmModule.forFeature([AppPassword]), UsersModule],
  controllers: [AppPasswordsController],
  providers: [AppPasswordsService, AppPasswordStrategy, CredentialCache],
  exports: [AppPasswordsService],
})
export class AppPasswordsModule implements OnModuleInit {
  constructor(
    private readonly schemes: CredentialSchemes,
    private readonly strategy: AppPasswordStrategy,
    private readonly index: RestIndexService,
    @Inject(GATEHOUSE_CONFIG) private readonly config: GatehouseConfig,
  ) {}

  onModuleInit(): void {
    this.schemes.register('basic', this.strategy);
    // Like wp_is_application_passwords_available(): not advertised over plain HTTP in production.
    this.index.addAuthentication(
      'application-passwords',
      { endpoints: { authorization: `${this.config.siteUrl}/wp-admin/authorize-application.php` } },
      { secureOnly: true },
    );
  }
}
