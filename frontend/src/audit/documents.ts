import { graphql } from "../gql";

export const AuditEntryFieldsFragment = graphql(`
  fragment AuditEntryFields on AuditEntry {
    position
    occurredAt
    actor
    action
    subjectType
    subjectId
    subjectName
    summary
    summaryParameters
    correlationId
  }
`);

export const AuditLogQuery = graphql(`
  query AuditLog($filter: AuditLogFilter, $first: Int!, $after: String) {
    auditLog(filter: $filter, first: $first, after: $after) {
      nodes {
        ...AuditEntryFields
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const AuditEventsSubscription = graphql(`
  subscription AuditEvents($filter: AuditLogFilter, $afterPosition: Int) {
    events(filter: $filter, afterPosition: $afterPosition) {
      ...AuditEntryFields
    }
  }
`);
