/** The shapes of what the GraphQL API returns, as far as the frontend reads them. */
import type { Definition, JsonObject, JsonSchema, JsonValue } from '../lib/definition';

export type Role = 'VIEWER' | 'OPERATOR' | 'EDITOR' | 'OWNER';
export const ROLES: readonly Role[] = ['VIEWER', 'OPERATOR', 'EDITOR', 'OWNER'];

/** True when `role` is `minimum` or more powerful (each role includes the ones before it). */
export function roleAtLeast(role: Role | null | undefined, minimum: Role): boolean {
  return role != null && ROLES.indexOf(role) >= ROLES.indexOf(minimum);
}

export interface User {
  id: string;
  username: string;
  isAdmin: boolean;
}

export interface Project {
  id: string;
  name: string;
  description: string | null;
  myRole: Role | null;
}

export interface Membership {
  id: string;
  role: Role;
  createdAt: string;
  user: { id: string; username: string };
}

export interface TemplateVersion {
  id: string;
  templateId: string;
  version: number;
  definition: Definition;
  contentHash: string;
  author: string;
  createdAt: string;
}

export interface Template {
  id: string;
  projectId: string;
  name: string;
  description: string | null;
  latestVersionNumber: number;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

export interface PluginInfo {
  type: string;
  version: string;
  title: string;
  description: string | null;
  inputSchema: JsonSchema;
  outputSchema: JsonSchema | null;
  defaults: JsonObject;
  deprecated: boolean;
  deprecationReason: string | null;
  examples: Array<{ title: string; with: JsonObject }>;
}

export interface DefinitionValidation {
  valid: boolean;
  problems: Array<{ path: string; message: string }>;
  warnings: Array<{ path: string; message: string }>;
}

export const RUN_STATUSES = ['PENDING', 'RUNNING', 'PAUSED', 'WAITING', 'SUCCEEDED', 'FAILED', 'CANCELLED'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const TERMINAL_RUN_STATUSES: readonly RunStatus[] = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

export const NODE_STATUSES = ['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'SKIPPED', 'CANCELLED', 'WAITING'] as const;
export type NodeStatus = (typeof NODE_STATUSES)[number];

export interface RunError {
  type: string;
  message: string;
}

/** One entry of `run.waitingOn`: why nothing moves. */
export interface WaitingReason {
  kind: string;
  nodeId?: string | null;
  message: string;
}

export interface NodeRun {
  nodeId: string;
  type: string;
  name: string | null;
  status: NodeStatus;
  attempts: number;
  executions: number;
  startedAt: string | null;
  endedAt: string | null;
  input: JsonValue | null;
  output: JsonValue | null;
  error: RunError | null;
  skipReason: string | null;
  waitingFor: string | null;
  details: JsonObject | null;
  /** Subflow nodes: the child run they started. */
  childRun: { id: string; status: RunStatus; templateName: string; version: number } | null;
}

export interface RunSummary {
  id: string;
  templateId: string;
  templateName: string;
  version: number;
  status: RunStatus;
  startedBy: string;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  waitingOn: WaitingReason[] | null;
  scheduleId: string | null;
}

export interface Run extends RunSummary {
  projectId: string;
  templateVersionId: string;
  inputs: JsonObject;
  outputs: JsonObject | null;
  error: RunError | null;
  paused: { by: string; at: string; nodeId: string | null } | null;
  updatedAt: string;
  temporalWorkflowId: string;
  temporalRunId: string | null;
  temporalUiUrl: string;
  /** A subflow's child run: the run and node that started it. */
  parentRunId: string | null;
  parentNodeId: string | null;
  nodes: NodeRun[];
}

export interface AuditLogEntry {
  id: string;
  at: string;
  actor: string;
  action: string;
  resourceType: string | null;
  resourceId: string | null;
  outcome: 'SUCCESS' | 'DENIED' | 'FAILED';
  errorCode: string | null;
  detail: JsonValue;
}

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export const OVERLAP_POLICIES = [
  'SKIP',
  'BUFFER_ONE',
  'BUFFER_ALL',
  'CANCEL_OTHER',
  'TERMINATE_OTHER',
  'ALLOW_ALL',
] as const;
export type OverlapPolicy = (typeof OVERLAP_POLICIES)[number];

export interface Schedule {
  id: string;
  name: string;
  templateId: string;
  templateName: string;
  version: number | null;
  followLatest: boolean;
  actionVersion: number | null;
  spec: { cron: string | null; intervalSeconds: number | null; at: string | null; timezone: string | null };
  inputs: JsonObject;
  overlap: OverlapPolicy;
  catchupWindowSeconds: number | null;
  paused: boolean;
  note: string | null;
  nextActionTimes: string[];
  recentActions: Array<{ runId: string; scheduledAt: string; takenAt: string }>;
  runningRunIds: string[];
  actionCount: number;
  skippedOverlapCount: number;
  missedCatchupWindowCount: number;
  createdBy: string;
  createdAt: string;
  temporalUiUrl: string;
}
