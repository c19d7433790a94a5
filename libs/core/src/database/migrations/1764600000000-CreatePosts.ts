import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreatePosts1764600000000 implements MigrationInterface {
  name = 'CreatePosts1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE posts (
        id           serial       PRIMARY KEY,
        author_id    integer      NOT NULL,
        title        text         NOT NULL DEFAULT '',
        content      text         NOT NULL DEFAULT '',
        excerpt      text         NOT NULL DEFAULT '',
        slug         varchar(200) NOT NULL DEFAULT '',
        status       varchar(20)  NOT NULL,
        trashed_from varchar(20)  NULL,
        date         timestamptz  NOT NULL DEFAULT now(),
        modified     timestamptz  NOT NULL DEFAULT now(),
        CONSTRAINT fk_posts_author FOREIGN KEY (author_id) REFERENCES users (id) ON DELETE CASCADE,
        CONSTRAINT ck_posts_status CHECK (status IN ('publish', 'future', 'draft', 'pending', 'private', 'trash')),
        CONSTRAINT ck_posts_trashed_from CHECK (trashed_from IS NULL OR trashed_from IN ('publish', 'future', 'draft', 'pending', 'private'))
      )`);
    // The public listing (published, newest first) and "authors of published posts" for the users list.
    await queryRunner.query(`CREATE INDEX ix_posts_status_date ON posts (status, date DESC, id DESC)`);
    await queryRunner.query(`CREATE INDEX ix_posts_author_status ON posts (author_id, status)`);
    await queryRunner.query(`CREATE INDEX ix_posts_slug ON posts (slug) WHERE slug <> ''`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE posts`);
  }
}
