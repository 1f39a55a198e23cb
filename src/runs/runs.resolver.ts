import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import type { JsonValue } from '../../workflows/definition/types';
import { Audit } from '../audit/audit.decorator';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import { Permission } from '../common/auth/permissions';
import type { Principal } from '../common/auth/principal';
import { GraphQLJSON } from '../common/graphql/json.scalar';
import { projectArg, projectOf, projectOfParent, RequirePermission } from '../common/auth/require-permission.decorator';
import { NodeRunModel, RunModel, RunPage } from './dto/run.model';
import {
  ApproveNodeArgs,
  CancelRunArgs,
  CloneRunArgs,
  ForceFailNodeArgs,
  NodeOperationArgs,
  RejectNodeArgs,
  RerunRunArgs,
  RetryNodeArgs,
  RunsArgs,
  SkipNodeArgs,
} from './dto/runs.args';
import { StartRunInput } from './dto/start-run.input';
import { RunControlService } from './run-control.service';
import { RunEventsService } from './run-events.service';
import { RunLauncherService } from './run-launcher.service';
import { RunWaitingService } from './run-waiting.service';
import { RunsService } from './runs.service';

const runAudit = {
  resourceType: 'run',
  resourceId: ({ args }: { args: { id?: string; runId?: string } }) => args.id ?? args.runId,
};

/** Runs: read them (from PostgreSQL), start them, steer them, watch them live. */
@Resolver(() => RunModel)
export class RunsResolver {
  constructor(
    private readonly runsService: RunsService,
    private readonly launcher: RunLauncherService,
    private readonly control: RunControlService,
    private readonly events: RunEventsService,
    private readonly waiting: RunWaitingService,
  ) {}

  @Query(() => RunPage, { description: "A project's runs, newest first." })
  @RequirePermission(Permission.PROJECT_READ, { project: projectArg('projectId') })
  runs(@Args() args: RunsArgs): Promise<RunPage> {
    return this.runsService.list(args);
  }

  @Query(() => RunModel)
  @RequirePermission(Permission.PROJECT_READ, { project: projectOf('run', 'id') })
  run(@Args('id', { type: () => ID }) id: string): Promise<RunModel> {
    return this.runsService.get(id);
  }

  @ResolveField(() => [NodeRunModel], { description: 'Every node of the run, in the order of the definition.' })
  @RequirePermission(Permission.PROJECT_READ, { project: projectOfParent('projectId') })
  nodes(@Parent() run: RunModel): Promise<NodeRunModel[]> | NodeRunModel[] {
    return run.nodes ?? this.runsService.nodes(run.id);
  }

  @ResolveField(() => GraphQLJSON, {
    nullable: true,
    description:
      'Why nothing moves right now: [{ kind, nodeId?, taskQueue?, message }]. From the run (approval, operator, ' +
      'paused, breakpoint) and, while it runs, from Temporal (retrying: a node between attempts; no-worker: a ' +
      'task queue nobody polls).',
  })
  @RequirePermission(Permission.PROJECT_READ, { project: projectOfParent('projectId') })
  waitingOn(@Parent() run: RunModel): Promise<JsonValue | null> {
    return this.waiting.waitingOn(run);
  }

  @Mutation(() => RunModel, {
    description:
      'Starts a run of a template version (the latest when version is absent). With a requestId, repeating the ' +
      'call returns the same run and starts nothing twice.',
  })
  @RequirePermission(Permission.RUN_START, { project: projectOf('template', 'input.templateId') })
  @Audit<{ input: StartRunInput }, RunModel>({ resourceType: 'run', resourceId: ({ result }) => result?.id })
  startRun(@Args('input') input: StartRunInput, @CurrentPrincipal() principal: Principal): Promise<RunModel> {
    return this.launcher.start(input, principal);
  }

  @Mutation(() => RunModel, { description: 'Pauses a run: no new node starts; running ones finish.' })
  @RequirePermission(Permission.RUN_OPERATE, { project: projectOf('run', 'id') })
  @Audit(runAudit)
  pauseRun(@Args('id', { type: () => ID }) id: string, @CurrentPrincipal() principal: Principal): Promise<RunModel> {
    return this.control.pause(id, principal);
  }

  @Mutation(() => RunModel, { description: 'Resumes a paused run.' })
  @RequirePermission(Permission.RUN_OPERATE, { project: projectOf('run', 'id') })
  @Audit(runAudit)
  resumeRun(@Args('id', { type: () => ID }) id: string, @CurrentPrincipal() principal: Principal): Promise<RunModel> {
    return this.control.resume(id, principal);
  }

  @Mutation(() => RunModel, {
    description: 'Cancels a run: running activities are cancelled, pending nodes CANCELLED, the run CANCELLED.',
  })
  @RequirePermission(Permission.RUN_OPERATE, { project: projectOf('run', 'id') })
  @Audit(runAudit)
  cancelRun(@Args() args: CancelRunArgs, @CurrentPrincipal() principal: Principal): Promise<RunModel> {
    return this.control.cancel(args.id, principal, args.reason);
  }

