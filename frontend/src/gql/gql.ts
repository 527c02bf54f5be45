/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  fragment AuditEntryFields on AuditEntry {\n    position\n    occurredAt\n    actor\n    action\n    subjectType\n    subjectId\n    summary\n    correlationId\n  }\n": typeof types.AuditEntryFieldsFragmentDoc,
    "\n  query AuditLog($filter: AuditLogFilter, $first: Int!, $after: String) {\n    auditLog(filter: $filter, first: $first, after: $after) {\n      nodes {\n        ...AuditEntryFields\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.AuditLogDocument,
    "\n  subscription AuditEvents($filter: AuditLogFilter, $afterPosition: Int) {\n    events(filter: $filter, afterPosition: $afterPosition) {\n      ...AuditEntryFields\n    }\n  }\n": typeof types.AuditEventsDocument,
    "\n  fragment ModelRow on Model {\n    id\n    name\n    description\n    task\n    archived\n    versionCount\n    ownerId\n    createdAt\n    updatedAt\n    tags {\n      key\n      value\n    }\n    aliases {\n      alias\n      versionNumber\n    }\n  }\n": typeof types.ModelRowFragmentDoc,
    "\n  query Models($teamId: ID!, $filter: ModelSearch, $orderBy: ModelOrder!, $descending: Boolean!, $first: Int!, $after: String) {\n    models(teamId: $teamId, filter: $filter, orderBy: $orderBy, descending: $descending, first: $first, after: $after) {\n      nodes {\n        ...ModelRow\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.ModelsDocument,
    "\n  subscription ModelRowUpdated($id: ID!) {\n    modelUpdated(id: $id) {\n      model {\n        ...ModelRow\n      }\n    }\n  }\n": typeof types.ModelRowUpdatedDocument,
    "\n  subscription TeamEvents($filter: AuditLogFilter) {\n    events(filter: $filter) {\n      position\n      action\n      subjectId\n    }\n  }\n": typeof types.TeamEventsDocument,
    "\n  fragment ModelDetail on Model {\n    id\n    teamId\n    name\n    description\n    task\n    ownerId\n    archived\n    protectedAliases\n    versionCount\n    retentionDays\n    createdAt\n    updatedAt\n    asOf\n    tags {\n      key\n      value\n    }\n    aliases {\n      alias\n      versionNumber\n      movedAt\n    }\n  }\n": typeof types.ModelDetailFragmentDoc,
    "\n  query Model($id: ID!, $asOf: DateTime) {\n    model(id: $id, asOf: $asOf) {\n      ...ModelDetail\n    }\n  }\n": typeof types.ModelDocument,
    "\n  subscription ModelUpdated($id: ID!) {\n    modelUpdated(id: $id) {\n      model {\n        ...ModelDetail\n      }\n      change {\n        position\n        action\n        summary\n        occurredAt\n      }\n    }\n  }\n": typeof types.ModelUpdatedDocument,
    "\n  fragment ModelVersionFields on ModelVersion {\n    id\n    number\n    status\n    statusReason\n    failureReason\n    size\n    format\n    filename\n    source\n    sha256\n    trainableParameters\n    nonTrainableParameters\n    layerCount\n    createdBy\n    createdAt\n    downloadPath\n  }\n": typeof types.ModelVersionFieldsFragmentDoc,
    "\n  query ModelVersions($id: ID!, $asOf: DateTime, $first: Int!, $after: String) {\n    model(id: $id, asOf: $asOf) {\n      id\n      versions(first: $first, after: $after) {\n        nodes {\n          ...ModelVersionFields\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": typeof types.ModelVersionsDocument,
    "\n  mutation MoveAlias($input: MoveAliasInput!) {\n    moveAlias(input: $input) {\n      ...ModelDetail\n    }\n  }\n": typeof types.MoveAliasDocument,
    "\n  mutation RemoveAlias($input: RemoveAliasInput!) {\n    removeAlias(input: $input) {\n      ...ModelDetail\n    }\n  }\n": typeof types.RemoveAliasDocument,
    "\n  query CompareModelVersions($a: ID!, $b: ID!) {\n    compareModelVersions(a: $a, b: $b) {\n      sameBytes\n      sizeDelta\n      parameterDelta\n      signatureChanged\n      layersAdded\n      layersRemoved\n      a {\n        id\n        number\n      }\n      b {\n        id\n        number\n      }\n      changes {\n        field\n        a\n        b\n      }\n      layersChanged {\n        field\n        a\n        b\n      }\n      evaluation {\n        split\n        label\n        metrics {\n          name\n          a\n          b\n          difference\n          better\n        }\n      }\n    }\n  }\n": typeof types.CompareModelVersionsDocument,
    "\n  query ModelHistory($id: ID!, $first: Int!, $after: String) {\n    modelHistory(id: $id, first: $first, after: $after) {\n      nodes {\n        position\n        occurredAt\n        actor\n        action\n        model {\n          id\n          versionCount\n          archived\n          aliases {\n            alias\n            versionNumber\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.ModelHistoryDocument,
    "\n  query Viewer {\n    viewer {\n      ...ViewerFields\n    }\n  }\n": typeof types.ViewerDocument,
    "\n  fragment ViewerFields on Viewer {\n    authenticatedBy\n    csrfToken\n    user {\n      id\n      username\n      displayName\n      isAdmin\n    }\n  }\n": typeof types.ViewerFieldsFragmentDoc,
    "\n  mutation Login($username: String!, $password: String!) {\n    login(username: $username, password: $password) {\n      expiresAt\n      viewer {\n        ...ViewerFields\n      }\n    }\n  }\n": typeof types.LoginDocument,
    "\n  mutation Logout {\n    logout\n  }\n": typeof types.LogoutDocument,
    "\n  query Teams($first: Int!, $after: String) {\n    teams(first: $first, after: $after) {\n      nodes {\n        id\n        name\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.TeamsDocument,
    "\n  query Team($id: ID!) {\n    team(id: $id) {\n      id\n      name\n      description\n      viewerRole\n    }\n  }\n": typeof types.TeamDocument,
    "\n  query TeamMembers($id: ID!, $first: Int!, $after: String) {\n    team(id: $id) {\n      id\n      members(first: $first, after: $after) {\n        nodes {\n          teamId\n          userId\n          role\n          addedAt\n          user {\n            id\n            username\n            displayName\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": typeof types.TeamMembersDocument,
    "\n  query TeamTokens($id: ID!, $first: Int!, $after: String) {\n    team(id: $id) {\n      id\n      apiTokens(first: $first, after: $after) {\n        nodes {\n          id\n          name\n          prefix\n          scopes\n          createdAt\n          expiresAt\n          revokedAt\n          user {\n            id\n            username\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": typeof types.TeamTokensDocument,
    "\n  query Users($first: Int!, $after: String) {\n    users(first: $first, after: $after) {\n      nodes {\n        id\n        username\n        displayName\n        erased\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.UsersDocument,
    "\n  mutation AddMember($input: MemberInput!) {\n    addMember(input: $input) {\n      teamId\n      userId\n      role\n      addedAt\n    }\n  }\n": typeof types.AddMemberDocument,
    "\n  mutation ChangeMemberRole($input: MemberInput!) {\n    changeMemberRole(input: $input) {\n      teamId\n      userId\n      role\n      addedAt\n    }\n  }\n": typeof types.ChangeMemberRoleDocument,
    "\n  mutation RemoveMember($input: RemoveMemberInput!) {\n    removeMember(input: $input) {\n      id\n    }\n  }\n": typeof types.RemoveMemberDocument,
    "\n  mutation CreateApiToken($input: CreateApiTokenInput!) {\n    createApiToken(input: $input) {\n      secret\n      token {\n        id\n        name\n        prefix\n        scopes\n        createdAt\n        expiresAt\n        revokedAt\n      }\n    }\n  }\n": typeof types.CreateApiTokenDocument,
    "\n  mutation RevokeApiToken($id: ID!) {\n    revokeApiToken(id: $id) {\n      id\n      revokedAt\n    }\n  }\n": typeof types.RevokeApiTokenDocument,
};
const documents: Documents = {
    "\n  fragment AuditEntryFields on AuditEntry {\n    position\n    occurredAt\n    actor\n    action\n    subjectType\n    subjectId\n    summary\n    correlationId\n  }\n": types.AuditEntryFieldsFragmentDoc,
    "\n  query AuditLog($filter: AuditLogFilter, $first: Int!, $after: String) {\n    auditLog(filter: $filter, first: $first, after: $after) {\n      nodes {\n        ...AuditEntryFields\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.AuditLogDocument,
    "\n  subscription AuditEvents($filter: AuditLogFilter, $afterPosition: Int) {\n    events(filter: $filter, afterPosition: $afterPosition) {\n      ...AuditEntryFields\n    }\n  }\n": types.AuditEventsDocument,
    "\n  fragment ModelRow on Model {\n    id\n    name\n    description\n    task\n    archived\n    versionCount\n    ownerId\n    createdAt\n    updatedAt\n    tags {\n      key\n      value\n    }\n    aliases {\n      alias\n      versionNumber\n    }\n  }\n": types.ModelRowFragmentDoc,
    "\n  query Models($teamId: ID!, $filter: ModelSearch, $orderBy: ModelOrder!, $descending: Boolean!, $first: Int!, $after: String) {\n    models(teamId: $teamId, filter: $filter, orderBy: $orderBy, descending: $descending, first: $first, after: $after) {\n      nodes {\n        ...ModelRow\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.ModelsDocument,
    "\n  subscription ModelRowUpdated($id: ID!) {\n    modelUpdated(id: $id) {\n      model {\n        ...ModelRow\n      }\n    }\n  }\n": types.ModelRowUpdatedDocument,
    "\n  subscription TeamEvents($filter: AuditLogFilter) {\n    events(filter: $filter) {\n      position\n      action\n      subjectId\n    }\n  }\n": types.TeamEventsDocument,
    "\n  fragment ModelDetail on Model {\n    id\n    teamId\n    name\n    description\n    task\n    ownerId\n    archived\n    protectedAliases\n    versionCount\n    retentionDays\n    createdAt\n    updatedAt\n    asOf\n    tags {\n      key\n      value\n    }\n    aliases {\n      alias\n      versionNumber\n      movedAt\n    }\n  }\n": types.ModelDetailFragmentDoc,
    "\n  query Model($id: ID!, $asOf: DateTime) {\n    model(id: $id, asOf: $asOf) {\n      ...ModelDetail\n    }\n  }\n": types.ModelDocument,
    "\n  subscription ModelUpdated($id: ID!) {\n    modelUpdated(id: $id) {\n      model {\n        ...ModelDetail\n      }\n      change {\n        position\n        action\n        summary\n        occurredAt\n      }\n    }\n  }\n": types.ModelUpdatedDocument,
    "\n  fragment ModelVersionFields on ModelVersion {\n    id\n    number\n    status\n    statusReason\n    failureReason\n    size\n    format\n    filename\n    source\n    sha256\n    trainableParameters\n    nonTrainableParameters\n    layerCount\n    createdBy\n    createdAt\n    downloadPath\n  }\n": types.ModelVersionFieldsFragmentDoc,
    "\n  query ModelVersions($id: ID!, $asOf: DateTime, $first: Int!, $after: String) {\n    model(id: $id, asOf: $asOf) {\n      id\n      versions(first: $first, after: $after) {\n        nodes {\n          ...ModelVersionFields\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": types.ModelVersionsDocument,
    "\n  mutation MoveAlias($input: MoveAliasInput!) {\n    moveAlias(input: $input) {\n      ...ModelDetail\n    }\n  }\n": types.MoveAliasDocument,
    "\n  mutation RemoveAlias($input: RemoveAliasInput!) {\n    removeAlias(input: $input) {\n      ...ModelDetail\n    }\n  }\n": types.RemoveAliasDocument,
    "\n  query CompareModelVersions($a: ID!, $b: ID!) {\n    compareModelVersions(a: $a, b: $b) {\n      sameBytes\n      sizeDelta\n      parameterDelta\n      signatureChanged\n      layersAdded\n      layersRemoved\n      a {\n        id\n        number\n      }\n      b {\n        id\n        number\n      }\n      changes {\n        field\n        a\n        b\n      }\n      layersChanged {\n        field\n        a\n        b\n      }\n      evaluation {\n        split\n        label\n        metrics {\n          name\n          a\n          b\n          difference\n          better\n        }\n      }\n    }\n  }\n": types.CompareModelVersionsDocument,
    "\n  query ModelHistory($id: ID!, $first: Int!, $after: String) {\n    modelHistory(id: $id, first: $first, after: $after) {\n      nodes {\n        position\n        occurredAt\n        actor\n        action\n        model {\n          id\n          versionCount\n          archived\n          aliases {\n            alias\n            versionNumber\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.ModelHistoryDocument,
    "\n  query Viewer {\n    viewer {\n      ...ViewerFields\n    }\n  }\n": types.ViewerDocument,
    "\n  fragment ViewerFields on Viewer {\n    authenticatedBy\n    csrfToken\n    user {\n      id\n      username\n      displayName\n      isAdmin\n    }\n  }\n": types.ViewerFieldsFragmentDoc,
    "\n  mutation Login($username: String!, $password: String!) {\n    login(username: $username, password: $password) {\n      expiresAt\n      viewer {\n        ...ViewerFields\n      }\n    }\n  }\n": types.LoginDocument,
    "\n  mutation Logout {\n    logout\n  }\n": types.LogoutDocument,
    "\n  query Teams($first: Int!, $after: String) {\n    teams(first: $first, after: $after) {\n      nodes {\n        id\n        name\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.TeamsDocument,
    "\n  query Team($id: ID!) {\n    team(id: $id) {\n      id\n      name\n      description\n      viewerRole\n    }\n  }\n": types.TeamDocument,
    "\n  query TeamMembers($id: ID!, $first: Int!, $after: String) {\n    team(id: $id) {\n      id\n      members(first: $first, after: $after) {\n        nodes {\n          teamId\n          userId\n          role\n          addedAt\n          user {\n            id\n            username\n            displayName\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": types.TeamMembersDocument,
    "\n  query TeamTokens($id: ID!, $first: Int!, $after: String) {\n    team(id: $id) {\n      id\n      apiTokens(first: $first, after: $after) {\n        nodes {\n          id\n          name\n          prefix\n          scopes\n          createdAt\n          expiresAt\n          revokedAt\n          user {\n            id\n            username\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": types.TeamTokensDocument,
    "\n  query Users($first: Int!, $after: String) {\n    users(first: $first, after: $after) {\n      nodes {\n        id\n        username\n        displayName\n        erased\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.UsersDocument,
    "\n  mutation AddMember($input: MemberInput!) {\n    addMember(input: $input) {\n      teamId\n      userId\n      role\n      addedAt\n    }\n  }\n": types.AddMemberDocument,
    "\n  mutation ChangeMemberRole($input: MemberInput!) {\n    changeMemberRole(input: $input) {\n      teamId\n      userId\n      role\n      addedAt\n    }\n  }\n": types.ChangeMemberRoleDocument,
    "\n  mutation RemoveMember($input: RemoveMemberInput!) {\n    removeMember(input: $input) {\n      id\n    }\n  }\n": types.RemoveMemberDocument,
    "\n  mutation CreateApiToken($input: CreateApiTokenInput!) {\n    createApiToken(input: $input) {\n      secret\n      token {\n        id\n        name\n        prefix\n        scopes\n        createdAt\n        expiresAt\n        revokedAt\n      }\n    }\n  }\n": types.CreateApiTokenDocument,
    "\n  mutation RevokeApiToken($id: ID!) {\n    revokeApiToken(id: $id) {\n      id\n      revokedAt\n    }\n  }\n": types.RevokeApiTokenDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AuditEntryFields on AuditEntry {\n    position\n    occurredAt\n    actor\n    action\n    subjectType\n    subjectId\n    summary\n    correlationId\n  }\n"): (typeof documents)["\n  fragment AuditEntryFields on AuditEntry {\n    position\n    occurredAt\n    actor\n    action\n    subjectType\n    subjectId\n    summary\n    correlationId\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuditLog($filter: AuditLogFilter, $first: Int!, $after: String) {\n    auditLog(filter: $filter, first: $first, after: $after) {\n      nodes {\n        ...AuditEntryFields\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query AuditLog($filter: AuditLogFilter, $first: Int!, $after: String) {\n    auditLog(filter: $filter, first: $first, after: $after) {\n      nodes {\n        ...AuditEntryFields\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription AuditEvents($filter: AuditLogFilter, $afterPosition: Int) {\n    events(filter: $filter, afterPosition: $afterPosition) {\n      ...AuditEntryFields\n    }\n  }\n"): (typeof documents)["\n  subscription AuditEvents($filter: AuditLogFilter, $afterPosition: Int) {\n    events(filter: $filter, afterPosition: $afterPosition) {\n      ...AuditEntryFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ModelRow on Model {\n    id\n    name\n    description\n    task\n    archived\n    versionCount\n    ownerId\n    createdAt\n    updatedAt\n    tags {\n      key\n      value\n    }\n    aliases {\n      alias\n      versionNumber\n    }\n  }\n"): (typeof documents)["\n  fragment ModelRow on Model {\n    id\n    name\n    description\n    task\n    archived\n    versionCount\n    ownerId\n    createdAt\n    updatedAt\n    tags {\n      key\n      value\n    }\n    aliases {\n      alias\n      versionNumber\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Models($teamId: ID!, $filter: ModelSearch, $orderBy: ModelOrder!, $descending: Boolean!, $first: Int!, $after: String) {\n    models(teamId: $teamId, filter: $filter, orderBy: $orderBy, descending: $descending, first: $first, after: $after) {\n      nodes {\n        ...ModelRow\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query Models($teamId: ID!, $filter: ModelSearch, $orderBy: ModelOrder!, $descending: Boolean!, $first: Int!, $after: String) {\n    models(teamId: $teamId, filter: $filter, orderBy: $orderBy, descending: $descending, first: $first, after: $after) {\n      nodes {\n        ...ModelRow\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ModelRowUpdated($id: ID!) {\n    modelUpdated(id: $id) {\n      model {\n        ...ModelRow\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription ModelRowUpdated($id: ID!) {\n    modelUpdated(id: $id) {\n      model {\n        ...ModelRow\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription TeamEvents($filter: AuditLogFilter) {\n    events(filter: $filter) {\n      position\n      action\n      subjectId\n    }\n  }\n"): (typeof documents)["\n  subscription TeamEvents($filter: AuditLogFilter) {\n    events(filter: $filter) {\n      position\n      action\n      subjectId\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ModelDetail on Model {\n    id\n    teamId\n    name\n    description\n    task\n    ownerId\n    archived\n    protectedAliases\n    versionCount\n    retentionDays\n    createdAt\n    updatedAt\n    asOf\n    tags {\n      key\n      value\n    }\n    aliases {\n      alias\n      versionNumber\n      movedAt\n    }\n  }\n"): (typeof documents)["\n  fragment ModelDetail on Model {\n    id\n    teamId\n    name\n    description\n    task\n    ownerId\n    archived\n    protectedAliases\n    versionCount\n    retentionDays\n    createdAt\n    updatedAt\n    asOf\n    tags {\n      key\n      value\n    }\n    aliases {\n      alias\n      versionNumber\n      movedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Model($id: ID!, $asOf: DateTime) {\n    model(id: $id, asOf: $asOf) {\n      ...ModelDetail\n    }\n  }\n"): (typeof documents)["\n  query Model($id: ID!, $asOf: DateTime) {\n    model(id: $id, asOf: $asOf) {\n      ...ModelDetail\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ModelUpdated($id: ID!) {\n    modelUpdated(id: $id) {\n      model {\n        ...ModelDetail\n      }\n      change {\n        position\n        action\n        summary\n        occurredAt\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription ModelUpdated($id: ID!) {\n    modelUpdated(id: $id) {\n      model {\n        ...ModelDetail\n      }\n      change {\n        position\n        action\n        summary\n        occurredAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ModelVersionFields on ModelVersion {\n    id\n    number\n    status\n    statusReason\n    failureReason\n    size\n    format\n    filename\n    source\n    sha256\n    trainableParameters\n    nonTrainableParameters\n    layerCount\n    createdBy\n    createdAt\n    downloadPath\n  }\n"): (typeof documents)["\n  fragment ModelVersionFields on ModelVersion {\n    id\n    number\n    status\n    statusReason\n    failureReason\n    size\n    format\n    filename\n    source\n    sha256\n    trainableParameters\n    nonTrainableParameters\n    layerCount\n    createdBy\n    createdAt\n    downloadPath\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ModelVersions($id: ID!, $asOf: DateTime, $first: Int!, $after: String) {\n    model(id: $id, asOf: $asOf) {\n      id\n      versions(first: $first, after: $after) {\n        nodes {\n          ...ModelVersionFields\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ModelVersions($id: ID!, $asOf: DateTime, $first: Int!, $after: String) {\n    model(id: $id, asOf: $asOf) {\n      id\n      versions(first: $first, after: $after) {\n        nodes {\n          ...ModelVersionFields\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MoveAlias($input: MoveAliasInput!) {\n    moveAlias(input: $input) {\n      ...ModelDetail\n    }\n  }\n"): (typeof documents)["\n  mutation MoveAlias($input: MoveAliasInput!) {\n    moveAlias(input: $input) {\n      ...ModelDetail\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RemoveAlias($input: RemoveAliasInput!) {\n    removeAlias(input: $input) {\n      ...ModelDetail\n    }\n  }\n"): (typeof documents)["\n  mutation RemoveAlias($input: RemoveAliasInput!) {\n    removeAlias(input: $input) {\n      ...ModelDetail\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CompareModelVersions($a: ID!, $b: ID!) {\n    compareModelVersions(a: $a, b: $b) {\n      sameBytes\n      sizeDelta\n      parameterDelta\n      signatureChanged\n      layersAdded\n      layersRemoved\n      a {\n        id\n        number\n      }\n      b {\n        id\n        number\n      }\n      changes {\n        field\n        a\n        b\n      }\n      layersChanged {\n        field\n        a\n        b\n      }\n      evaluation {\n        split\n        label\n        metrics {\n          name\n          a\n          b\n          difference\n          better\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query CompareModelVersions($a: ID!, $b: ID!) {\n    compareModelVersions(a: $a, b: $b) {\n      sameBytes\n      sizeDelta\n      parameterDelta\n      signatureChanged\n      layersAdded\n      layersRemoved\n      a {\n        id\n        number\n      }\n      b {\n        id\n        number\n      }\n      changes {\n        field\n        a\n        b\n      }\n      layersChanged {\n        field\n        a\n        b\n      }\n      evaluation {\n        split\n        label\n        metrics {\n          name\n          a\n          b\n          difference\n          better\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ModelHistory($id: ID!, $first: Int!, $after: String) {\n    modelHistory(id: $id, first: $first, after: $after) {\n      nodes {\n        position\n        occurredAt\n        actor\n        action\n        model {\n          id\n          versionCount\n          archived\n          aliases {\n            alias\n            versionNumber\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query ModelHistory($id: ID!, $first: Int!, $after: String) {\n    modelHistory(id: $id, first: $first, after: $after) {\n      nodes {\n        position\n        occurredAt\n        actor\n        action\n        model {\n          id\n          versionCount\n          archived\n          aliases {\n            alias\n            versionNumber\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Viewer {\n    viewer {\n      ...ViewerFields\n    }\n  }\n"): (typeof documents)["\n  query Viewer {\n    viewer {\n      ...ViewerFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ViewerFields on Viewer {\n    authenticatedBy\n    csrfToken\n    user {\n      id\n      username\n      displayName\n      isAdmin\n    }\n  }\n"): (typeof documents)["\n  fragment ViewerFields on Viewer {\n    authenticatedBy\n    csrfToken\n    user {\n      id\n      username\n      displayName\n      isAdmin\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Login($username: String!, $password: String!) {\n    login(username: $username, password: $password) {\n      expiresAt\n      viewer {\n        ...ViewerFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation Login($username: String!, $password: String!) {\n    login(username: $username, password: $password) {\n      expiresAt\n      viewer {\n        ...ViewerFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Logout {\n    logout\n  }\n"): (typeof documents)["\n  mutation Logout {\n    logout\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Teams($first: Int!, $after: String) {\n    teams(first: $first, after: $after) {\n      nodes {\n        id\n        name\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query Teams($first: Int!, $after: String) {\n    teams(first: $first, after: $after) {\n      nodes {\n        id\n        name\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Team($id: ID!) {\n    team(id: $id) {\n      id\n      name\n      description\n      viewerRole\n    }\n  }\n"): (typeof documents)["\n  query Team($id: ID!) {\n    team(id: $id) {\n      id\n      name\n      description\n      viewerRole\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TeamMembers($id: ID!, $first: Int!, $after: String) {\n    team(id: $id) {\n      id\n      members(first: $first, after: $after) {\n        nodes {\n          teamId\n          userId\n          role\n          addedAt\n          user {\n            id\n            username\n            displayName\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query TeamMembers($id: ID!, $first: Int!, $after: String) {\n    team(id: $id) {\n      id\n      members(first: $first, after: $after) {\n        nodes {\n          teamId\n          userId\n          role\n          addedAt\n          user {\n            id\n            username\n            displayName\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TeamTokens($id: ID!, $first: Int!, $after: String) {\n    team(id: $id) {\n      id\n      apiTokens(first: $first, after: $after) {\n        nodes {\n          id\n          name\n          prefix\n          scopes\n          createdAt\n          expiresAt\n          revokedAt\n          user {\n            id\n            username\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query TeamTokens($id: ID!, $first: Int!, $after: String) {\n    team(id: $id) {\n      id\n      apiTokens(first: $first, after: $after) {\n        nodes {\n          id\n          name\n          prefix\n          scopes\n          createdAt\n          expiresAt\n          revokedAt\n          user {\n            id\n            username\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Users($first: Int!, $after: String) {\n    users(first: $first, after: $after) {\n      nodes {\n        id\n        username\n        displayName\n        erased\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query Users($first: Int!, $after: String) {\n    users(first: $first, after: $after) {\n      nodes {\n        id\n        username\n        displayName\n        erased\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddMember($input: MemberInput!) {\n    addMember(input: $input) {\n      teamId\n      userId\n      role\n      addedAt\n    }\n  }\n"): (typeof documents)["\n  mutation AddMember($input: MemberInput!) {\n    addMember(input: $input) {\n      teamId\n      userId\n      role\n      addedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ChangeMemberRole($input: MemberInput!) {\n    changeMemberRole(input: $input) {\n      teamId\n      userId\n      role\n      addedAt\n    }\n  }\n"): (typeof documents)["\n  mutation ChangeMemberRole($input: MemberInput!) {\n    changeMemberRole(input: $input) {\n      teamId\n      userId\n      role\n      addedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RemoveMember($input: RemoveMemberInput!) {\n    removeMember(input: $input) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation RemoveMember($input: RemoveMemberInput!) {\n    removeMember(input: $input) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateApiToken($input: CreateApiTokenInput!) {\n    createApiToken(input: $input) {\n      secret\n      token {\n        id\n        name\n        prefix\n        scopes\n        createdAt\n        expiresAt\n        revokedAt\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateApiToken($input: CreateApiTokenInput!) {\n    createApiToken(input: $input) {\n      secret\n      token {\n        id\n        name\n        prefix\n        scopes\n        createdAt\n        expiresAt\n        revokedAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeApiToken($id: ID!) {\n    revokeApiToken(id: $id) {\n      id\n      revokedAt\n    }\n  }\n"): (typeof documents)["\n  mutation RevokeApiToken($id: ID!) {\n    revokeApiToken(id: $id) {\n      id\n      revokedAt\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;