import { Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { InjectConfig } from '../config/config.module';
import type { SwitchyardConfig } from '../config/config';
import { TERMINAL_RUN_STATUSES } from '../../workflows/contract';
import type { RunModel } from './dto/run.model';
import { RUN_UPDATED_CHANNEL } from './run-progress.store';
import { RunsService } from './runs.service';

/** The part of a `pg` client the listener uses (pg ships no types of its own). */
interface ListenClient {
  connect(): Promise<void>;
  query(sql: string): Promise<unknown>;
  end(): Promise<void>;
  on(event: 'notification', listener: (message: { channel: string; payload?: string }) => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
  on(event: 'end', listener: () => void): void;
}

type ListenClientConstructor = new (config: { connectionString?: string; application_name?: string }) => ListenClient;

const SETTLED_NODE_STATUSES: ReadonlySet<string> = new Set(['SUCCEEDED', 'FAILED', 'SKIPPED', 'CANCELLED']);

/** A terminal run whose nodes all ended: nothing about it changes any more. */
export function isSettled(run: RunModel): boolean {
  return (
    TERMINAL_RUN_STATUSES.includes(run.status) &&
    (run.nodes ?? []).every((node) => SETTLED_NODE_STATUSES.has(node.status))
  );
}

/** Longest wait between attempts to get the LISTEN connection back. */
const MAX_RECONNECT_MS = 10_000;

/**
 * An async iterator that always yields the newest value: a slow subscriber skips intermediate
 * states instead of queueing them (a run's latest state is all a watcher needs).
 */
export class LatestValueIterator<T> implements AsyncIterableIterator<T> {
  private latest: { value: T } | undefined;
  private waiting: ((result: IteratorResult<T>) => void) | undefined;
  private done = false;
  /** The last value was pushed: complete once it is consumed. */
  private ending = false;

  constructor(private readonly onClose: () => void) {}

  push(value: T): void {
    if (this.done || this.ending) return;
    const waiting = this.waiting;
    if (waiting) {
      this.waiting = undefined;
      waiting({ value, done: false });
    } else this.latest = { value };
  }

  /** Yields `value` as the last one, then completes. */
  pushLast(value: T): void {
    if (this.done || this.ending) return;
    this.push(value);
    this.ending = true;
    if (!this.latest) void this.return();
  }

  next(): Promise<IteratorResult<T>> {
    if (this.latest) {
      const { value } = this.latest;
      this.latest = undefined;
      if (this.ending) void this.return();
      return Promise.resolve({ value, done: false });
    }
    if (this.done || this.ending) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  return(): Promise<IteratorResult<T>> {
    if (!this.done) {
      this.done = true;
      this.latest = undefined;
      this.onClose();
      this.waiting?.({ value: undefined, done: true });
      this.waiting = undefined;
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(): Promise<IteratorResult<T>> {
    return this.return();
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}

/**
 * Live run updates for `runUpdated`: one dedicated PostgreSQL connection LISTENs on
 * `switchyard_run_updated` (the recorder, the reconciler and the API notify it with a run id on
 * every change); for a run someone watches, the run is read once per notification burst and
 * pushed to that run's subscribers only.
 */
@Injectable()
export class RunEventsService implements OnModuleInit, OnApplicationShutdown {
  private client: ListenClient | undefined;
  private stopped = false;
  private reconnectDelay = 500;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private readonly subscribers = new Map<string, Set<LatestValueIterator<RunModel>>>();
  /** Runs being read right now; `true` when another notification came in meanwhile. */
  private readonly loading = new Map<string, boolean>();

  constructor(
    @InjectConfig() private readonly config: SwitchyardConfig,
    private readonly dataSource: DataSource,
    private readonly runs: RunsService,
    @InjectPinoLogger(RunEventsService.name) private readonly logger: PinoLogger,
  ) {}

  async onModuleInit(): Promise<void> {
    try {
      await this.connect();
    } catch (error) {
      this.logger.warn({ err: error }, 'Could not LISTEN for run updates yet; retrying');
      this.scheduleReconnect();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    for (const iterators of [...this.subscribers.values()])
      for (const iterator of [...iterators]) void iterator.return();
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  /** Subscribes to one run: yields its current state at once, then every change. */
  subscribe(runId: string): AsyncIterableIterator<RunModel> {
    const iterator = new LatestValueIterator<RunModel>(() => {
      const set = this.subscribers.get(runId);
      set?.delete(iterator);
      if (set?.size === 0) this.subscribers.delete(runId);
    });
    let set = this.subscribers.get(runId);
    if (!set) {
      set = new Set();
      this.subscribers.set(runId, set);
    }
    set.add(iterator);
    // Through the same path as notifications, so an older read never overtakes a newer one.
    this.refresh(runId);
    return iterator;
  }

  /** How many subscriptions are open (for tests and metrics). */
  get subscriptionCount(): number {
    let count = 0;
    for (const set of this.subscribers.values()) count += set.size;
    return count;
  }

  private async connect(): Promise<void> {
    // The `pg` module TypeORM loaded: a connection of its own, outside the pool, for LISTEN.
    const { Client } = (this.dataSource.driver as unknown as { postgres: { Client: ListenClientConstructor } })
      .postgres;
    const client = new Client({ connectionString: this.config.databaseUrl, application_name: 'switchyard-listen' });
    client.on('notification', (message) => this.onNotification(message));
    client.on('error', (error) => {
      this.logger.warn({ err: error }, 'The run-updates LISTEN connection failed; reconnecting');
      this.dropConnection(client);
    });
    client.on('end', () => this.dropConnection(client));
    await client.connect();
    await client.query(`LISTEN ${RUN_UPDATED_CHANNEL}`);
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.reconnectDelay = 500;
    // Whatever changed while we were not listening: refresh every watched run.
    for (const runId of this.subscribers.keys()) this.refresh(runId);
  }

  private dropConnection(client: ListenClient): void {
    if (this.client !== client) return;
    this.client = undefined;
    void client.end().catch(() => undefined);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.connect().catch((error: unknown) => {
        this.logger.warn({ err: error }, 'Could not LISTEN for run updates; retrying');
        this.reconnectDelay = Math.min(this.reconnectDelay * 2, MAX_RECONNECT_MS);
        this.scheduleReconnect();
      });
    }, this.reconnectDelay);
    this.reconnectTimer.unref();
  }

  private onNotification(message: { channel: string; payload?: string }): void {
    if (message.channel !== RUN_UPDATED_CHANNEL || !message.payload) return;
    if (this.subscribers.has(message.payload)) this.refresh(message.payload);
  }

  /** Reads the run and pushes it to its subscribers; notifications during a read cause one more read. */
  private refresh(runId: string): void {
    if (this.loading.has(runId)) {
      this.loading.set(runId, true);
      return;
    }
    this.loading.set(runId, false);
    void this.runs
      .get(runId)
      .then(
        (run) => {
          // A finished run whose nodes all settled changes no more: its subscriptions complete.
          const last = isSettled(run);
          for (const iterator of [...(this.subscribers.get(runId) ?? [])]) {
            if (last) iterator.pushLast(run);
            else iterator.push(run);
          }
        },
        (error: unknown) => this.logger.warn({ err: error, runId }, 'Could not read an updated run'),
      )
      .finally(() => {
        const again = this.loading.get(runId);
        this.loading.delete(runId);
        if (again && this.subscribers.has(runId)) this.refresh(runId);
      });
  }
}
