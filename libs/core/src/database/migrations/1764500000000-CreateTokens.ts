import { MigrationInterface, QueryRunner } from 'typeorm';

/** JWT signing keys, and refresh tokens grouped in rotation families (tokens lib). */
export class CreateTokens1764500000000 implements MigrationInterface {
  name = 'CreateTokens1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The private half is AES-256-GCM ciphertext under a key derived from the server secret.
    await queryRunner.query(`
      CREATE TABLE signing_keys (
        kid                   varchar(64)  PRIMARY KEY,
        alg                   varchar(10)  NOT NULL,
        public_jwk            jsonb        NOT NULL,
        private_key_encrypted bytea        NOT NULL,
        created_at            timestamptz  NOT NULL DEFAULT now(),
        retired_at            timestamptz  NULL,
        expires_at            timestamptz  NULL
      )`);
    // One key signs at a time: instances starting together insert ON CONFLICT DO NOTHING against this.
    await queryRunner.query(`CREATE UNIQUE INDEX uq_signing_keys_active ON signing_keys (alg) WHERE retired_at IS NULL`);

    // A family is one chain of rotated refresh tokens (and the access tokens minted along it).
    await queryRunner.query(`
      CREATE TABLE token_families (
        id             uuid         PRIMARY KEY,
        grant_id       uuid         NOT NULL,
        created_at     timestamptz  NOT NULL,
        last_used_at   timestamptz  NOT NULL,
        revoked_at     timestamptz  NULL,
        revoked_reason varchar(30)  NULL,
        CONSTRAINT fk_token_families_grant FOREIGN KEY (grant_id) REFERENCES grants (id) ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX ix_token_families_grant_revoked ON token_families (grant_id, revoked_at) WHERE revoked_at IS NOT NULL`);

    // Only a keyed hash (HMAC-SHA256) of each refresh token is stored.
    await queryRunner.query(`
      CREATE TABLE refresh_tokens (
        id          uuid         PRIMARY KEY DEFAULT gen_random_uuid(),
        token_hash  bytea        NOT NULL,
        family_id   uuid         NOT NULL,
        grant_id    uuid         NOT NULL,
        parent_id   uuid         NULL,
        issued_at   timestamptz  NOT NULL,
        expires_at  timestamptz  NOT NULL,
        retired_at  timestamptz  NULL,
        CONSTRAINT uq_refresh_tokens_token_hash UNIQUE (token_hash),
        CONSTRAINT fk_refresh_tokens_family FOREIGN KEY (family_id) REFERENCES token_families (id) ON DELETE CASCADE,
        CONSTRAINT fk_refresh_tokens_grant FOREIGN KEY (grant_id) REFERENCES grants (id) ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX ix_refresh_tokens_family ON refresh_tokens (family_id)`);
    await queryRunner.query(`CREATE INDEX ix_refresh_tokens_expires ON refresh_tokens (expires_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE refresh_tokens`);
    await queryRunner.query(`DROP TABLE token_families`);
    await queryRunner.query(`DROP TABLE signing_keys`);
  }
}
