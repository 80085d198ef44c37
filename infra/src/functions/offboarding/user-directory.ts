import { AdminGetUserCommand, UserNotFoundException, type CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';

/** Where a username is turned into the user's `sub`: Cognito in AWS, a stand-in in the handler's tests. */
export interface UserDirectory {
  /** The `sub` of the user `username` names (a username or an alias), or undefined when no such user exists (any more). */
  subOf(username: string): Promise<string | undefined>;
}

/**
 * The user pool as a {@link UserDirectory}: one AdminGetUser (the role may call nothing else, on this pool only).
 * "No such user" (after AdminDeleteUser) is an answer; anything else - throttling, an outage, a denied call - throws, so
 * that the invocation fails and is retried.
 */
export function cognitoUserDirectory(client: CognitoIdentityProviderClient, userPoolId: string): UserDirectory {
  return {
    async subOf(username) {
      try {
        const user = await client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }));
        return user.UserAttributes?.find((a) => a.Name === 'sub')?.Value;
      } catch (error) {
        if (error instanceof UserNotFoundException || (error as { name?: string }).name === 'UserNotFoundException') return undefined;
        throw error;
      }
    },
  };
}
