import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessGuard } from './access.guard';
import { CredentialSchemes } from './credential-schemes';
import { Grant } from './entities/grant.entity';
import { GrantEventsService } from './grant-events.service';
import { GrantUsageService } from './grant-usage.service';

/** The request principal, grants, and the global guard every request passes. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([Grant])],
  providers: [
    AccessGuard,
    // useExisting, so a test can override AccessGuard itself.
    { provide: APP_GUARD, useExisting: AccessGuard },
    CredentialSchemes,
    GrantEventsService,
    GrantUsageService,
  ],
  exports: [TypeOrmModule, CredentialSchemes, GrantEventsService, GrantUsageService],
})
export class AccessModule {}
