import { DynamicModule, Module } from '@nestjs/common';
import { AccessModule } from '@gatehouse/access';
import { AppPasswordsModule } from '@gatehouse/app-passwords';
import { AuthorizeUiModule } from '@gatehouse/authorize-ui';
import { CoreModule, GatehouseConfig } from '@gatehouse/core';
import { PostsModule } from '@gatehouse/posts';
import { TokensModule } from '@gatehouse/tokens';
import { UsersModule } from '@gatehouse/users';

/** The site: every lib, wired once. */
@Module({})
export class AppModule {
  static forRoot(config: GatehouseConfig, databaseUrl: string): DynamicModule {
    return {
      module: AppModule,
      imports: [CoreModule.forRoot(config, databaseUrl), AccessModule, UsersModule, AppPasswordsModule, AuthorizeUiModule, TokensModule, PostsModule],
    };
  }
}
