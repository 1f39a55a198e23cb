import type { CliIo } from './io';

/** Shared by the commands of one CLI invocation. */
export interface CliContext {
  io: CliIo;
  /** What the process exits with once the command returns. */
  exitCode: number;
}
