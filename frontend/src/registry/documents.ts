import { graphql } from "../gql";

export const ModelRowFragment = graphql(`
  fragment ModelRow on Model {
    id
    name
    description
    task
    archived
    versionCount
    ownerId
    createdAt
    updatedAt
    tags {
      key
      value
    }
    aliases {
      alias
      versionNumber
    }
  }
`);

export const ModelsQuery = graphql(`
  query Models($teamId: ID!, $filter: ModelSearch, $orderBy: ModelOrder!, $descending: Boolean!, $first: Int!, $after: String) {
    models(teamId: $teamId, filter: $filter, orderBy: $orderBy, descending: $descending, first: $first, after: $after) {
      nodes {
        ...ModelRow
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const ModelRowUpdatedSubscription = graphql(`
  subscription ModelRowUpdated($id: ID!) {
    modelUpdated(id: $id) {
      model {
        ...ModelRow
      }
    }
  }
`);

export const ModelRowQuery = graphql(`
  query ModelRow($id: ID!) {
    model(id: $id) {
      ...ModelRow
    }
  }
`);

export const ModelDetailFragment = graphql(`
  fragment ModelDetail on Model {
    id
    teamId
    name
    description
    task
    ownerId
    archived
    protectedAliases
    versionCount
    retentionDays
    createdAt
    updatedAt
    asOf
    tags {
      key
      value
    }
    aliases {
      alias
      versionNumber
      movedAt
    }
  }
`);

export const ModelQuery = graphql(`
  query Model($id: ID!, $asOf: DateTime) {
    model(id: $id, asOf: $asOf) {
      ...ModelDetail
    }
  }
`);

export const ModelUpdatedSubscription = graphql(`
  subscription ModelUpdated($id: ID!) {
    modelUpdated(id: $id) {
      model {
        ...ModelDetail
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

export const ModelVersionFieldsFragment = graphql(`
  fragment ModelVersionFields on ModelVersion {
    id
    number
    status
    statusReason
    failureReason
    size
    format
    filename
    source
    sha256
    trainableParameters
    nonTrainableParameters
    layerCount
    createdBy
    createdAt
    downloadPath
    lineage {
      key
      value
    }
  }
`);

export const ModelVersionsQuery = graphql(`
  query ModelVersions($id: ID!, $asOf: DateTime, $first: Int!, $after: String) {
    model(id: $id, asOf: $asOf) {
      id
      versions(first: $first, after: $after) {
        nodes {
          ...ModelVersionFields
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`);

export const MoveAliasMutation = graphql(`
  mutation MoveAlias($input: MoveAliasInput!) {
    moveAlias(input: $input) {
      ...ModelDetail
    }
  }
`);

export const RemoveAliasMutation = graphql(`
  mutation RemoveAlias($input: RemoveAliasInput!) {
    removeAlias(input: $input) {
      ...ModelDetail
    }
  }
`);

export const CompareModelVersionsQuery = graphql(`
  query CompareModelVersions($a: ID!, $b: ID!) {
    compareModelVersions(a: $a, b: $b) {
      sameBytes
      sizeDelta
      parameterDelta
      signatureChanged
      layersAdded
      layersRemoved
      a {
        id
        number
      }
      b {
        id
        number
      }
      changes {
        field
        a
        b
      }
      layersChanged {
        field
        a
        b
      }
      evaluation {
        split
        label
        metrics {
          name
          a
          b
          difference
          better
        }
      }
    }
  }
`);

export const ModelHistoryQuery = graphql(`
  query ModelHistory($id: ID!, $first: Int!, $after: String) {
    modelHistory(id: $id, first: $first, after: $after) {
      nodes {
        position
        occurredAt
        actor
        action
        model {
          id
          versionCount
          archived
          aliases {
            alias
            versionNumber
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const ModelRunNamesQuery = graphql(`
  query ModelRunNames($teamId: ID!, $modelId: ID!, $first: Int!, $after: String) {
    trainingRuns(teamId: $teamId, filter: { modelId: $modelId }, first: $first, after: $after) {
      nodes {
        id
        name
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);
