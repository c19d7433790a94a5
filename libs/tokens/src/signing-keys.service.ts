import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Clock, deriveKey, GATEHOUSE_CONFIG, open, seal } from '@gatehouse/core';
import type { GatehouseConfig } from '@gatehouse/core';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, JWK } from 'jose';
import { createPrivateKey, createPublicKey, JsonWebKey as NodeJsonWebKey, KeyObject, sign } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';

/** The one algorithm access tokens are signed and verified with (ECDSA P-256; jsonwebtoken, under passport-jwt, has no EdDSA). */
export const SIGNING_ALGORITHM = 'ES256';
/** Leeway for clocks of this server and its verifiers, in seconds. */
export const CLOCK_LEEWAY_SECONDS = 30;
/** Every instance re-reads the key table this often, so it learns of a rotation made elsewhere. */
export const KEY_RELOAD_INTERVAL_MS = 60_000;
/** An unknown `kid` triggers a re-read at most this often, so garbage kids cannot flood the database. */
const UNKNOWN_KID_RELOAD_MS = 1_000;
// Any constant shared by every Gatehouse process: rotations take turns.
const ROTATION_LOCK_KEY = 74_611_004;

interface KeyRow {
  kid: string;
  public_jwk: JWK;
  private_key_encrypted: Buffer;
  retired_at: Date | null;
  expires_at: Date | null;
}

interface VerificationKey {
  kid: string;
  publicJwk: JWK;
  key: KeyObject;
  retiredAt: Date | null;
  expiresAt: Date | null;
}

export interface PublicJwk extends JWK {
  kid: string;
  alg: string;
  use: 'sig';
}

/**
 * The keys that sign access tokens. One active key signs; retired keys stay published and accepted
 * until every token they signed has expired (access-token life + leeway + one reload interval, since
 * an instance that has not yet re-read the table may sign with the old key that long). Private keys
 * are kept in the database encrypted (AES-256-GCM under an HKDF of the server secret), imported once
 * per process, never logged.
 */
