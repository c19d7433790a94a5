import { MigrationInterface, QueryRunner } from 'typeorm';

/** Login sessions, the login throttle, two-factor (TOTP) and the authorize-application exchange codes. */
export class CreateSessionsTwoFactorAuthorizeCodes1764700000000 implements MigrationInterface {
  name = 'CreateSessionsTwoFactorAuthorizeCodes1764700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // A browser login. The id is the keyed hash of the cookie's random value: the cookie itself is never stored.
    await queryRunner.query(`
      CREATE TABLE sessions (
        id           varchar(64)  PRIMARY KEY,
        user_id      integer      NOT NULL,
        created_at   timestamptz  NOT NULL,
        last_seen_at timestamptz  NOT NULL,
        expires_at   timestamptz  NOT NULL,
        ip           varchar(45)  NOT NULL DEFAULT '',
        user_agent   varchar(400) NOT NULL DEFAULT '',
        revoked_at   timestamptz  NULL,
        CONSTRAINT fk_sessions_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX ix_sessions_user_active ON sessions (user_id, created_at) WHERE revoked_at IS NULL`);

    // Failed logins, counted per account key (a keyed hash of what was typed) and per IP; shared by every instance.
    await queryRunner.query(`
      CREATE TABLE login_attempts (
        id           bigserial    PRIMARY KEY,
        account_key  bytea        NOT NULL,
        ip           varchar(45)  NOT NULL,
        attempted_at timestamptz  NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX ix_login_attempts_account ON login_attempts (account_key, attempted_at)`);
    await queryRunner.query(`CREATE INDEX ix_login_attempts_ip ON login_attempts (ip, attempted_at)`);

    // The TOTP secret is encrypted (AES-256-GCM); enabled_at is null while enrolment awaits its confirmation code.
    await queryRunner.query(`
      CREATE TABLE two_factor (
        user_id          integer     PRIMARY KEY,
        secret_encrypted bytea       NOT NULL,
        created_at       timestamptz NOT NULL,
        enabled_at       timestamptz NULL,
        last_used_step   bigint      NULL,
        CONSTRAINT fk_two_factor_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
      )`);
    await queryRunner.query(`
      CREATE TABLE two_factor_recovery_codes (
        id         serial      PRIMARY KEY,
        user_id    integer     NOT NULL,
        code_hash  bytea       NOT NULL,
        used_at    timestamptz NULL,
        CONSTRAINT fk_two_factor_recovery_codes_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
        CONSTRAINT uq_two_factor_recovery_codes_hash UNIQUE (user_id, code_hash)
      )`);

    // A consent approved with response_type=code: single use, short-lived, exchanged with the PKCE verifier.
    await queryRunner.query(`
      CREATE TABLE authorize_codes (
        code_hash      bytea        PRIMARY KEY,
        user_id        integer      NOT NULL,
        app_name       varchar(200) NOT NULL,
        app_id         varchar(36)  NOT NULL DEFAULT '',
        code_challenge varchar(128) NOT NULL,
        created_at     timestamptz  NOT NULL,
        expires_at     timestamptz  NOT NULL,
        used_at        timestamptz  NULL,
        CONSTRAINT fk_authorize_codes_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE authorize_codes`);
    await queryRunner.query(`DROP TABLE two_factor_recovery_codes`);
    await queryRunner.query(`DROP TABLE two_factor`);
    await queryRunner.query(`DROP TABLE login_attempts`);
    await queryRunner.query(`DROP TABLE sessions`);
  }
}
