import { Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
// The SDK's own encoder of search-attribute types (not re-exported by the package index).
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { SWITCHYARD_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { InjectConfig } from '../config/config.module';
import type { SwitchyardConfig } from '../config/config';
import { ReadinessService } from '../health/readiness.service';
import { payloadDataConverter } from './payload-codec';

/** Where the Temporal Web UI of the dev server listens by default (frontend port + 1000). */
export const DEFAULT_TEMPORAL_UI_URL = 'http://localhost:8233';

/** How long a readiness probe or a search-attribute check may take. */
const PROBE_DEADLINE_MS = 3000;
/** After a failed search-attribute check, the next start tries again no sooner than this. */
const SEARCH_ATTRIBUTES_RETRY_MS = 60_000;

/**
 * Settings of the Temporal client that the configuration may carry beyond `config.temporal`'s
 * address, namespace and task queue (`TEMPORAL_UI_URL`).
 */
export interface TemporalSettings {
  address?: string;
  namespace: string;
  taskQueue: string;
  /** The Web UI's base URL, for links to a run's history. */
  uiUrl: string;
}

/** Reads the Temporal settings from the platform configuration, with defaults. */
export function temporalSettings(config: SwitchyardConfig): TemporalSettings {
  const temporalConfig = config.temporal as SwitchyardConfig['temporal'] & { uiUrl?: string };
  return {
    address: temporalConfig.address,
    namespace: temporalConfig.namespace,
    taskQueue: temporalConfig.taskQueue,
    uiUrl: (temporalConfig.uiUrl ?? DEFAULT_TEMPORAL_UI_URL).replace(/\/+$/, ''),
  };
}

/** Thrown when the API has no Temporal to talk to (`TEMPORAL_ADDRESS` unset in a bare API process). */
export class TemporalNotConfiguredError extends Error {
  constructor() {
    super('Temporal is not configured (TEMPORAL_ADDRESS is unset)');
    this.name = 'TemporalNotConfiguredError';
  }
}

/**
 * THE Temporal client of the API (the only code in src/ that talks to `@temporalio/client`):
 * one lazy {@link Connection} and {@link Client} for the configured address and namespace, closed
 * on shutdown; a `temporal` check for `/readyz` (when an address is configured); and, at start, the Switchyard search attributes
 * made sure of (registered when missing). When they cannot be, runs start without them and a
 * warning is logged once.
 *
 * @example
 * const handle = await temporalClient.client.workflow.start('interpreter', { taskQueue: temporalClient.taskQueue, ... });
 */
@Injectable()
export class TemporalClientService implements OnModuleInit, OnApplicationShutdown {
  readonly settings: TemporalSettings;
  private readonly keyring: SwitchyardConfig['payloads']['keyring'];
  private connection?: Connection;
  private temporalClient?: Client;
  private searchAttributeCheck?: { at: number; result: Promise<boolean> };
  private warnedAboutSearchAttributes = false;

  constructor(
    @InjectConfig() config: SwitchyardConfig,
    private readonly readiness: ReadinessService,
    @InjectPinoLogger(TemporalClientService.name) private readonly logger: PinoLogger,
  ) {
    this.settings = temporalSettings(config);
    this.keyring = config.payloads.keyring;
  }

  get namespace(): string {
    return this.settings.namespace;
  }

  get taskQueue(): string {
    return this.settings.taskQueue;
  }

  /** Whether an address is configured at all. */
  get configured(): boolean {
    return this.settings.address !== undefined;
  }

  /** The client; throws {@link TemporalNotConfiguredError} when no address is configured. */
  get client(): Client {
    if (!this.temporalClient) throw new TemporalNotConfiguredError();
    return this.temporalClient;
  }

  onModuleInit(): void {
    if (this.settings.address) {
      // Lazy: the API starts (and /readyz reports) even while Temporal is still coming up.
      this.connection = Connection.lazy({ address: this.settings.address });
      // Every payload (run inputs, signals, updates, schedule actions, summaries) is encrypted.
      this.temporalClient = new Client({
        connection: this.connection,
        namespace: this.settings.namespace,
        dataConverter: payloadDataConverter(this.keyring),
      });
      void this.searchAttributesAvailable();
      this.readiness.register({ name: 'temporal', check: () => this.check() });
    } else {
      // An API process without Temporal (tests of the API alone): nothing to probe, runs cannot start.
      this.logger.warn('TEMPORAL_ADDRESS is unset: runs cannot start until Temporal is configured');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    this.temporalClient = undefined;
    await connection?.close().catch(() => undefined);
  }

  /** Resolves when the frontend answers for our namespace; the `/readyz` check. */
  async check(): Promise<void> {
    const connection = this.connection;
    if (!connection) throw new TemporalNotConfiguredError();
    await connection.withDeadline(Date.now() + PROBE_DEADLINE_MS, () =>
      connection.workflowService.describeNamespace({ namespace: this.settings.namespace }),
    );
  }

  /** Runs `fn` with a gRPC deadline `ms` from now (queries to a run without a worker otherwise hang). */
  withDeadline<T>(ms: number, fn: () => Promise<T>): Promise<T> {
    const connection = this.connection;
    if (!connection) return Promise.reject(new TemporalNotConfiguredError());
    return connection.withDeadline(Date.now() + ms, fn);
  }

  /**
   * Whether runs can carry the Switchyard search attributes: they exist in the namespace (added
   * now when missing). A failure is remembered for a minute, then checked again.
   */
  searchAttributesAvailable(): Promise<boolean> {
    const cached = this.searchAttributeCheck;
    if (cached) {
      const retry = Date.now() - cached.at > SEARCH_ATTRIBUTES_RETRY_MS;
      if (!retry) return cached.result;
      return cached.result.then((ok) => (ok ? true : this.recheckSearchAttributes()));
    }
    return this.recheckSearchAttributes();
  }

  private recheckSearchAttributes(): Promise<boolean> {
    const result = this.ensureSearchAttributes().then(
      () => true,
      (error: unknown) => {
        if (!this.warnedAboutSearchAttributes) {
          this.warnedAboutSearchAttributes = true;
          this.logger.warn(
            { err: error },
            'Could not make sure the Switchyard search attributes exist; runs start without them',
          );
        }
        return false;
      },
    );
    this.searchAttributeCheck = { at: Date.now(), result };
    return result;
  }

  private async ensureSearchAttributes(): Promise<void> {
    const connection = this.connection;
    if (!connection) throw new TemporalNotConfiguredError();
    const namespace = this.settings.namespace;
    const listed = await connection.withDeadline(Date.now() + PROBE_DEADLINE_MS, () =>
      connection.operatorService.listSearchAttributes({ namespace }),
    );
    const existing = { ...(listed.customAttributes ?? {}), ...(listed.systemAttributes ?? {}) };
    const missing: Record<string, NonNullable<ReturnType<typeof encodeSearchAttributeIndexedValueType>>> = {};
    for (const key of SWITCHYARD_SEARCH_ATTRIBUTES) {
      const wanted = encodeSearchAttributeIndexedValueType(key.type)!;
      const found = existing[key.name];
      if (found === undefined) missing[key.name] = wanted;
      else if (found !== wanted) {
        throw new Error(
          `search attribute ${key.name} exists with another type than ${TypedSearchAttributes.toMetadataType(key.type)}`,
        );
      }
    }
    if (Object.keys(missing).length === 0) return;
    await connection.withDeadline(Date.now() + PROBE_DEADLINE_MS * 3, () =>
      connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing }),
    );
    this.logger.info({ added: Object.keys(missing) }, 'Registered the Switchyard search attributes');
  }

  /** The Web UI page of a workflow's history. */
  workflowUiUrl(workflowId: string, runId?: string | null): string {
    const base = `${this.settings.uiUrl}/namespaces/${encodeURIComponent(this.settings.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
    return runId ? `${base}/${encodeURIComponent(runId)}/history` : base;
  }
}
