import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import type { JsonObject } from '../../workflows/definition/types';
import { GraphQLJSON } from '../common/graphql/json.scalar';
import { CreatedColumns } from '../database/base-columns';
import { Template } from './template.entity';

/**
 * One immutable version of a template: the definition as published, its content hash and author.
 * Rows are never updated (a database trigger refuses UPDATE); a run pins the version it started from.
 */
@Entity('template_versions')
@ObjectType({ description: 'One immutable, published version of a template.' })
@Index('UQ_template_versions_template_version', ['templateId', 'version'], { unique: true })
export class TemplateVersion extends CreatedColumns {
  @Field(() => ID)
  @Column({ type: 'uuid' })
  templateId!: string;

  @ManyToOne(() => Template, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'template_id' })
  template?: Relation<Template>;

  /** 1, 2, 3... per template. */
  @Field(() => Int)
  @Column({ type: 'integer' })
  version!: number;

  /** The definition (parsed JSON/YAML document). */
  @Field(() => GraphQLJSON, { description: 'The definition as published (YAML sources are stored parsed).' })
  @Column({ type: 'jsonb' })
  definition!: JsonObject;

  /** Hex SHA-256 of the canonical definition, to spot republishing the same content. */
  @Field({ description: 'Hex SHA-256 of the canonical (key-sorted) JSON of the definition.' })
  @Column({ type: 'char', length: 64 })
  contentHash!: string;

  /** Principal label of the author (`principalLabel`). */
  @Field()
  @Column({ type: 'varchar', length: 200 })
  author!: string;
}
