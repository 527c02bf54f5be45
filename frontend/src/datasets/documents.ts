import { graphql } from "../gql";

export const DatasetRowFragment = graphql(`
  fragment DatasetRow on Dataset {
    id
    teamId
    name
    description
    archived
    versionCount
    ownerId
    createdAt
    updatedAt
    tags {
      key
      value
    }
    latestVersion {
      id
      number
      status
      rows
    }
  }
`);

export const DatasetsQuery = graphql(`
  query Datasets($teamId: ID!, $nameContains: String, $archived: Boolean, $first: Int!, $after: String) {
    datasets(teamId: $teamId, nameContains: $nameContains, archived: $archived, first: $first, after: $after) {
      nodes {
        ...DatasetRow
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const DatasetVersionRowFragment = graphql(`
  fragment DatasetVersionRow on DatasetVersion {
    id
    datasetId
    number
    source
    status
    rows
    label
    size
    sha256
    format
    filename
    parentId
    parentNumber
    duplicateOfId
    failureReason
    missingCells
    createdBy
    createdAt
    updatedAt
    downloadPath
    profilingProgress {
      rowsDone
      rowsTotal
    }
    columns {
      name
      type
      isLabel
    }
    splits {
      name
      rows
    }
    operations {
      op
      description
      parameters
    }
  }
`);

export const DatasetUpdatedSubscription = graphql(`
  subscription DatasetUpdated($id: ID!) {
    datasetUpdated(id: $id) {
      dataset {
        ...DatasetRow
      }
      version {
        ...DatasetVersionRow
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

export const DatasetRowQuery = graphql(`
  query DatasetRow($id: ID!) {
    dataset(id: $id) {
      ...DatasetRow
    }
  }
`);

export const CreateDatasetMutation = graphql(`
  mutation CreateDataset($input: CreateDatasetInput!) {
    createDataset(input: $input) {
      ...DatasetRow
    }
  }
`);

export const ArchiveDatasetMutation = graphql(`
  mutation ArchiveDataset($id: ID!) {
    archiveDataset(id: $id) {
      ...DatasetRow
    }
  }
`);

export const RestoreDatasetMutation = graphql(`
  mutation RestoreDataset($id: ID!) {
    restoreDataset(id: $id) {
      ...DatasetRow
    }
  }
`);

export const DatasetQuery = graphql(`
  query Dataset($id: ID!, $first: Int!, $after: String) {
    dataset(id: $id) {
      ...DatasetRow
      versions(first: $first, after: $after) {
        nodes {
          ...DatasetVersionRow
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`);

export const ColumnProfileFieldsFragment = graphql(`
  fragment ColumnProfileFields on ColumnProfile {
    name
    type
    missing
    distinct
    distinctExact
    min
    max
    mean
    std
    quantiles {
      q
      value
    }
    quantilesExact
    histogram {
      edges
      counts
    }
    topValues {
      value
      count
    }
    topValuesExact
  }
`);

export const DatasetVersionQuery = graphql(`
  query DatasetVersion($id: ID!) {
    datasetVersion(id: $id) {
      ...DatasetVersionRow
      delimiter
      dataset {
        id
        name
        archived
      }
      operations {
        op
        description
        parameters
        fitted
      }
      profile {
        rows
        columns {
          ...ColumnProfileFields
        }
        label {
          column
          distribution {
            value
            count
          }
        }
        splits {
          name
          rows
          label {
            column
            distribution {
              value
              count
            }
          }
        }
      }
    }
  }
`);

export const DatasetPreviewQuery = graphql(`
  query DatasetPreview($id: ID!, $offset: Int!, $limit: Int!, $columns: [String!]) {
    datasetVersion(id: $id) {
      id
      preview(offset: $offset, limit: $limit, columns: $columns) {
        columns {
          name
          type
          isLabel
        }
        rows
        offset
        total
      }
    }
  }
`);

export const LineageVersionFragment = graphql(`
  fragment LineageVersion on DatasetVersion {
    id
    datasetId
    number
    source
    status
    rows
    parentId
    createdAt
    dataset {
      id
      name
    }
    operations {
      op
      description
      parameters
    }
  }
`);

export const DatasetLineageQuery = graphql(`
  query DatasetLineage($id: ID!) {
    datasetVersion(id: $id) {
      ...LineageVersion
      lineage {
        ancestors {
          ...LineageVersion
        }
        children {
          ...LineageVersion
        }
      }
    }
  }
`);

export const DeriveDatasetVersionMutation = graphql(`
  mutation DeriveDatasetVersion($input: DeriveDatasetVersionInput!) {
    deriveDatasetVersion(input: $input) {
      ...DatasetVersionRow
    }
  }
`);

export const UploadDatasetVersionMutation = graphql(`
  mutation UploadDatasetVersion($input: UploadDatasetVersionInput!) {
    uploadDatasetVersion(input: $input) {
      ...DatasetVersionRow
    }
  }
`);

export const ProfileDatasetVersionMutation = graphql(`
  mutation ProfileDatasetVersion($id: ID!) {
    profileDatasetVersion(id: $id) {
      ...DatasetVersionRow
    }
  }
`);
