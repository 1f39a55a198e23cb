import type { RunStatus } from '../../workflows/contract';

/**
 * The CLI's exit codes (PRODUCT.md "CLI"). Scripts branch on them, so they never change meaning.
 * `UNAVAILABLE` extends the contract: the run could not be attempted (Temporal unreachable,
 * worker failed to start), which is neither a failed run nor an invalid definition.
 */
export const EXIT = {
  SUCCEEDED: 0,
  FAILED: 1,
  INVALID: 2,
  CANCELLED: 3,
  UNAVAILABLE: 4,
  /** A second Ctrl-C: stopped waiting for a cancelled run to finish (128 + SIGINT). */
  INTERRUPTED: 130,
} as const;

/** The exit code for a run that ended with `status`. */
export function exitCodeForStatus(status: RunStatus): number {
  switch (status) {
    case 'SUCCEEDED':
      return EXIT.SUCCEEDED;
    case 'CANCELLED':
      return EXIT.CANCELLED;
    default:
      return EXIT.FAILED;
  }
}
