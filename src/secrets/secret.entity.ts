import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { CreatedColumns } from '../database/base-columns';
import { TIMESTAMP } from '../database/column-types';
import { Project } from '../projects/project.entity';

/**
 * A project secret, encrypted at rest (see `SecretCipher`). Never a GraphQL type: the API shows
 * {@link SecretInfo} (name and metadata) only, and no query returns the value.
 */
@Entity('secrets')
@Index('UQ_secrets_project_name', ['projectId', 'name'], { unique: true })
export class Secret extends CreatedColumns {
  @Column({ type: 'uuid' })
  projectId!: string;

  @ManyToOne(() => Project, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'project_id' })
  project?: Relation<Project>;

  /** `[A-Z][A-Z0-9_]*`, referenced as `${secrets.NAME}`. */
  @Column({ type: 'varchar', length: 128 })
  name!: string;

  /** AES-256-GCM ciphertext of the value. */
  @Column({ type: 'bytea' })
  ciphertext!: Buffer;

  /** The 12-byte GCM nonce. */
  @Column({ type: 'bytea' })
  iv!: Buffer;

  /** The 16-byte GCM authentication tag. */
  @Column({ type: 'bytea' })
  authTag!: Buffer;

  /** Id of the key (`SWITCHYARD_SECRETS_KEYS`) that encrypted it. */
  @Column({ type: 'varchar', length: 32 })
  keyId!: string;

  /** 1 at creation, +1 on every rotation. */
  @Column({ type: 'integer', default: 1 })
  version!: number;

  /** Who created it (a username or `token:<name>`). */
  @Column({ type: 'varchar', length: 200 })
  createdBy!: string;

  @Column({ type: TIMESTAMP, nullable: true })
  rotatedAt!: Date | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  rotatedBy!: string | null;
}
