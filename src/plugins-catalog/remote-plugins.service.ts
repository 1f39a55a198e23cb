import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import type { PluginDescriptor } from '../../plugins/sdk';
import { SchemaValidator } from '../../plugins/sdk/validation';
import { BadUserInputError, ConflictError, type Problem } from '../common/errors/app-errors';
import { checkDescriptor } from './descriptor-problems';
import type { PluginDescriptorInput } from './dto/register-plugins.input';
import { PluginCatalogService } from './plugin-catalog.service';
import { RegisteredPlugin } from './registered-plugin.entity';

/** Task queue names: what Temporal accepts, without surprises in logs and URLs. */
const TASK_QUEUE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}$/;

/**
 * Plugins served by workers of their own (`switchyard worker --plugins-only`): each such worker
 * registers its plugins' descriptors at start (`registerPlugins`). They are kept in PostgreSQL and
 * loaded into the catalog when the API starts, so definitions using them validate and compile to
 * their task queue.
 */
@Injectable()
export class RemotePluginsService implements OnModuleInit {
  private readonly logger = new Logger(RemotePluginsService.name);

  constructor(
    @InjectRepository(RegisteredPlugin) private readonly plugins: Repository<RegisteredPlugin>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly catalog: PluginCatalogService,
  ) {}

  /** Loads every registered plugin into the catalog; one that no longer fits is logged and left out. */
  async onModuleInit(): Promise<void> {
    const rows = await this.plugins.find({ order: { type: 'ASC', version: 'ASC' } });
    for (const row of rows) {
      try {
        this.catalog.registerRemote([row.descriptor]);
      } catch (err) {
        this.logger.error(`registered plugin ${row.type}@${row.version} not loaded: ${(err as Error).message}`);
      }
    }
    if (rows.length > 0) this.logger.log(`Loaded ${rows.length} registered plugin(s) into the catalog`);
  }

  /**
   * Checks, stores and catalogs the plugins a worker serves on `taskQueue`. The same `type@version`
   * registered again is replaced (its schemas, its task queue).
   *
   * @throws {BadUserInputError} with every problem and its path (`plugins[1].inputSchema`).
   * @throws {ConflictError} when a plugin repeats a built-in or locally loaded `type@version`.
   */
  async register(taskQueue: string, inputs: readonly PluginDescriptorInput[], by: string): Promise<PluginDescriptor[]> {
    const problems: Problem[] = [];
    if (!TASK_QUEUE_PATTERN.test(taskQueue)) {
      problems.push({ path: 'taskQueue', message: 'must be 1 to 200 letters, digits and . _ : / -' });
    }
    if (inputs.length === 0) problems.push({ path: 'plugins', message: 'must name at least one plugin' });
    const validator = new SchemaValidator();
    const seen = new Set<string>();
    const descriptors = inputs.map((input, index) => {
      const id = `${input.type}@${input.version}`;
      if (seen.has(id)) problems.push({ path: `plugins[${index}]`, message: `${id} is listed twice` });
      seen.add(id);
      return checkDescriptor(input, `plugins[${index}]`, taskQueue, problems, validator);
    });
    if (problems.length > 0) throw new BadUserInputError(problems);

    await this.dataSource.transaction(async (manager) => {
      const rows = manager.getRepository(RegisteredPlugin);
      for (const descriptor of descriptors) {
        const row =
          (await rows.findOneBy({ type: descriptor.type, version: descriptor.version })) ??
          rows.create({ type: descriptor.type, version: descriptor.version });
        Object.assign(row, { taskQueue, descriptor, registeredBy: by });
        await rows.save(row);
      }
      // Last: when the catalog refuses, the transaction rolls back and nothing changed anywhere.
      try {
        this.catalog.registerRemote(descriptors);
      } catch (err) {
        const message = (err as Error).message;
        const duplicate = /^Duplicate plugin (\S+):/.exec(message)?.[1];
        throw new ConflictError(
          duplicate ? `${duplicate} is already provided by this platform (built-in or a local plugin folder)` : message,
        );
      }
    });
    this.logger.log(`${by} registered ${[...seen].join(', ')} on task queue ${taskQueue}`);
    return descriptors.map((descriptor) => this.catalog.find(descriptor.type, descriptor.version) ?? descriptor);
  }
}