@Injectable()
export class SigningKeysService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('SigningKeys');
  private readonly encryptionKey: Buffer;
  private verificationKeys = new Map<string, VerificationKey>();
  private signer?: { kid: string; key: KeyObject };
  private timer?: NodeJS.Timeout;
  private reloading?: Promise<void>;
  private lastUnknownKidReload = 0;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(GATEHOUSE_CONFIG) private readonly config: GatehouseConfig,
    private readonly clock: Clock,
  ) {
    this.encryptionKey = deriveKey(config.secret, 'gatehouse signing keys v1');
  }

  async onModuleInit(): Promise<void> {
    await this.ensureActiveKey();
    await this.reload();
    this.timer = setInterval(() => void this.reload().catch((error: Error) => this.logger.warn(`reloading signing keys failed: ${error.message}`)), KEY_RELOAD_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Seconds a retired key stays published and accepted. */
  get retentionSeconds(): number {
    return this.config.accessTokenTtl + CLOCK_LEEWAY_SECONDS + KEY_RELOAD_INTERVAL_MS / 1000;
  }

  /**
   * First start: creates the signing key unless one is active. Instances starting together race to
   * insert; the partial unique index on the active key makes all but one insert do nothing.
   */
  async ensureActiveKey(): Promise<void> {
    const active: unknown[] = await this.dataSource.query(`SELECT 1 FROM signing_keys WHERE alg = $1 AND retired_at IS NULL`, [SIGNING_ALGORITHM]);
    if (active.length > 0) return;
    await this.insertKey(this.dataSource.manager, true);
  }

  /**
   * Retires the active key and makes a new one. Tokens signed by the old key keep working until they
   * expire; its public key stays in the JWKS until then.
   */
  async rotate(): Promise<{ kid: string; retired: string[] }> {
    const now = this.clock.now();
    const result = await this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [ROTATION_LOCK_KEY]);
      const expiresAt = new Date(now.getTime() + this.retentionSeconds * 1000);
      // TypeORM answers an UPDATE with [rows, affected].
      const [retired]: [{ kid: string }[], number] = await manager.query(
        `UPDATE signing_keys SET retired_at = $2, expires_at = $3 WHERE alg = $1 AND retired_at IS NULL RETURNING kid`,
        [SIGNING_ALGORITHM, now, expiresAt],
      );
      const kid = await this.insertKey(manager, false);
      // Keys no token can still need are removed for good.
      await manager.query(`DELETE FROM signing_keys WHERE expires_at IS NOT NULL AND expires_at < $1`, [new Date(now.getTime() - 86_400_000)]);
      return { kid, retired: retired.map((row) => row.kid) };
    });
    await this.reload();
    return result;
  }

  /**
   * Signs an access token's claims with the active key: a compact JWS (RFC 7515) made with
   * node:crypto, whose ECDSA signature costs about a third of WebCrypto's (jose's) on every refresh.
   */
  async sign(claims: Record<string, unknown>): Promise<string> {
    if (!this.signer) await this.reload();
    const signer = this.signer;
    if (!signer) throw new Error('no active signing key');
    const header = Buffer.from(JSON.stringify({ alg: SIGNING_ALGORITHM, typ: 'JWT', kid: signer.kid })).toString('base64url');
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    const input = `${header}.${payload}`;
    // ES256 signatures are the raw r || s pair (RFC 7518 §3.4), not DER.
    const signature = sign('sha256', Buffer.from(input), { key: signer.key, dsaEncoding: 'ieee-p1363' });
    return `${input}.${signature.toString('base64url')}`;
  }

  get activeKid(): string | undefined {
    return this.signer?.kid;
  }

  /**
   * The public key for a token's `kid`, if it is one of ours and not past its retention. An unknown
   * kid may be a key another instance just made: the table is re-read (at most once a second).
   */
  async verificationKey(kid: string): Promise<KeyObject | undefined> {
    let found = this.usable(this.verificationKeys.get(kid));
    if (!found && Date.now() - this.lastUnknownKidReload >= UNKNOWN_KID_RELOAD_MS) {
      this.lastUnknownKidReload = Date.now();
      await this.reload();
      found = this.usable(this.verificationKeys.get(kid));
    }
    return found?.key;
  }

  /** Whether a kid is still one of ours and within its retention (no database read). */
  isUsable(kid: string): boolean {
    return this.usable(this.verificationKeys.get(kid)) !== undefined;
  }

  /** The JWKS document: every key a token may still be signed with. */
  jwks(): { keys: PublicJwk[] } {
    const keys: PublicJwk[] = [];
    for (const entry of this.verificationKeys.values()) {
      if (!this.usable(entry)) continue;
      const { kty, crv, x, y } = entry.publicJwk;
      keys.push({ kty, crv, x, y, kid: entry.kid, alg: SIGNING_ALGORITHM, use: 'sig' });
    }
    return { keys };
  }

  /** Re-reads the key table; concurrent callers share one read. */
  reload(): Promise<void> {
    this.reloading ??= this.load().finally(() => {
      this.reloading = undefined;
    });
    return this.reloading;
  }

  private usable(entry: VerificationKey | undefined): VerificationKey | undefined {
    if (!entry) return undefined;
    if (entry.expiresAt && entry.expiresAt.getTime() <= this.clock.now().getTime()) return undefined;
    return entry;
  }

  private async load(): Promise<void> {
    const rows: KeyRow[] = await this.dataSource.query(
      `SELECT kid, public_jwk, private_key_encrypted, retired_at, expires_at FROM signing_keys
        WHERE alg = $1 ORDER BY created_at`,
      [SIGNING_ALGORITHM],
    );
    const keys = new Map<string, VerificationKey>();
    for (const row of rows) {
      // Import each public key once per process, not per request.
      const known = this.verificationKeys.get(row.kid);
      keys.set(row.kid, {
        kid: row.kid,
        publicJwk: row.public_jwk,
        key: known?.key ?? createPublicKey({ key: row.public_jwk as NodeJsonWebKey, format: 'jwk' }),
        retiredAt: row.retired_at,
        expiresAt: row.expires_at,
      });
      if (row.retired_at === null && this.signer?.kid !== row.kid) {
        const privateJwk = JSON.parse(open(this.encryptionKey, row.private_key_encrypted, row.kid)) as JWK;
        this.signer = { kid: row.kid, key: createPrivateKey({ key: privateJwk as NodeJsonWebKey, format: 'jwk' }) };
      }
    }
    this.verificationKeys = keys;
  }

  /** Generates a key pair; returns its kid (the RFC 7638 thumbprint of the public key). */
  private async insertKey(manager: EntityManager, ifNoneActive: boolean): Promise<string> {
    const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
    const publicJwk = await exportJWK(publicKey);
    const privateJwk = await exportJWK(privateKey);
    const kid = await calculateJwkThumbprint(publicJwk);
    await manager.query(
      `INSERT INTO signing_keys (kid, alg, public_jwk, private_key_encrypted, created_at)
       VALUES ($1, $2, $3, $4, $5) ${ifNoneActive ? 'ON CONFLICT DO NOTHING' : ''}`,
      [kid, SIGNING_ALGORITHM, JSON.stringify(publicJwk), seal(this.encryptionKey, JSON.stringify(privateJwk), kid), this.clock.now()],
    );
    return kid;
  }
}
