import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import type { JsonObject } from '../../workflows/definition/types';
import { TIMESTAMP } from '../database/column-types';
import { Template } from './template.entity';

/**
 * One immutable version of a template: the definition as published, its content hash and author.
 * Rows are never updated (a database trigger refuses UPDATE); a run pins the version it started from.
 */
@Entity('template_versions')
@Index('UQ_template_versions_template_version', ['templateId', 'version'], { unique: true })
export class TemplateVersion {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  templateId!: string;

  @ManyToOne(() => Template, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'template_id' })
  template?: Relation<Template>;

  /** 1, 2, 3... per template. */
  @Column({ type: 'integer' })
  version!: number;

  /** The definition (parsed JSON/YAML document). */
  @Column({ type: 'jsonb' })
  definition!: JsonObject;

  /** Hex SHA-256 of the canonical definition, to spot republishing the same content. */
  @Column({ type: 'char', length: 64 })
  contentHash!: string;

  /** Principal label of the author (`principalLabel`). */
  @Column({ type: 'varchar', length: 200 })
  author!: string;

  @CreateDateColumn({ type: TIMESTAMP })
  createdAt!: Date;
}
