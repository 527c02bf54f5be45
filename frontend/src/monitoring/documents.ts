import { graphql } from "../gql";

export const AlertFieldsFragment = graphql(`
  fragment AlertFields on Alert {
    id
    incident
    teamId
    ruleId
    ruleName
    signal
    feature
    comparator
    threshold
    severity
    subjectKind
    subjectId
    subjectName
    state
    value
    firstValue
    message
    startedAt
    firedAt
    endedAt
    endReason
    acknowledgedBy
    acknowledgedByUsername
    acknowledgedAt
    acknowledgeNote
    silencedUntil
    silenceReason
  }
`);

export const MonitoringWallSubscription = graphql(`
  subscription MonitoringWall($teamId: ID!) {
    monitoringWall(teamId: $teamId) {
      teamId
      at
      changed
      deployments {
        deployment {
          id
          name
          status
          revision
          healthReason
          config {
            traffic {
              version
              percent
            }
          }
        }
        requestsPerSecond
        errorRate
        latencyP99Ms
        featureDriftPsi
        predictionDriftPsi
        openAlerts
        worstSeverity
      }
      alerts {
        ...AlertFields
      }
    }
  }
`);

export const AlertsQuery = graphql(`
  query Alerts($filter: AlertFilter, $first: Int!, $after: String) {
    alerts(filter: $filter, first: $first, after: $after) {
      nodes {
        ...AlertFields
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const AlertUpdatedSubscription = graphql(`
  subscription AlertUpdated($teamId: ID) {
    alertUpdated(teamId: $teamId) {
      alert {
        ...AlertFields
      }
      change {
        position
        action
      }
    }
  }
`);

export const AcknowledgeAlertMutation = graphql(`
  mutation AcknowledgeAlert($id: ID!, $note: String) {
    acknowledgeAlert(id: $id, note: $note) {
      ...AlertFields
    }
  }
`);

export const SilenceAlertMutation = graphql(`
  mutation SilenceAlert($id: ID!, $until: DateTime!, $reason: String) {
    silenceAlert(id: $id, until: $until, reason: $reason) {
      ...AlertFields
    }
  }
`);

export const UnsilenceAlertMutation = graphql(`
  mutation UnsilenceAlert($id: ID!) {
    unsilenceAlert(id: $id) {
      ...AlertFields
    }
  }
`);

export const AlertRulesQuery = graphql(`
  query AlertRules($teamId: ID!, $first: Int!, $after: String) {
    alertRules(teamId: $teamId, first: $first, after: $after) {
      nodes {
        id
        name
        signal
        feature
        comparator
        threshold
        windowSeconds
        forSeconds
        severity
        targetKind
        targetId
        targetName
        channelIds
        enabled
        createdBy
        updatedAt
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const NotificationFieldsFragment = graphql(`
  fragment NotificationFields on Notification {
    position
    alertId
    incident
    kind
    severity
    subjectKind
    subjectId
    subjectName
    message
    value
    createdAt
    read
    alert {
      ruleName
      signal
      feature
      comparator
      threshold
      endReason
    }
  }
`);

export const NotificationsQuery = graphql(`
  query Notifications($teamId: ID!, $first: Int!) {
    notifications(teamId: $teamId, first: $first) {
      unread
      notifications {
        nodes {
          ...NotificationFields
        }
      }
    }
  }
`);

export const NotificationAddedSubscription = graphql(`
  subscription NotificationAdded($teamId: ID!) {
    notificationAdded(teamId: $teamId) {
      ...NotificationFields
    }
  }
`);

export const MarkNotificationsReadMutation = graphql(`
  mutation MarkNotificationsRead($teamId: ID!, $upTo: Int!) {
    markNotificationsRead(teamId: $teamId, upTo: $upTo)
  }
`);
