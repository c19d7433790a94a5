export { UsersModule } from './users.module';
export { UsersService } from './users.service';
export { USER_LOGIN_MAX, USER_URL_MAX, USER_SLUG_MAX } from './users.service';
export type { CreateUserInput, PublishedAuthors, UpdateUserInput, UserLifecycleHooks, UserOrderBy } from './users.service';
export { User } from './entities/user.entity';
export { userResponse } from './user-response';
export type { WpContext } from './user-response';
export { hashLoginPassword, verifyLoginPassword } from './password-hasher';
