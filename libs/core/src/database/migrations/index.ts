import { CreateUsersGrantsAppPasswords1764460800000 } from './1764460800000-CreateUsersGrantsAppPasswords';

/** Every migration, oldest first. A schema change adds its file here. */
export const MIGRATIONS = [CreateUsersGrantsAppPasswords1764460800000];
