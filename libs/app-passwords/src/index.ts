export { AppPasswordsModule } from './app-passwords.module';
export { AppPasswordsService } from './app-passwords.service';
export type { CreateAppPasswordInput } from './app-passwords.service';
export { AppPassword } from './entities/app-password.entity';
export { appPasswordResponse, appPasswordUrl, APP_PASSWORD_SCHEMA } from './app-password-response';
export { chunkAppPassword, generateAppPassword, normalizeAppPassword, sanitizeAppName, APP_PASSWORD_LENGTH } from './app-password-format';
export { APP_PASSWORD_STRATEGY } from './strategies/app-password.strategy';
