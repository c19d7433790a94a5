import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { RoleName } from '@gatehouse/access';

@Entity({ name: 'users' })
export class User {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 60 })
  login!: string;

  @Column({ type: 'varchar', length: 100 })
  email!: string;

  /** argon2id PHC string; never selected unless asked for. */
  @Column({ name: 'password_hash', type: 'varchar', length: 255, select: false })
  passwordHash?: string;

  @Column({ name: 'display_name', type: 'varchar', length: 250 })
  displayName!: string;

  @Column({ type: 'varchar', length: 250, default: '' })
  nickname!: string;

  @Column({ name: 'first_name', type: 'varchar', length: 250, default: '' })
  firstName!: string;

  @Column({ name: 'last_name', type: 'varchar', length: 250, default: '' })
  lastName!: string;

  @Column({ type: 'text', default: '' })
  description!: string;

  @Column({ type: 'varchar', length: 100, default: '' })
  url!: string;

  /** WordPress's user_nicename, used in author links. */
  @Column({ type: 'varchar', length: 50 })
  slug!: string;

  @Column({ type: 'varchar', length: 20, default: 'en_US' })
  locale!: string;

  @Column({ type: 'varchar', length: 20 })
  role!: RoleName;

  @CreateDateColumn({ name: 'registered_at', type: 'timestamptz' })
  registeredAt!: Date;
}
