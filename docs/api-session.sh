#!/usr/bin/env bash
# A copy-paste GraphQL session against a running platform (`npm start`): log in, create a
# project and a template, start a run, and follow it to its end. Needs curl and jq.
#   SWITCHYARD_URL=http://localhost:3000 SWITCHYARD_ADMIN_PASSWORD=... bash docs/api-session.sh
set -euo pipefail
API=${SWITCHYARD_URL:-http://localhost:3000}/graphql

gql() { # gql QUERY [VARIABLES_JSON]
  curl -sS "$API" -H 'content-type: application/json' ${TOKEN:+-H "authorization: Bearer $TOKEN"} \
    -d "$(jq -n --arg q "$1" --argjson v "${2:-{\}}" '{query: $q, variables: $v}')"
}

# 1. Log in as the bootstrap admin (its password was printed on first start).
TOKEN=$(gql 'mutation($p: String!) { login(username: "admin", password: $p) { token } }' \
  "$(jq -n --arg p "$SWITCHYARD_ADMIN_PASSWORD" '{p: $p}')" | jq -r '.data.login.token')

# 2. A project, and a template in it (a YAML definition; every version is kept).
PROJECT=$(gql 'mutation { createProject(input: { name: "ops-demo-'$RANDOM'" }) { id } }' | jq -r '.data.createProject.id')
read -r -d '' SOURCE <<'YAML' || true
name: hello-ops
inputs:
  who: { type: string, default: world }
nodes:
  - { id: greet, type: shell.exec, name: Say hello, with: { command: "echo hello ${inputs.who}" } }
  - { id: a, type: builtin.noop, with: { part: a } }
  - { id: b, type: builtin.noop, with: { part: b } }
  - { id: done, type: gateway.join }
edges:
  - { from: greet, to: a }
  - { from: greet, to: b }
  - { from: a, to: done }
  - { from: b, to: done }
outputs:
  said: "${nodes.greet.output.stdout}"
YAML
TEMPLATE=$(gql 'mutation($i: CreateTemplateInput!) { createTemplate(input: $i) { id latestVersion { version } } }' \
  "$(jq -n --arg p "$PROJECT" --arg s "$SOURCE" '{i: {projectId: $p, source: $s}}')" | jq -r '.data.createTemplate.id')

# 3. Start a run (inputs are validated against the template first).
RUN=$(gql 'mutation($i: StartRunInput!) { startRun(input: $i) { id status temporalUiUrl } }' \
  "$(jq -n --arg t "$TEMPLATE" '{i: {templateId: $t, inputs: {who: "ops"}}}')" | jq -r '.data.startRun.id')
echo "run $RUN started"

# 4. Follow it until it ends (or subscribe to runUpdated(runId) over graphql-ws).
for _ in $(seq 1 120); do
  STATE=$(gql 'query($id: ID!) { run(id: $id) { status outputs nodes { nodeId status attempts } } }' \
    "$(jq -n --arg id "$RUN" '{id: $id}')")
  STATUS=$(echo "$STATE" | jq -r '.data.run.status')
  case "$STATUS" in SUCCEEDED|FAILED|CANCELLED) break ;; esac
  sleep 0.5
done
echo "$STATE" | jq '.data.run'
