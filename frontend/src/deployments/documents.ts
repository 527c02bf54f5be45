import { graphql } from "../gql";

export const DeploymentConfigFieldsFragment = graphql(`
  fragment DeploymentConfigFields on DeploymentConfig {
    traffic {
      version
      versionId
      percent
    }
    scaling {
      minReplicas
      maxReplicas
      targetOngoingRequests
    }
    cpusPerReplica
    batching {
      maxBatchSize
      batchWaitMs
    }
    requestLogSample
    languages {
      language
      version
    }
  }
`);

export const DeploymentFieldsFragment = graphql(`
  fragment DeploymentFields on Deployment {
    id
    teamId
    modelId
    name
    status
    revision
    activeRevision
    replicas
    healthReason
    createdBy
    createdAt
    updatedAt
    endpoint
    config {
      ...DeploymentConfigFields
    }
    activeConfig {
      ...DeploymentConfigFields
    }
  }
`);

export const DeploymentsQuery = graphql(`
  query Deployments($teamId: ID!, $status: [DeploymentStatus!], $first: Int!, $after: String) {
    deployments(teamId: $teamId, status: $status, first: $first, after: $after) {
      nodes {
        ...DeploymentFields
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const DeploymentUpdatedSubscription = graphql(`
  subscription DeploymentUpdated($id: ID!) {
    deploymentUpdated(id: $id) {
      deployment {
        ...DeploymentFields
      }
      change {
        position
        action
        summary
        occurredAt
      }
    }
  }
`);

export const DeploymentQuery = graphql(`
  query Deployment($id: ID!) {
    deployment(id: $id) {
      ...DeploymentFields
    }
  }
`);

export const HealthPointFieldsFragment = graphql(`
  fragment HealthPointFields on HealthPoint {
    start
    end
    requests
    requestsPerSecond
    errorRate
    clientErrorRate
    latencyP50Ms
    latencyP95Ms
    latencyP99Ms
  }
`);

export const DeploymentHealthQuery = graphql(`
  query DeploymentHealth($id: ID!, $since: DateTime, $stepSeconds: Int!) {
    deploymentHealth(id: $id, since: $since, stepSeconds: $stepSeconds) {
      windowSeconds
      signals {
        signal
        value
        unit
      }
      series {
        ...HealthPointFields
      }
    }
  }
`);

export const DeploymentCallersQuery = graphql(`
  query DeploymentCallers($id: ID!, $since: DateTime) {
    deployment(id: $id) {
      id
      callers(since: $since) {
        ...CallerFields
        requests
      }
    }
  }
`);

export const CallerFieldsFragment = graphql(`
  fragment CallerFields on Caller {
    caller
    username
    token {
      id
      name
      prefix
    }
  }
`);

export const RequestLogEntryFieldsFragment = graphql(`
  fragment RequestLogEntryFields on RequestLogEntry {
    entryId
    loggedAt
    version
    ...CallerFields
    rows
    latencyMs
    inputs
    outputs
  }
`);

export const DeploymentRequestLogQuery = graphql(`
  query DeploymentRequestLog($id: ID!, $first: Int!, $after: String) {
    deployment(id: $id) {
      id
      requestLog(first: $first, after: $after) {
        nodes {
          ...RequestLogEntryFields
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`);

export const RequestLogAppendedSubscription = graphql(`
  subscription RequestLogAppended($deploymentId: ID!, $after: Int) {
    requestLogAppended(deploymentId: $deploymentId, after: $after) {
      deploymentId
      hasGap
      entries {
        ...RequestLogEntryFields
      }
    }
  }
`);

export const DeploymentRevisionsQuery = graphql(`
  query DeploymentRevisions($id: ID!, $first: Int!, $after: String) {
    deployment(id: $id) {
      id
      revisions(first: $first, after: $after) {
        nodes {
          revision
          action
          restoredRevision
          createdBy
          createdAt
          activatedAt
          config {
            ...DeploymentConfigFields
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`);

export const ModelVersionNumbersQuery = graphql(`
  query ModelVersionNumbers($id: ID!, $first: Int!) {
    model(id: $id) {
      id
      name
      versions(first: $first) {
        nodes {
          id
          number
          status
        }
      }
    }
  }
`);

export const UpdateDeploymentMutation = graphql(`
  mutation UpdateDeployment($id: ID!, $input: UpdateDeploymentInput!) {
    updateDeployment(id: $id, input: $input) {
      ...DeploymentFields
    }
  }
`);

export const RollbackDeploymentMutation = graphql(`
  mutation RollbackDeployment($id: ID!) {
    rollbackDeployment(id: $id) {
      ...DeploymentFields
    }
  }
`);

export const StopDeploymentMutation = graphql(`
  mutation StopDeployment($id: ID!) {
    stopDeployment(id: $id) {
      ...DeploymentFields
    }
  }
`);

export const StartDeploymentMutation = graphql(`
  mutation StartDeployment($id: ID!) {
    startDeployment(id: $id) {
      ...DeploymentFields
    }
  }
`);

export const PredictMutation = graphql(`
  mutation Predict($input: PredictInput!) {
    predict(input: $input) {
      predictions
      outputs
      version
      rows
    }
  }
`);

export const DeployModelChoicesQuery = graphql(`
  query DeployModelChoices($teamId: ID!, $first: Int!) {
    models(teamId: $teamId, first: $first) {
      nodes {
        id
        name
      }
    }
  }
`);

export const DeployModelVersionsQuery = graphql(`
  query DeployModelVersions($id: ID!, $first: Int!) {
    model(id: $id) {
      id
      name
      aliases {
        alias
        versionNumber
      }
      versions(first: $first) {
        nodes {
          id
          number
          status
        }
      }
    }
  }
`);

export const CreateDeploymentMutation = graphql(`
  mutation CreateDeployment($input: CreateDeploymentInput!) {
    createDeployment(input: $input) {
      ...DeploymentFields
    }
  }
`);
