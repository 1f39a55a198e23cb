import type { SwitchyardConfig } from '../config/config';

/**
 * What the runs feature reads from the configuration beyond the basics, with defaults:
 * `publicUrl` (`SWITCHYARD_PUBLIC_URL`: where the admin UI is reachable, for links from the
 * Temporal UI) and `runs.reconcileIntervalSeconds` (`RECONCILE_INTERVAL`).
 */
export interface RunsSettings {
  /** Base URL of the admin UI, without a trailing slash. */
  publicUrl: string;
  /** How often the reconciler compares live runs with Temporal. */
  reconcileIntervalMs: number;
  /** A PENDING row with no workflow this old was orphaned by a crash: the reconciler starts it. */
  orphanAfterMs: number;
  /**
   * `runs.pollerFreshSeconds` (default 90): a worker not seen polling for longer counts as gone in
   * `run.waitingOn` (a live worker polls again at least every minute).
   */
  pollerFreshMs: number;
}

type RunsConfig = SwitchyardConfig & {
  publicUrl?: string;
  runs?: { reconcileIntervalSeconds?: number; pollerFreshSeconds?: number };
};

export const DEFAULT_RECONCILE_INTERVAL_SECONDS = 30;
export const DEFAULT_POLLER_FRESH_SECONDS = 90;

export function runsSettings(config: SwitchyardConfig): RunsSettings {
  const extended = config as RunsConfig;
  return {
    publicUrl: (extended.publicUrl ?? `http://localhost:${config.port || 3000}`).replace(/\/+$/, ''),
    reconcileIntervalMs: (extended.runs?.reconcileIntervalSeconds ?? DEFAULT_RECONCILE_INTERVAL_SECONDS) * 1000,
    orphanAfterMs: 60_000,
    pollerFreshMs: (extended.runs?.pollerFreshSeconds ?? DEFAULT_POLLER_FRESH_SECONDS) * 1000,
  };
}
