import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { NODE_STATUSES, RUN_STATUSES, type NodeStatus, type RunStatus } from '../../../workflows/contract';
import type { JsonObject, JsonValue } from '../../../workflows/definition/types';
import { GraphQLJSON } from '../../common/graphql/json.scalar';
import { Paginated } from '../../common/graphql/pagination';
import { TemplateBoundModel } from '../../common/graphql/template-bound.model';

/** `RunStatus` / `NodeStatus` as GraphQL enums (same names and values as the interpreter's). */
export const RunStatusEnum = Object.fromEntries(RUN_STATUSES.map((status) => [status, status])) as {
  [S in RunStatus]: S;
};
export const NodeStatusEnum = Object.fromEntries(NODE_STATUSES.map((status) => [status, status])) as {
  [S in NodeStatus]: S;
};
registerEnumType(RunStatusEnum, {
  name: 'RunStatus',
  description:
    'WAITING: nothing can move until a person acts (an approval, or a node that failed with onFailure manual).',
});
registerEnumType(NodeStatusEnum, { name: 'NodeStatus' });

@ObjectType('RunError', { description: 'Why a run or a node failed.' })
export class RunErrorModel {
  @Field()
  type!: string;

  @Field()
  message!: string;
}

@ObjectType('RunPause', { description: 'Who paused a run, when, and at which breakpoint node.' })
export class RunPauseModel {
  @Field()
  by!: string;

  @Field()
  at!: string;

  @Field(() => String, { nullable: true })
  nodeId?: string | null;
}

@ObjectType('RunCallback', { description: "The run-end callback (startRun's callbackUrl) and how its delivery went." })
export class RunCallbackModel {
  @Field({ description: 'Where the final state is POSTed (credentials and query values masked).' })
  url!: string;

  @Field({ description: 'PENDING until the run ends, then DELIVERED or FAILED (refused, or its deadline passed).' })
  status!: string;

  @Field(() => Int, { description: 'POST attempts so far (retried with backoff).' })
  attempts!: number;

  @Field(() => String, { nullable: true, description: 'When it was delivered or given up (RFC 3339).' })
  at!: string | null;

  @Field(() => Int, { nullable: true, description: 'HTTP status of the last attempt, when there was a response.' })
  httpStatus!: number | null;

  @Field(() => RunErrorModel, { nullable: true, description: 'Why the last attempt failed, when it did.' })
  error!: RunErrorModel | null;
}

@ObjectType('ChildRun', { description: 'The child run a subflow node started (its latest execution).' })
export class ChildRunModel {
  @Field(() => ID, { description: "The child run's id: open it with run(id)." })
  id!: string;

  @Field(() => RunStatusEnum)
  status!: RunStatus;

  @Field(() => ID)
  templateId!: string;

  @Field()
  templateName!: string;

  @Field(() => Int, { description: 'The template version it runs, chosen when the parent started.' })
  version!: number;

  @Field({ description: "The child's Temporal workflow id: <parent workflow id>/<node id>." })
  temporalWorkflowId!: string;
}

@ObjectType('NodeRun', { description: 'The state of one node of a run.' })
export class NodeRunModel {
  @Field({ description: "The node's id in the definition." })
  nodeId!: string;

  @Field({ description: 'Plugin type, gateway or built-in node type.' })
  type!: string;

  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field(() => NodeStatusEnum)
  status!: NodeStatus;

  @Field(() => Int, { description: 'Activity attempts, across Temporal retries and operator retries.' })
  attempts!: number;

  @Field(() => Int, { description: 'How many times the node was started: 1 plus operator retries.' })
  executions!: number;

  @Field(() => Date, { nullable: true, description: 'When its latest execution started.' })
  startedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When its latest execution ended.' })
  endedAt!: Date | null;

  @Field(() => GraphQLJSON, { nullable: true, description: 'Its `with`, expressions resolved.' })
  input!: JsonValue | null;

  @Field(() => GraphQLJSON, { nullable: true })
  output!: JsonValue | null;

  @Field(() => RunErrorModel, { nullable: true, description: 'Its last error.' })
  error!: RunErrorModel | null;

  @Field(() => String, { nullable: true, description: 'Why it was SKIPPED: dead-path, on-failure or operator.' })
  skipReason!: string | null;

  @Field(() => String, { nullable: true, description: 'While WAITING: operator (retry or skip it) or approval.' })
  waitingFor!: string | null;

  @Field(() => GraphQLJSON, {
    nullable: true,
    description: 'The rest of what the interpreter reports about the node (reused, approval, breakpoint...).',
  })
  details!: JsonObject | null;

  @Field(() => ChildRunModel, { nullable: true, description: 'Subflow nodes: the child run they started.' })
  childRun!: ChildRunModel | null;
}

@ObjectType('Run', { description: 'One execution of a template version.' })
export class RunModel extends TemplateBoundModel {
  @Field(() => ID, { description: 'The pinned template version.' })
  templateVersionId!: string;

  @Field(() => Int, { description: 'The pinned template version number.' })
  version!: number;

  @Field(() => RunStatusEnum)
  status!: RunStatus;

  @Field(() => GraphQLJSON, { description: 'Inputs as validated, defaults applied.' })
  inputs!: JsonObject;

  @Field(() => GraphQLJSON, { nullable: true })
  outputs!: JsonObject | null;

  @Field(() => RunErrorModel, { nullable: true, description: 'Why the run failed or was cancelled.' })
  error!: RunErrorModel | null;

  @Field(() => RunPauseModel, { nullable: true, description: 'Set while the run is paused.' })
  paused!: RunPauseModel | null;

  /** What the interpreter last reported of `RunState.waitingOn`; the field adds Temporal's view (RunsResolver). */
  waitingOn!: JsonValue | null;

  @Field(() => RunCallbackModel, { nullable: true, description: 'Set when the run was started with a callbackUrl.' })
  callback!: RunCallbackModel | null;

  @Field({ description: 'Who started it: a username, token:<name> or schedule:<id>.' })
  startedBy!: string;

  @Field(() => String, { nullable: true, description: 'The idempotency key given to startRun.' })
  requestId!: string | null;

  @Field(() => Date, { nullable: true })
  startedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  endedAt!: Date | null;

  @Field({ description: 'The Temporal workflow id: <template>-<run id>.' })
  temporalWorkflowId!: string;

  @Field(() => String, { nullable: true, description: 'The Temporal run id, once the workflow started.' })
  temporalRunId!: string | null;

  @Field({ description: "The run's history in the Temporal Web UI." })
  temporalUiUrl!: string;

  /** Set on the runs of a list: their `waitingOn` is what the database knows (no call to Temporal per run). */
  listed?: boolean;

  @Field(() => ID, { nullable: true, description: 'Child runs: the run whose subflow node started this one.' })
  parentRunId!: string | null;

  @Field(() => String, { nullable: true, description: 'Child runs: the subflow node of the parent run.' })
  parentNodeId!: string | null;

  @Field(() => GraphQLJSON, {
    nullable: true,
    description:
      "The template versions of the run's subflow nodes, chosen when it started: " +
      '{ <nodeId>: { templateId, templateName, version, subflows? } }.',
  })
  subflows!: JsonValue | null;

  /** Loaded with the run for `run(id)` and the subscription; resolved lazily elsewhere. */
  nodes?: NodeRunModel[];
}

@ObjectType()
export class RunPage extends Paginated(RunModel) {}
