import { graphql } from "../gql";

export const EvaluationRowFragment = graphql(`
  fragment EvaluationRow on Evaluation {
    id
    teamId
    modelId
    modelVersionId
    modelVersionNumber
    datasetId
    datasetVersionId
    split
    label
    task
    status
    rows
    failureReason
    createdBy
    createdAt
    updatedAt
    summary {
      name
      value
    }
  }
`);

export const EvaluationsQuery = graphql(`
  query Evaluations($teamId: ID, $filter: EvaluationFilter, $first: Int!, $after: String) {
    evaluations(teamId: $teamId, filter: $filter, first: $first, after: $after) {
      nodes {
        ...EvaluationRow
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const EvaluationRowQuery = graphql(`
  query EvaluationRow($id: ID!) {
    evaluation(id: $id) {
      ...EvaluationRow
    }
  }
`);

export const EvaluationRowUpdatedSubscription = graphql(`
  subscription EvaluationRowUpdated($id: ID!) {
    evaluationUpdated(id: $id) {
      evaluation {
        ...EvaluationRow
      }
    }
  }
`);

export const EvaluationReportFragment = graphql(`
  fragment EvaluationReport on Evaluation {
    ...EvaluationRow
    features
    classes
    notes
    metrics
    curves
    slices
    thresholds
    attributions
  }
`);

export const EvaluationQuery = graphql(`
  query Evaluation($id: ID!) {
    evaluation(id: $id) {
      ...EvaluationReport
    }
  }
`);

export const EvaluationLiveSubscription = graphql(`
  subscription EvaluationLive($id: ID!) {
    evaluationUpdated(id: $id) {
      evaluation {
        ...EvaluationReport
      }
    }
  }
`);

export const ThresholdMetricsQuery = graphql(`
  query ThresholdMetrics($id: ID!, $threshold: Float!) {
    evaluation(id: $id) {
      id
      thresholdMetrics(threshold: $threshold) {
        threshold
        tp
        fp
        tn
        fn
        precision
        recall
        f1
        accuracy
        falsePositiveRate
      }
    }
  }
`);

export const EvaluateModelVersionMutation = graphql(`
  mutation EvaluateModelVersion($input: EvaluateModelVersionInput!) {
    evaluateModelVersion(input: $input) {
      ...EvaluationRow
    }
  }
`);

export const CompareEvaluationsQuery = graphql(`
  query CompareEvaluations($ids: [ID!]!) {
    compareEvaluations(ids: $ids) {
      task
      sameData
      differentClasses
      data {
        evaluationId
        modelName
        modelVersionNumber
        datasetName
        datasetVersionNumber
        split
        label
      }
      evaluations {
        ...EvaluationRow
      }
      metrics {
        name
        values
        higherIsBetter
        bestEvaluationIds
      }
      curves {
        evaluationId
        roc {
          className
          area
          points {
            x
            y
            threshold
          }
        }
        pr {
          className
          area
          points {
            x
            y
            threshold
          }
        }
        residuals {
          low
          high
          counts
        }
      }
    }
  }
`);
