import { graphql } from "../gql";

export const TensorSpecFieldsFragment = graphql(`
  fragment TensorSpecFields on TensorSpec {
    name
    shape
    dtype
  }
`);

export const VersionInsideQuery = graphql(`
  query VersionInside($modelId: ID!, $versionId: ID!) {
    model(id: $modelId) {
      id
      name
      versions(first: 500) {
        nodes {
          id
          number
          status
          format
        }
      }
    }
    modelVersion(id: $versionId) {
      id
      modelId
      number
      format
      status
      statusReason
      failureReason
      filename
      createdAt
      lineage {
        key
        value
      }
      signature {
        inputs {
          ...TensorSpecFields
        }
        outputs {
          ...TensorSpecFields
        }
      }
      inspection {
        modelClass
        trainableParameters
        nonTrainableParameters
        layers {
          name
          className
          outputShape
          parameters
          trainable
          trainableParameters
        }
        edges {
          source
          target
        }
      }
    }
  }
`);

export const WeightStatisticsFieldsFragment = graphql(`
  fragment WeightStatisticsFields on WeightStatistics {
    name
    shape
    count
    nanCount
    infCount
    mean
    std
    min
    max
    histogram {
      edges
      counts
    }
  }
`);

export const VersionWeightsQuery = graphql(`
  query VersionWeights($id: ID!) {
    modelVersion(id: $id) {
      id
      number
      inspection {
        layers {
          name
        }
        weights {
          ...WeightStatisticsFields
        }
      }
    }
  }
`);

export const VersionModelChangedSubscription = graphql(`
  subscription VersionModelChanged($id: ID!) {
    modelUpdated(id: $id) {
      change {
        position
      }
    }
  }
`);
