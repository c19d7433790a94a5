import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule, UsersService } from '@gatehouse/users';
import { Post } from './entities/post.entity';
import { PostsController } from './posts.controller';
import { PostsService } from './posts.service';

@Module({
  imports: [TypeOrmModule.forFeature([Post]), UsersModule],
  controllers: [PostsController],
  providers: [PostsService],
  exports: [PostsService],
})
export class PostsModule implements OnModuleInit {
  constructor(
    private readonly posts: PostsService,
    private readonly users: UsersService,
  ) {}

  /** WordPress shows authors of published posts to anyone: tell the users lib who they are. */
  onModuleInit(): void {
    this.users.usePublishedAuthors({
      hasPublished: (userId) => this.posts.isPublishedAuthor(userId),
      sqlCondition: (userAlias) => `EXISTS (SELECT 1 FROM posts p WHERE p.author_id = ${userAlias}.id AND p.status = 'publish')`,
    });
    // A deleted user's posts go to the heir named by `reassign`; without one they cascade with the user, as wp_delete_user deletes them.
    this.users.addLifecycleHooks({
      beforeDelete: async (manager, userId, reassignTo) => {
        if (reassignTo !== null) await this.posts.reassignAuthor(manager, userId, reassignTo);
      },
    });
  }
}
