import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** WordPress's post statuses that the REST API lets clients set (plus `trash`, set by DELETE). */
export const POST_STATUSES = ['publish', 'future', 'draft', 'pending', 'private'] as const;
export type PostStatus = (typeof POST_STATUSES)[number] | 'trash';

/** A post: the content that credentials protect. */
@Entity({ name: 'posts' })
export class Post {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'author_id', type: 'integer' })
  authorId!: number;

  @Column({ type: 'text', default: '' })
  title!: string;

  @Column({ type: 'text', default: '' })
  content!: string;

  @Column({ type: 'text', default: '' })
  excerpt!: string;

  /** WordPress's post_name: empty for drafts until they are published. */
  @Column({ type: 'varchar', length: 200, default: '' })
  slug!: string;

  @Column({ type: 'varchar', length: 20 })
  status!: PostStatus;

  /** The status a trashed post had (WordPress's `_wp_trash_meta_status`): decides who may edit or delete it. */
  @Column({ name: 'trashed_from', type: 'varchar', length: 20, nullable: true })
  trashedFrom!: PostStatus | null;

  @Column({ type: 'timestamptz' })
  date!: Date;

  @Column({ type: 'timestamptz' })
  modified!: Date;
}
