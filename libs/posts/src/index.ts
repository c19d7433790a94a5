export { PostsModule } from './posts.module';
export { PostsService } from './posts.service';
export type { ListPostsQuery, PostInput, PostOrderBy } from './posts.service';
export { Post, POST_STATUSES } from './entities/post.entity';
export type { PostStatus } from './entities/post.entity';
export { postResponse, postUrl } from './post-response';
export type { PostContext } from './post-response';
export { canReadPost, canEditPost, canDeletePost, editPostCaps, deletePostCaps, assertCanSetStatus, assertCanListStatuses, readableCondition } from './post-capabilities';
export type { PostFacts } from './post-capabilities';
