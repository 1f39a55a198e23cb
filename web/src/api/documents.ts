/** Every GraphQL operation the frontend sends, in one place. */

export const LOGIN = /* GraphQL */ `
  mutation Login($username: String!, $password: String!) {
    login(username: $username, password: $password) {
      token
      expiresAt
      user {
        id
        username
        isAdmin
      }
    }
  }
`;

export const ME = /* GraphQL */ `
  query Me {
    me {
      id
      username
      isAdmin
    }
  }
`;

export const PROJECTS = /* GraphQL */ `
  query Projects {
    projects {
      id
      name
      description
      myRole
    }
  }
`;

export const CREATE_PROJECT = /* GraphQL */ `
  mutation CreateProject($input: CreateProjectInput!) {
    createProject(input: $input) {
      id
    }
  }
`;

export const MEMBERS = /* GraphQL */ `
  query Members($id: ID!) {
    project(id: $id) {
      id
      members {
        id
        role
        createdAt
        user {
          id
          username
        }
      }
    }
  }
`;

export const ADD_MEMBER = /* GraphQL */ `
  mutation AddMember($projectId: ID!, $username: String!, $role: ProjectRole!) {
    addMember(projectId: $projectId, username: $username, role: $role) {
      id
    }
  }
`;

export const CHANGE_MEMBER = /* GraphQL */ `
  mutation ChangeMember($projectId: ID!, $username: String!, $role: ProjectRole!) {
    changeMember(projectId: $projectId, username: $username, role: $role) {
      id
    }
  }
`;

export const REMOVE_MEMBER = /* GraphQL */ `
  mutation RemoveMember($projectId: ID!, $username: String!) {
    removeMember(projectId: $projectId, username: $username) {
      id
    }
  }
`;

export const AUDIT_LOG = /* GraphQL */ `
  query AuditLog($projectId: ID!, $first: Int, $after: String) {
    auditLog(projectId: $projectId, first: $first, after: $after) {
      nodes {
        id
        at
        actor
        action
        resourceType
        resourceId
        outcome
        errorCode
        detail
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

const TEMPLATE_FIELDS = /* GraphQL */ `
  id
  projectId
  name
  description
  latestVersionNumber
  createdBy
  createdAt
  updatedAt
  archived
`;

export const TEMPLATES = /* GraphQL */ `
  query Templates($projectId: ID!, $search: String, $includeArchived: Boolean) {
    templates(projectId: $projectId, search: $search, includeArchived: $includeArchived) {
      ${TEMPLATE_FIELDS}
    }
  }
`;

export const TEMPLATE = /* GraphQL */ `
  query Template($id: ID!) {
    template(id: $id) {
      ${TEMPLATE_FIELDS}
      versions {
        id
        templateId
        version
        definition
        contentHash
        author
        createdAt
      }
    }
  }
`;

export const TEMPLATE_VERSION = /* GraphQL */ `
  query TemplateVersion($id: ID!) {
    templateVersion(id: $id) {
      id
      templateId
      version
      definition
      contentHash
      author
      createdAt
    }
  }
`;

export const CREATE_TEMPLATE = /* GraphQL */ `
  mutation CreateTemplate($input: CreateTemplateInput!) {
    createTemplate(input: $input) {
      id
      latestVersionNumber
    }
  }
`;

export const UPDATE_TEMPLATE = /* GraphQL */ `
  mutation UpdateTemplate($input: UpdateTemplateInput!) {
    updateTemplate(input: $input) {
      id
      latestVersionNumber
    }
  }
`;

export const ARCHIVE_TEMPLATE = /* GraphQL */ `
  mutation ArchiveTemplate($id: ID!) {
    archiveTemplate(id: $id) {
      id
      archived
    }
  }
`;

export const UNARCHIVE_TEMPLATE = /* GraphQL */ `
  mutation UnarchiveTemplate($id: ID!) {
    unarchiveTemplate(id: $id) {
      id
      archived
    }
  }
`;

export const VALIDATE_DEFINITION = /* GraphQL */ `
  query ValidateDefinition($definition: JSON) {
    validateDefinition(definition: $definition) {
      valid
      problems {
        path
        message
      }
      warnings {
        path
        message
      }
    }
  }
`;

export const PLUGINS = /* GraphQL */ `
  query Plugins {
    plugins {
      type
      version
      title
      description
      inputSchema
      outputSchema
      defaults
      deprecated
      deprecationReason
      examples {
        title
        with
      }
    }
  }
`;

const RUN_SUMMARY_FIELDS = /* GraphQL */ `
  id
  templateId
  templateName
  version
  status
  startedBy
  createdAt
  startedAt
  endedAt
  waitingOn
  scheduleId
`;

const RUN_FIELDS = /* GraphQL */ `
  ${RUN_SUMMARY_FIELDS}
  projectId
  templateVersionId
  inputs
  outputs
  error {
    type
    message
  }
  paused {
    by
    at
    nodeId
  }
  updatedAt
  temporalWorkflowId
  temporalRunId
  temporalUiUrl
  parentRunId
  parentNodeId
  nodes {
    nodeId
    type
    name
    status
    attempts
    executions
    startedAt
    endedAt
    input
    output
    error {
      type
      message
    }
    skipReason
    waitingFor
    details
    childRun {
      id
      status
      templateName
      version
    }
  }
