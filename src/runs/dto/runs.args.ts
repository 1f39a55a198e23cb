import { ArgsType, Field, ID } from '@nestjs/graphql';
import { IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import type { RunStatus } from '../../../workflows/contract';
import type { JsonObject } from '../../../workflows/definition/types';
import { GraphQLJSON } from '../../common/graphql/json.scalar';
import { FirstArg } from '../../common/graphql/pagination';
import { RunStatusEnum } from './run.model';

@ArgsType()
export class RunsArgs {
  @Field(() => ID)
  projectId!: string;

  @Field(() => ID, { nullable: true })
  templateId?: string | null;

  @Field(() => RunStatusEnum, { nullable: true })
  status?: RunStatus | null;

  @Field(() => String, { nullable: true, description: 'Who started them (username, token:<name>...).' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  startedBy?: string | null;

  @Field(FirstArg.type, { nullable: true, description: 'Page size, 1 to 200 (default 50).' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'The endCursor of the previous page.' })
  after?: string | null;
}

/** A node operation; it also reaches nodes inside subflows: `nodeId` may be a path `sub_a/sub_b/flaky`. */
@ArgsType()
export class NodeOperationArgs {
  @Field(() => ID)
  runId!: string;

  @Field({
    description: 'A node id, or a path through subflow nodes to a node of a child run: sub_a/sub_b/flaky.',
  })
  @IsString()
  @Length(1, 650)
  @Matches(/^[a-z][a-z0-9_]*(\/[a-z][a-z0-9_]*){0,9}$/, {
    message: 'must be a node id ([a-z][a-z0-9_]*) or a path of node ids through subflows (sub_a/flaky)',
  })
  nodeId!: string;
}

@ArgsType()
export class RetryNodeArgs extends NodeOperationArgs {
  @Field(() => GraphQLJSON, {
    nullable: true,
    description: "New inputs, merged key by key over the node's `with` (expressions allowed).",
  })
  with?: JsonObject | null;
}

@ArgsType()
export class CancelRunArgs {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true, description: 'Why, for the run record.' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string | null;
}

@ArgsType()
export class SkipNodeArgs extends NodeOperationArgs {
  @Field(() => String, {
    nullable: true,
    description: 'For a failed exclusive gateway: the target node of the one outgoing edge to take.',
  })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  takeEdgeTo?: string | null;
}

@ArgsType()
export class RejectNodeArgs extends NodeOperationArgs {
  @Field(() => String, { nullable: true, description: 'Why, for the run state and the audit log.' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  comment?: string | null;
}

@ArgsType()
export class ApproveNodeArgs extends RejectNodeArgs {
  @Field(() => GraphQLJSON, {
    nullable: true,
    description: "Values for the approval's form, checked against its JSON Schema; they become the node's output.",
  })
  values?: JsonObject | null;
}

@ArgsType()
export class ForceFailNodeArgs extends NodeOperationArgs {
  @Field(() => String, { nullable: true, description: 'Why, for the node error.' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string | null;
}

@ArgsType()
export class CloneRunArgs {
  @Field(() => ID)
  runId!: string;
}

@ArgsType()
export class RerunRunArgs extends CloneRunArgs {
  @Field(() => [String], {
    nullable: true,
    description:
      'Run these nodes and everything downstream of them again; other nodes that succeeded reuse their outputs. ' +
      'Every succeeded node is reused when absent or empty.',
  })
  @IsOptional()
  @IsString({ each: true })
  @Matches(/^[a-z][a-z0-9_]*$/, { each: true, message: 'must be a node id ([a-z][a-z0-9_]*)' })
  fromNodes?: string[] | null;

  @Field(() => GraphQLJSON, { nullable: true, description: 'Inputs of the new run; those of the old run when absent.' })
  inputs?: JsonObject | null;
}
