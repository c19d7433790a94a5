import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The secret half of an application-password grant: only its keyed hash, never the password. */
@Entity({ name: 'app_passwords' })
export class AppPassword {
  @PrimaryColumn({ name: 'grant_id', type: 'uuid' })
  grantId!: string;

  @Column({ name: 'secret_hash', type: 'bytea', select: false })
  secretHash?: Buffer;
}
