export { UsersModule } from './users.module';
export { UsersService } from './users.service';
export type { CreateUserInput, PublishedAuthors, UserOrderBy } from './users.service';
export { User } from './entities/user.entity';
export { userResponse } from './user-response';
export type { WpContext } from './user-response';
export { hashLoginPassword, verifyLoginPassword } from './password-hasher';
