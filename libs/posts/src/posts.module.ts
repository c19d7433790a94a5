import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PublicAuthors, UsersModule } from '@gatehouse/users';
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
    private readonly publicAuthors: PublicAuthors,
  ) {}

  /** WordPress shows authors of published posts to anyone: tell the users lib who they are. */
  onModuleInit(): void {
    this.publicAuthors.register({
      ids: () => this.posts.publishedAuthorIds(),
      includes: (userId) => this.posts.isPublishedAuthor(userId),
    });
  }
}
