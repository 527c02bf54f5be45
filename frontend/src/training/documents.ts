import { graphql } from "../gql";

export const TrainingRunRowFragment = graphql(`
  fragment TrainingRunRow on TrainingRun {
    id
    teamId
    name
    source
    status
    ownerId
    modelId
    datasetId
    datasetVersionId
    configProfileId
    configRevision
    label
    epochsDone
    epochsPlanned
    attempt
    restarts
    cancelRequested
    etaSeconds
    modelVersionId
    modelVersionNumber
    createdAt
    startedAt
    finishedAt
    updatedAt
  }
`);

export const TrainingRunsQuery = graphql(`
  query TrainingRuns($teamId: ID!, $filter: TrainingRunFilter, $first: Int!, $after: String) {
    trainingRuns(teamId: $teamId, filter: $filter, first: $first, after: $after) {
      nodes {
        ...TrainingRunRow
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const TrainingRunRowQuery = graphql(`
  query TrainingRunRow($id: ID!) {
    trainingRun(id: $id) {
      ...TrainingRunRow
    }
  }
`);

export const TrainingRunRowUpdatedSubscription = graphql(`
  subscription TrainingRunRowUpdated($id: ID!) {
    trainingRunUpdated(id: $id) {
      run {
        ...TrainingRunRow
      }
    }
  }
`);

export const MetricValueFieldsFragment = graphql(`
  fragment MetricValueFields on MetricValue {
    name
    value
    nonFinite
  }
`);

export const TrainingEpochFieldsFragment = graphql(`
  fragment TrainingEpochFields on TrainingEpoch {
    epoch
    attempt
    step
    learningRate
    durationSeconds
    etaSeconds
    recordedAt
    metrics {
      ...MetricValueFields
    }
  }
`);

export const TrainingRunDetailFragment = graphql(`
  fragment TrainingRunDetail on TrainingRun {
    ...TrainingRunRow
    template
    baseModelVersionId
    features
    classes
    workers
    step
    learningRate
    checkpointEpoch
    restartReason
    failureReason
    stoppedEarly
    bestEpoch
    registrationError
    config
    dataSummary
    metricNames
    latestMetrics {
      ...MetricValueFields
    }
    finalMetrics {
      ...MetricValueFields
    }
  }
`);

export const TrainingRunQuery = graphql(`
  query TrainingRun($id: ID!) {
    trainingRun(id: $id) {
      ...TrainingRunDetail
      epochs {
        ...TrainingEpochFields
      }
    }
  }
`);

export const TrainingRunLiveSubscription = graphql(`
  subscription TrainingRunLive($id: ID!) {
    trainingRunUpdated(id: $id) {
      run {
        ...TrainingRunDetail
      }
      epoch {
        ...TrainingEpochFields
      }
      points {
        name
        step
        epoch
        value
        nonFinite
        wallTime
      }
      change {
        position
        action
        occurredAt
      }
    }
  }
`);

export const TrainingRunMetricsQuery = graphql(`
  query TrainingRunMetrics($id: ID!, $names: [String!], $maxPoints: Int!) {
    trainingRun(id: $id) {
      id
      metrics(names: $names, maxPoints: $maxPoints) {
        name
        totalPoints
        downsampled
        points {
          step
          epoch
          value
          nonFinite
          wallTime
        }
      }
    }
  }
`);

export const HistogramTensorsQuery = graphql(`
  query HistogramTensors($id: ID!) {
    trainingRun(id: $id) {
      id
      histogramTensors {
        layer
        tensor
        kind
      }
    }
  }
`);

export const LayerHistogramFieldsFragment = graphql(`
  fragment LayerHistogramFields on LayerHistogram {
    epoch
    layer
    tensor
    kind
    low
    high
    counts
    nanCount
    infCount
    min
    max
    mean
    std
    edges
  }
`);

export const LayerHistogramsQuery = graphql(`
  query LayerHistograms($id: ID!, $layer: String, $kind: HistogramKind, $epoch: Int) {
    trainingRun(id: $id) {
      id
      histograms(layer: $layer, kind: $kind, epoch: $epoch) {
        ...LayerHistogramFields
      }
    }
  }
`);

export const CancelTrainingRunMutation = graphql(`
  mutation CancelTrainingRun($id: ID!) {
    cancelTrainingRun(id: $id) {
      ...TrainingRunDetail
    }
  }
`);

export const StartTrainingRunMutation = graphql(`
  mutation StartTrainingRun($input: StartTrainingRunInput!) {
    startTrainingRun(input: $input) {
      ...TrainingRunRow
    }
  }
`);

export const TeamCatalogQuery = graphql(`
  query TeamCatalog($teamId: ID!) {
    models(teamId: $teamId, first: 500, filter: { archived: null }) {
      nodes {
        id
        name
        task
        archived
      }
    }
    datasets(teamId: $teamId, first: 100, archived: null) {
      nodes {
        id
        name
        archived
        versions(first: 100) {
          nodes {
            id
            number
            status
            label
            rows
            splits {
              name
              rows
            }
            columns {
              name
              type
              isLabel
            }
          }
        }
      }
    }
  }
`);

export const ConfigProfilesQuery = graphql(`
  query TrainingConfigProfiles($teamId: ID!) {
    configProfiles(teamId: $teamId, first: 200) {
      nodes {
        id
        name
        description
        latestRevisionNumber
      }
    }
  }
`);

export const ConfigRevisionsQuery = graphql(`
  query TrainingConfigRevisions($id: ID!) {
    configProfile(id: $id) {
      id
      latestRevisionNumber
      revisions(first: 200) {
        nodes {
          number
          comment
          createdAt
          document
        }
      }
    }
  }
`);

export const ModelVersionChoicesQuery = graphql(`
  query ModelVersionChoices($id: ID!) {
    model(id: $id) {
      id
      versions(first: 500) {
        nodes {
          id
          number
          status
          format
        }
      }
    }
  }
`);
