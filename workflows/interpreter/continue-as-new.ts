/**
 * When and how a run continues as new: Temporal suggests it once the history nears its limits
 * (4,096 events or 4 MB by default), or the input sets a smaller event budget. The interpreter
 * then stops launching, lets running nodes finish, waits for update handlers, and hands its
 * state ({@link ContinuedRun}) to a new execution of the same workflow id.
 */
import * as wf from '@temporalio/workflow';
import type { InterpreterInput, RunState } from '../contract';
import type { RunMachine } from './run-machine';

/**
 * True when the run should continue as new. The input's event budget counts only once this
 * execution launched a node, so a tiny budget cannot make executions hand over forever.
 */
export function continueAsNewDue(input: InterpreterInput, launchedHere: boolean): boolean {
  const info = wf.workflowInfo();
  if (info.continueAsNewSuggested) return true;
  const budget = input.continueAsNewAfterEvents;
  return budget !== undefined && launchedHere && info.historyLength >= budget;
}

/** Nothing in flight but approvals waiting for a decision (those carry over as state). */
export function drainedForContinueAsNew(machine: RunMachine, inflight: Iterable<string>): boolean {
  for (const id of inflight) if (machine.nodes[id].status !== 'WAITING') return false;
  return wf.allHandlersFinished();
}

/** The input of the next execution: the same plan and run, with the state carried. */
export function continuedInput(input: InterpreterInput, machine: RunMachine): InterpreterInput {
  const generation = (input.continued?.generation ?? 0) + 1;
  return { ...input, continued: machine.carry(generation) };
}

/** Hands the run to a new execution (same workflow id, same Switchyard run id); never returns. */
export function continueRun(next: InterpreterInput): Promise<RunState> {
  return wf.continueAsNew<(input: InterpreterInput) => Promise<RunState>>(next);
}
