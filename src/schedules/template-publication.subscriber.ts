import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import {
  DataSource,
  type EntitySubscriberInterface,
  type InsertEvent,
  type QueryRunner,
  type TransactionCommitEvent,
  type TransactionRollbackEvent,
} from 'typeorm';
import { TemplateVersion } from '../templates/template-version.entity';
import { SchedulesService } from './schedules.service';

/**
 * Hears template versions being published, without the templates module knowing: a TypeORM
 * entity subscriber on {@link TemplateVersion} inserts. The template ids are kept per query
 * runner until its transaction commits (a rolled-back publication is forgotten); then the
 * schedules that follow those templates' latest version get their Temporal action rewritten.
 * In-process only: another API process's publications are caught by the schedules' sweep.
 */
@Injectable()
export class TemplatePublicationSubscriber
  implements EntitySubscriberInterface<TemplateVersion>, OnModuleInit, OnModuleDestroy
{
  private readonly published = new WeakMap<QueryRunner, Set<string>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly schedules: SchedulesService,
  ) {}

  onModuleInit(): void {
    this.dataSource.subscribers.push(this);
  }

  onModuleDestroy(): void {
    const index = this.dataSource.subscribers.indexOf(this);
    if (index >= 0) this.dataSource.subscribers.splice(index, 1);
  }

  listenTo(): typeof TemplateVersion {
    return TemplateVersion;
  }

  afterInsert(event: InsertEvent<TemplateVersion>): void {
    const templateId = event.entity?.templateId;
    if (!templateId) return;
    if (!event.queryRunner.isTransactionActive) {
      this.follow([templateId]);
      return;
    }
    const ids = this.published.get(event.queryRunner) ?? new Set<string>();
    ids.add(templateId);
    this.published.set(event.queryRunner, ids);
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    const ids = this.published.get(event.queryRunner);
    if (!ids) return;
    this.published.delete(event.queryRunner);
    this.follow([...ids]);
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    this.published.delete(event.queryRunner);
  }

  /** After the publishing request's own work: it does not wait for Temporal. */
  private follow(templateIds: string[]): void {
    setImmediate(() => void this.schedules.followTemplates(templateIds));
  }
}
