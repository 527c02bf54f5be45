import { graphql } from "../gql";

export const SubjectEventsSubscription = graphql(`
  subscription SubjectEvents($filter: AuditLogFilter) {
    events(filter: $filter) {
      position
      action
      subjectType
      subjectId
    }
  }
`);
