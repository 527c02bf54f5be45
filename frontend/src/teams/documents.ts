import { graphql } from "../gql";

export const TeamsQuery = graphql(`
  query Teams($first: Int!, $after: String) {
    teams(first: $first, after: $after) {
      nodes {
        id
        name
        modelCount
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const TeamQuery = graphql(`
  query Team($id: ID!) {
    team(id: $id) {
      id
      name
      description
      viewerRole
    }
  }
`);

export const TeamMembersQuery = graphql(`
  query TeamMembers($id: ID!, $first: Int!, $after: String) {
    team(id: $id) {
      id
      members(first: $first, after: $after) {
        nodes {
          teamId
          userId
          role
          addedAt
          user {
            id
            username
            displayName
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`);

export const TeamTokensQuery = graphql(`
  query TeamTokens($id: ID!, $first: Int!, $after: String) {
    team(id: $id) {
      id
      apiTokens(first: $first, after: $after) {
        nodes {
          id
          name
          prefix
          scopes
          createdAt
          expiresAt
          revokedAt
          user {
            id
            username
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`);

export const UsersQuery = graphql(`
  query Users($first: Int!, $after: String) {
    users(first: $first, after: $after) {
      nodes {
        id
        username
        displayName
        erased
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const AddMemberMutation = graphql(`
  mutation AddMember($input: MemberInput!) {
    addMember(input: $input) {
      teamId
      userId
      role
      addedAt
    }
  }
`);

export const ChangeMemberRoleMutation = graphql(`
  mutation ChangeMemberRole($input: MemberInput!) {
    changeMemberRole(input: $input) {
      teamId
      userId
      role
      addedAt
    }
  }
`);

export const RemoveMemberMutation = graphql(`
  mutation RemoveMember($input: RemoveMemberInput!) {
    removeMember(input: $input) {
      id
    }
  }
`);

export const CreateApiTokenMutation = graphql(`
  mutation CreateApiToken($input: CreateApiTokenInput!) {
    createApiToken(input: $input) {
      secret
      token {
        id
        name
        prefix
        scopes
        createdAt
        expiresAt
        revokedAt
      }
    }
  }
`);

export const RevokeApiTokenMutation = graphql(`
  mutation RevokeApiToken($id: ID!) {
    revokeApiToken(id: $id) {
      id
      revokedAt
    }
  }
`);
