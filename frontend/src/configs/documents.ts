import { graphql } from "../gql";

export const ConfigProfileRowFragment = graphql(`
  fragment ConfigProfileRow on ConfigProfile {
    id
    teamId
    name
    description
    ownerId
    archived
    latestRevisionNumber
    createdAt
    updatedAt
  }
`);

export const ConfigProfilesQuery = graphql(`
  query ConfigProfiles($teamId: ID!, $nameContains: String, $archived: Boolean, $first: Int!, $after: String) {
    configProfiles(teamId: $teamId, nameContains: $nameContains, archived: $archived, first: $first, after: $after) {
      nodes {
        ...ConfigProfileRow
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const ConfigProfileRowQuery = graphql(`
  query ConfigProfileRow($id: ID!) {
    configProfile(id: $id) {
      ...ConfigProfileRow
    }
  }
`);

export const TrainingConfigSchemaQuery = graphql(`
  query TrainingConfigSchema {
    trainingConfigSchema
  }
`);

export const ConfigRevisionFieldsFragment = graphql(`
  fragment ConfigRevisionFields on ConfigRevision {
    profileId
    number
    document
    comment
    createdBy
    createdAt
  }
`);

export const ConfigProfileQuery = graphql(`
  query ConfigProfile($id: ID!) {
    configProfile(id: $id) {
      ...ConfigProfileRow
      latestRevision {
        ...ConfigRevisionFields
      }
    }
  }
`);

export const ConfigRevisionsQuery = graphql(`
  query ConfigRevisions($id: ID!, $first: Int!, $after: String) {
    configProfile(id: $id) {
      id
      revisions(first: $first, after: $after) {
        nodes {
          ...ConfigRevisionFields
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`);

export const ConfigDiffQuery = graphql(`
  query ConfigDiff($id: ID!, $a: Int!, $b: Int!) {
    configProfile(id: $id) {
      id
      diff(a: $a, b: $b) {
        path
        a
        b
      }
    }
  }
`);

export const CreateConfigProfileMutation = graphql(`
  mutation CreateConfigProfile($input: CreateConfigProfileInput!) {
    createConfigProfile(input: $input) {
      ...ConfigProfileRow
    }
  }
`);

export const ReviseConfigProfileMutation = graphql(`
  mutation ReviseConfigProfile($input: ReviseConfigProfileInput!) {
    reviseConfigProfile(input: $input) {
      ...ConfigProfileRow
      latestRevision {
        ...ConfigRevisionFields
      }
    }
  }
`);

export const ArchiveConfigProfileMutation = graphql(`
  mutation ArchiveConfigProfile($id: ID!) {
    archiveConfigProfile(id: $id) {
      ...ConfigProfileRow
    }
  }
`);

export const ConfigEventsSubscription = graphql(`
  subscription ConfigEvents($filter: AuditLogFilter) {
    events(filter: $filter) {
      position
      action
      subjectId
    }
  }
`);
