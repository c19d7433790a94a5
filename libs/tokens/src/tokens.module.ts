import { Inject, Module, OnModuleInit } from '@nestjs/common';
import { CredentialSchemes } from '@gatehouse/access';
import { AppPasswordsModule } from '@gatehouse/app-passwords';
import { GATEHOUSE_CONFIG, RestIndexService } from '@gatehouse/core';
import type { GatehouseConfig } from '@gatehouse/core';
import { UsersModule } from '@gatehouse/users';
import { AccessTokensService } from './access-tokens.service';
import { GrantStateCache } from './grant-state.cache';
import { RefreshTokensService } from './refresh-tokens.service';
import { SigningKeysService } from './signing-keys.service';
import { JwtStrategy } from './strategies/jwt.strategy';
import { TokensController, WellKnownJwksController } from './tokens.controller';
import { TokensService } from './tokens.service';

/** JWT access tokens and rotating refresh tokens made from application passwords (the jwt-auth protocol). */
@Module({
  imports: [UsersModule, AppPasswordsModule],
  controllers: [TokensController, WellKnownJwksController],
  providers: [SigningKeysService, GrantStateCache, AccessTokensService, RefreshTokensService, TokensService, JwtStrategy],
  exports: [SigningKeysService, AccessTokensService, RefreshTokensService, TokensService],
})
export class TokensModule implements OnModuleInit {
  constructor(
    private readonly schemes: CredentialSchemes,
    private readonly strategy: JwtStrategy,
    private readonly index: RestIndexService,
    @Inject(GATEHOUSE_CONFIG) private readonly config: GatehouseConfig,
  ) {}

  onModuleInit(): void {
    this.schemes.register('bearer', this.strategy);
    const rest = `${this.config.siteUrl}/wp-json`;
    this.index.addAuthentication('jwt', {
      endpoints: {
        token: `${rest}/wp/v2/token`,
        validate: `${rest}/wp/v2/token/validate`,
        jwks: `${rest}/gatehouse/v1/jwks`,
      },
    }, { secureOnly: true }); // tokens are made from application passwords, which need HTTPS in production
  }
}