  @Mutation(() => RunModel, {
    description: 'Runs a failed (onFailure: manual) node again, optionally with new inputs merged over its `with`.',
  })
  @RequirePermission(Permission.RUN_OPERATE, { project: projectOf('run', 'runId') })
  @Audit(runAudit)
  retryNode(@Args() args: RetryNodeArgs, @CurrentPrincipal() principal: Principal): Promise<RunModel> {
    return this.control.retryNode(args.runId, args.nodeId, principal, args.with);
  }

  @Mutation(() => RunModel, {
    description:
      'Skips a FAILED or WAITING node; the run goes on. A failed exclusive gateway goes down the edge to `takeEdgeTo`.',
  })
  @RequirePermission(Permission.RUN_OPERATE, { project: projectOf('run', 'runId') })
  @Audit(runAudit)
  skipNode(@Args() args: SkipNodeArgs, @CurrentPrincipal() principal: Principal): Promise<RunModel> {
    return this.control.skipNode(args.runId, args.nodeId, principal, args.takeEdgeTo);
  }

  @Mutation(() => RunModel, {
    description:
      "Approves an approval node; `values` (checked against the approval's form) become its output. FORBIDDEN " +
      'when the approval names other deciders or forbids the starter.',
  })
  @RequirePermission(Permission.APPROVAL_DECIDE, { project: projectOf('run', 'runId') })
  @Audit(runAudit)
  approveNode(@Args() args: ApproveNodeArgs, @CurrentPrincipal() principal: Principal): Promise<RunModel> {
    return this.control.approveNode(args.runId, args.nodeId, principal, args.comment, args.values);
  }

  @Mutation(() => RunModel, { description: 'Rejects an approval node: it fails and its onFailure applies.' })
  @RequirePermission(Permission.APPROVAL_DECIDE, { project: projectOf('run', 'runId') })
  @Audit(runAudit)
  rejectNode(@Args() args: RejectNodeArgs, @CurrentPrincipal() principal: Principal): Promise<RunModel> {
    return this.control.rejectNode(args.runId, args.nodeId, principal, args.comment);
  }

  @Mutation(() => RunModel, {
    description: 'Fails a RUNNING node now (its activity is cancelled); its onFailure applies.',
  })
  @RequirePermission(Permission.RUN_OPERATE, { project: projectOf('run', 'runId') })
  @Audit(runAudit)
  forceFailNode(@Args() args: ForceFailNodeArgs, @CurrentPrincipal() principal: Principal): Promise<RunModel> {
    return this.control.forceFailNode(args.runId, args.nodeId, principal, args.reason);
  }

  @Mutation(() => RunModel, { description: 'Sets a breakpoint: the run pauses before that node starts.' })
  @RequirePermission(Permission.RUN_OPERATE, { project: projectOf('run', 'runId') })
  @Audit(runAudit)
  pauseAtNode(@Args() args: NodeOperationArgs, @CurrentPrincipal() principal: Principal): Promise<RunModel> {
    return this.control.pauseAtNode(args.runId, args.nodeId, principal);
  }

  @Mutation(() => RunModel, { description: 'Removes a breakpoint set with pauseAtNode.' })
  @RequirePermission(Permission.RUN_OPERATE, { project: projectOf('run', 'runId') })
  @Audit(runAudit)
  clearBreakpoint(@Args() args: NodeOperationArgs, @CurrentPrincipal() principal: Principal): Promise<RunModel> {
    return this.control.clearBreakpoint(args.runId, args.nodeId, principal);
  }

  @Mutation(() => RunModel, {
    description:
      'A new run of the same template version and inputs (overridden by `inputs` when given) that reuses the ' +
      'outputs of the nodes that succeeded, except those at or downstream of `fromNodes`.',
  })
  @RequirePermission(Permission.RUN_START, { project: projectOf('run', 'runId') })
  @Audit<RerunRunArgs, RunModel>({ resourceType: 'run', resourceId: ({ result }) => result?.id })
  rerunRun(@Args() args: RerunRunArgs, @CurrentPrincipal() principal: Principal): Promise<RunModel> {
    return this.launcher.rerun(args.runId, principal, args.fromNodes, args.inputs);
  }

  @Mutation(() => RunModel, { description: 'A new run of the same template version with the same inputs.' })
  @RequirePermission(Permission.RUN_START, { project: projectOf('run', 'runId') })
  @Audit<CloneRunArgs, RunModel>({ resourceType: 'run', resourceId: ({ result }) => result?.id })
  cloneRun(@Args() args: CloneRunArgs, @CurrentPrincipal() principal: Principal): Promise<RunModel> {
    return this.launcher.clone(args.runId, principal);
  }

  @Subscription(() => RunModel, {
    description: 'The run with its nodes: at once, then after every change (the newest state when changes are quick).',
    resolve: (run: RunModel) => run,
  })
  @RequirePermission(Permission.PROJECT_READ, { project: projectOf('run', 'runId') })
  runUpdated(@Args('runId', { type: () => ID }) runId: string): AsyncIterableIterator<RunModel> {
    return this.events.subscribe(runId);
  }
}
