import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { GrantPolicy } from '../principal';

/** One user's permission for one app. Every credential and token refers to one; revoking it ends them all. */
@Entity({ name: 'grants' })
export class Grant {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'user_id', type: 'integer' })
  userId!: number;

  @Column({ type: 'varchar', length: 20 })
  kind!: 'app-password' | 'oauth2' | 'oauth1';

  @Column({ name: 'app_id', type: 'varchar', length: 36, default: '' })
  appId!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'jsonb', default: () => `'{"type":"full"}'` })
  policy!: GrantPolicy;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @Column({ name: 'last_ip', type: 'varchar', length: 45, nullable: true })
  lastIp!: string | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
