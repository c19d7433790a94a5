import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateUsersGrantsAppPasswords1764460800000 implements MigrationInterface {
  name = 'CreateUsersGrantsAppPasswords1764460800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE users (
        id            serial PRIMARY KEY,
        login         varchar(60)  NOT NULL,
        email         varchar(100) NOT NULL,
        password_hash varchar(255) NOT NULL,
        display_name  varchar(250) NOT NULL,
        nickname      varchar(250) NOT NULL DEFAULT '',
        first_name    varchar(250) NOT NULL DEFAULT '',
        last_name     varchar(250) NOT NULL DEFAULT '',
        description   text         NOT NULL DEFAULT '',
        url           varchar(100) NOT NULL DEFAULT '',
        slug          varchar(50)  NOT NULL,
        locale        varchar(20)  NOT NULL DEFAULT 'en_US',
        role          varchar(20)  NOT NULL,
        registered_at timestamptz  NOT NULL DEFAULT now(),
        CONSTRAINT ck_users_role CHECK (role IN ('administrator', 'editor', 'author', 'contributor', 'subscriber'))
      )`);
    // Logins and emails are looked up case-insensitively, as WordPress's collation does.
    await queryRunner.query(`CREATE UNIQUE INDEX uq_users_login ON users (lower(login))`);
    await queryRunner.query(`CREATE UNIQUE INDEX uq_users_email ON users (lower(email))`);
    await queryRunner.query(`CREATE UNIQUE INDEX uq_users_slug ON users (slug)`);

    // A grant is one user's permission for one app; every credential and token hangs off one.
    await queryRunner.query(`
      CREATE TABLE grants (
        id           uuid         PRIMARY KEY,
        user_id      integer      NOT NULL,
        kind         varchar(20)  NOT NULL,
        app_id       varchar(36)  NOT NULL DEFAULT '',
        name         varchar(200) NOT NULL,
        policy       jsonb        NOT NULL DEFAULT '{"type":"full"}',
        created_at   timestamptz  NOT NULL DEFAULT now(),
        expires_at   timestamptz  NULL,
        last_used_at timestamptz  NULL,
        last_ip      varchar(45)  NULL,
        revoked_at   timestamptz  NULL,
        CONSTRAINT fk_grants_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
        CONSTRAINT ck_grants_kind CHECK (kind IN ('app-password', 'oauth2', 'oauth1'))
      )`);
    await queryRunner.query(`CREATE INDEX ix_grants_user_active ON grants (user_id, created_at) WHERE revoked_at IS NULL`);

    // Only a keyed hash (HMAC-SHA256) of each application password is stored.
    await queryRunner.query(`
      CREATE TABLE app_passwords (
        grant_id    uuid  PRIMARY KEY,
        secret_hash bytea NOT NULL,
        CONSTRAINT fk_app_passwords_grant FOREIGN KEY (grant_id) REFERENCES grants (id) ON DELETE CASCADE,
        CONSTRAINT uq_app_passwords_secret_hash UNIQUE (secret_hash)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE app_passwords`);
    await queryRunner.query(`DROP TABLE grants`);
    await queryRunner.query(`DROP TABLE users`);
  }
}
