import { createHash } from 'node:crypto';
import type { Repositories } from './create-repositories';
import type { GrantRecord, GrantRevocationReason } from './repositories/grant.types';

/**
 * A grant's one-way reference: in logs, security events and the access tokens' `grant_ref` claim (what the revocation
 * feed names). Never the grant id, which is the refresh token's prefix.
 */
export function grantReference(grantId: string): string {
  return createHash('sha256').update(`grant-reference\n${grantId}`).digest('hex').slice(0, 16);
}

/** Cognito `sub`s are UUIDs; anything else given to {@link resolveUser} is only a username. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The `sub`s an operator's `<username|sub>` names: the subs the username has had in a grant (any case), and the
 * value itself when it is a `sub` (UUID-shaped, or with grants indexed under it).
 */
export async function resolveUser(repos: Repositories, user: string): Promise<string[]> {
  const subs = new Set(await repos.userGrants.subsOf(user));
  if (UUID.test(user) || (await repos.userGrants.list(user)).length > 0) subs.add(user);
  return [...subs];
}

export interface UserRevocationInput {
  sub: string;
  /** Stored on each grant it ends. */
  reason: GrantRevocationReason;
  /** Stored on the feed entries (`admin`, `signed_out_everywhere`, `cognito:AdminDisableUser`, ...). */
  feedReason: string;
  /** How long the feed entries live: the longest access-token lifetime plus the servers' largest clock tolerance. */
  coverSeconds: number;
}

/**
 * Ends everything a user holds (docs/architecture.md#revocation): first a user-level feed entry (every access token
 * of the user issued until now is refused by every MCP server within its poll interval), then, for each active grant
 * of the user, a grant-level feed entry (covers tokens whatever the writer's clock says) and the grant itself (its
 * refresh token stops working). Returns the grants this call ended - the caller revokes their Cognito refresh tokens
 * where it can (the gateway does; an operator's command cannot, and says so).
 */
export async function revokeUserEverywhere(repos: Repositories, input: UserRevocationInput): Promise<GrantRecord[]> {
  await repos.revocationFeed.add({ target: 'user', ref: input.sub, reason: input.feedReason, coverSeconds: input.coverSeconds });
  const ended: GrantRecord[] = [];
  for (const grant of await repos.grants.listForUser(input.sub)) {
    if (grant.status !== 'active') continue;
    await repos.revocationFeed.add({ target: 'grant', ref: grantReference(grant.grantId), reason: input.feedReason, coverSeconds: input.coverSeconds });
    const result = await repos.grants.revoke(grant.grantId, input.reason);
    if (result.status === 'revoked') ended.push(result.grant);
  }
  return ended;
}
