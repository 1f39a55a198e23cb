import { Field, ObjectType } from '@nestjs/graphql';
import { Column, Entity, Index, UpdateDateColumn } from 'typeorm';
import { CreatedColumns } from '../database/base-columns';
import { TIMESTAMP } from '../database/column-types';

/** A person who signs in. Passwords are stored only as argon2id hashes. */
@Entity('users')
@ObjectType()
export class User extends CreatedColumns {
  /** Lowercase, `[a-z0-9][a-z0-9._-]*`, unique. */
  @Field()
  @Index('UQ_users_username', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  username!: string;

  /** argon2id encoded hash (`$argon2id$v=19$...`); never exposed. */
  @Column({ type: 'text' })
  passwordHash!: string;

  /** A global admin does everything in every project. */
  @Field()
  @Column({ type: 'boolean', default: false })
  isAdmin!: boolean;

  @UpdateDateColumn({ type: TIMESTAMP })
  updatedAt!: Date;
}