`;

export const RUNS = /* GraphQL */ `
  query Runs($projectId: ID!, $templateId: ID, $status: RunStatus, $startedBy: String, $first: Int, $after: String) {
    runs(
      projectId: $projectId
      templateId: $templateId
      status: $status
      startedBy: $startedBy
      first: $first
      after: $after
    ) {
      nodes {
        ${RUN_SUMMARY_FIELDS}
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

export const RUN = /* GraphQL */ `
  query Run($id: ID!) {
    run(id: $id) {
      ${RUN_FIELDS}
    }
  }
`;

export const RUN_UPDATED = /* GraphQL */ `
  subscription RunUpdated($runId: ID!) {
    runUpdated(runId: $runId) {
      ${RUN_FIELDS}
    }
  }
`;

export const START_RUN = /* GraphQL */ `
  mutation StartRun($input: StartRunInput!) {
    startRun(input: $input) {
      id
    }
  }
`;

/* The operations' results are re-read through `run(id)`; `__typename` fits whatever they return. */

export const PAUSE_RUN = /* GraphQL */ `
  mutation PauseRun($id: ID!) {
    pauseRun(id: $id) {
      __typename
    }
  }
`;

export const RESUME_RUN = /* GraphQL */ `
  mutation ResumeRun($id: ID!) {
    resumeRun(id: $id) {
      __typename
    }
  }
`;

export const CANCEL_RUN = /* GraphQL */ `
  mutation CancelRun($id: ID!, $reason: String) {
    cancelRun(id: $id, reason: $reason) {
      __typename
    }
  }
`;

export const RETRY_NODE = /* GraphQL */ `
  mutation RetryNode($runId: ID!, $nodeId: String!, $with: JSON) {
    retryNode(runId: $runId, nodeId: $nodeId, with: $with) {
      __typename
    }
  }
`;

export const SKIP_NODE = /* GraphQL */ `
  mutation SkipNode($runId: ID!, $nodeId: String!) {
    skipNode(runId: $runId, nodeId: $nodeId) {
      __typename
    }
  }
`;

export const APPROVE_NODE = /* GraphQL */ `
  mutation ApproveNode($runId: ID!, $nodeId: String!, $comment: String, $values: JSON) {
    approveNode(runId: $runId, nodeId: $nodeId, comment: $comment, values: $values) {
      __typename
    }
  }
`;

export const REJECT_NODE = /* GraphQL */ `
  mutation RejectNode($runId: ID!, $nodeId: String!, $comment: String) {
    rejectNode(runId: $runId, nodeId: $nodeId, comment: $comment) {
      __typename
    }
  }
`;

const SCHEDULE_FIELDS = /* GraphQL */ `
  id
  name
  templateId
  templateName
  version
  followLatest
  actionVersion
  spec {
    cron
    intervalSeconds
    at
    timezone
  }
  inputs
  overlap
  catchupWindowSeconds
  paused
  note
  nextActionTimes
  recentActions {
    runId
    scheduledAt
    takenAt
  }
  runningRunIds
  actionCount
  skippedOverlapCount
  missedCatchupWindowCount
  createdBy
  createdAt
  temporalUiUrl
`;

export const SCHEDULES = /* GraphQL */ `
  query Schedules($projectId: ID!) {
    schedules(projectId: $projectId) {
      ${SCHEDULE_FIELDS}
    }
  }
`;

export const CREATE_SCHEDULE = /* GraphQL */ `
  mutation CreateSchedule($input: CreateScheduleInput!) {
    createSchedule(input: $input) {
      id
    }
  }
`;

export const PAUSE_SCHEDULE = /* GraphQL */ `
  mutation PauseSchedule($id: ID!, $note: String) {
    pauseSchedule(id: $id, note: $note) {
      id
    }
  }
`;

export const RESUME_SCHEDULE = /* GraphQL */ `
  mutation ResumeSchedule($id: ID!, $note: String) {
    resumeSchedule(id: $id, note: $note) {
      id
    }
  }
`;

export const TRIGGER_SCHEDULE = /* GraphQL */ `
  mutation TriggerSchedule($id: ID!) {
    triggerSchedule(id: $id) {
      id
    }
  }
`;

export const BACKFILL_SCHEDULE = /* GraphQL */ `
  mutation BackfillSchedule($id: ID!, $from: DateTime!, $to: DateTime!) {
    backfillSchedule(id: $id, from: $from, to: $to) {
      id
    }
  }
`;

export const DELETE_SCHEDULE = /* GraphQL */ `
  mutation DeleteSchedule($id: ID!) {
    deleteSchedule(id: $id)
  }
`;

export const FORCE_FAIL_NODE = /* GraphQL */ `
  mutation ForceFailNode($runId: ID!, $nodeId: String!, $reason: String) {
    forceFailNode(runId: $runId, nodeId: $nodeId, reason: $reason) {
      __typename
    }
  }
`;

export const PAUSE_AT_NODE = /* GraphQL */ `
  mutation PauseAtNode($runId: ID!, $nodeId: String!) {
    pauseAtNode(runId: $runId, nodeId: $nodeId) {
      __typename
    }
  }
`;

export const CLEAR_BREAKPOINT = /* GraphQL */ `
  mutation ClearBreakpoint($runId: ID!, $nodeId: String!) {
    clearBreakpoint(runId: $runId, nodeId: $nodeId) {
      __typename
    }
  }
`;

export const SKIP_GATEWAY = /* GraphQL */ `
  mutation SkipGateway($runId: ID!, $nodeId: String!, $takeEdgeTo: String) {
    skipNode(runId: $runId, nodeId: $nodeId, takeEdgeTo: $takeEdgeTo) {
      __typename
    }
  }
`;

export const RERUN_RUN = /* GraphQL */ `
  mutation RerunRun($runId: ID!, $fromNodes: [String!]) {
    rerunRun(runId: $runId, fromNodes: $fromNodes) {
      id
    }
  }
`;

export const CLONE_RUN = /* GraphQL */ `
  mutation CloneRun($runId: ID!) {
    cloneRun(runId: $runId) {
      id
    }
  }
`;
