/** The machine a figure was measured on, as every bench's result file records it. */
import { cpus, loadavg, totalmem } from 'node:os';

/** The 1-minute load average, to two decimals. */
export const load1m = (): number => Number(loadavg()[0].toFixed(2));

export interface MachineFacts {
  cpus: number;
  model: string | undefined;
  memoryGiB: number;
  loadAverage1m: number;
}

/** Cores, CPU model, memory and the load average now; `extra` adds a bench's own load readings. */
export function machineFacts<T extends object = object>(extra?: T): MachineFacts & T {
  return {
    cpus: cpus().length,
    model: cpus()[0]?.model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    loadAverage1m: load1m(),
    ...(extra as T),
  };
}
