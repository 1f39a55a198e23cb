import { Column, Entity, Index } from 'typeorm';
import type { PluginDescriptor } from '../../plugins/sdk';
import { CreatedUpdatedColumns } from '../database/base-columns';

/**
 * A plugin served by a worker of its own, as that worker registered it (`registerPlugins`): its
 * descriptor (schemas, defaults, poll spec...) and the task queue its nodes are routed to. Loaded
 * into the catalog at start; registering the same `type@version` again replaces it.
 */
@Entity('registered_plugins')
@Index('UQ_registered_plugins_type_version', ['type', 'version'], { unique: true })
export class RegisteredPlugin extends CreatedUpdatedColumns {
  @Column({ type: 'varchar', length: 200 })
  type!: string;

  @Column({ type: 'varchar', length: 100 })
  version!: string;

  @Column({ type: 'varchar', length: 200 })
  taskQueue!: string;

  /** The whole descriptor, `taskQueue` included, as JSON. */
  @Column({ type: 'jsonb' })
  descriptor!: PluginDescriptor;

  /** Who registered it last (`token:<name>` or a username). */
  @Column({ type: 'varchar', length: 200 })
  registeredBy!: string;
}
