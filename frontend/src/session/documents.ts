import { graphql } from "../gql";

export const ViewerQuery = graphql(`
  query Viewer {
    viewer {
      ...ViewerFields
    }
  }
`);

export const ViewerFieldsFragment = graphql(`
  fragment ViewerFields on Viewer {
    authenticatedBy
    csrfToken
    user {
      id
      username
      displayName
      isAdmin
    }
  }
`);

export const LoginMutation = graphql(`
  mutation Login($username: String!, $password: String!) {
    login(username: $username, password: $password) {
      expiresAt
      viewer {
        ...ViewerFields
      }
    }
  }
`);

export const LogoutMutation = graphql(`
  mutation Logout {
    logout
  }
`);
