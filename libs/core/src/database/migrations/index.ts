import { CreateUsersGrantsAppPasswords1764460800000 } from './1764460800000-CreateUsersGrantsAppPasswords';
import { CreateTokens1764500000000 } from './1764500000000-CreateTokens';
import { CreatePosts1764600000000 } from './1764600000000-CreatePosts';
import { CreateSessionsTwoFactorAuthorizeCodes1764700000000 } from './1764700000000-CreateSessionsTwoFactorAuthorizeCodes';

/** Every migration, oldest first. A schema change adds its file here. */
export const MIGRATIONS = [CreateUsersGrantsAppPasswords1764460800000, CreateTokens1764500000000, CreatePosts1764600000000, CreateSessionsTwoFactorAuthorizeCodes1764700000000];
