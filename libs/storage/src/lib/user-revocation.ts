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
  /** How long the user's revocation marker lives. @default USER_REVOCATION_MARKER_SECONDS (the longest grant) */
  markerSeconds?: number;
}

/**
 * Ends everything a user holds (docs/architecture.md#revocation): first the user's revocation marker (`/token`
 * refuses every code and refresh of a sign-in that began before it: one in flight now cannot produce tokens later),
 * then a user-level feed entry with the marker's cut-off (every access token of the user issued until then is refused
 * by every MCP server within its poll interval), then, for each active grant of the user, a grant-level feed entry
 * (covers its tokens whenever issued) and the grant itself (its refresh token stops working). The cut-off does not
 * depend on this machine's clock being right (see `UserRevocationRepository`). Returns the grants this call ended -
 * the caller revokes their Cognito refresh tokens where it can (the gateway does; an operator's command cannot, and
 * says so). Any storage failure throws (nothing is reported done that was not): run it again, every step is
 * idempotent.
 */
export async function revokeUserEverywhere(repos: Repositories, input: UserRevocationInput): Promise<GrantRecord[]> {
  const marker = await repos.userRevocations.mark(input.sub, { reason: input.feedReason, ttlSeconds: input.markerSeconds });
  await repos.revocationFeed.add({ target: 'user', ref: input.sub, reason: input.feedReason, coverSeconds: input.coverSeconds, revokedAtMs: marker.revokedAtMs });
  const ended: GrantRecord[] = [];
  for (const grant of await repos.grants.listForUser(input.sub)) {
    if (grant.status !== 'active') continue;
    await repos.revocationFeed.add({ target: 'grant', ref: grantReference(grant.grantId), reason: input.feedReason, coverSeconds: input.coverSeconds });
    const result = await repos.grants.revoke(grant.grantId, input.reason);
    if (result.status === 'revoked') ended.push(result.grant);
  }
  return ended;
}
