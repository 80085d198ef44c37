import { resolveUser, revokeUserEverywhere, type Repositories } from '@mcp-cognito/storage';
import { readOffboardingEvent, type CloudTrailApiCallEvent, type OffboardingEventName } from './cognito-event';
import type { UserDirectory } from './user-directory';

export interface OffboardingDeps {
  repos: Repositories;
  directory: UserDirectory;
  /** The only user pool whose events count. */
  userPoolId: string;
  /** How long the feed entries live: the stage's ACCESS_TOKEN_TTL + 300 s (the servers' largest clock tolerance). */
  coverSeconds: number;
  /** Writes one audit/diagnostic record (a JSON line in the function's log group). */
  log: (record: Record<string, unknown>) => void;
  /** @default the real clock */
  now?: () => Date;
}

/** What one event led to (also what the handler returns: Lambda's async invocations discard it; tests read it). */
export type OffboardingOutcome =
  | { status: 'revoked'; eventName: OffboardingEventName; users: Array<{ sub: string; grants: number; clients: string[] }> }
  | { status: 'ignored'; reason: string }
  /** A real offboarding of a user this deployment never saw (no grant, no such user left at Cognito): nothing held. */
  | { status: 'nothing_to_revoke'; eventName: OffboardingEventName };

/**
 * The event names a user of our pool, but not which one (CloudTrail withheld or left out the username). Thrown: after
 * Lambda's retries the event lands in the dead-letter queue, whose alarm asks an operator to finish the offboarding
 * by hand (`npm run admin -- revoke-user`). A retry cannot reveal the user; but a silent no-op would leave an
 * offboarded user's MCP access running with nobody told.
 */
export class UnusableOffboardingEvent extends Error {
  override readonly name = 'UnusableOffboardingEvent';
}

/**
 * Automatic offboarding (docs/architecture.md#revocation, docs/deploy.md "Automatic offboarding"): when Cognito
 * disables, deletes or globally signs out a user of our pool, every grant of the user ends and every MCP server refuses
 * the user's access tokens within its poll interval - exactly what `npm run admin -- revoke-user` does, with the
 * feed reason `cognito:<API>` and the audit record `user.revoked` (actor `cognito:<API>`).
 *
 * The user: AdminGetUser's `sub` while the user exists (disable, global sign-out); after AdminDeleteUser the user is
 * gone, so the username is looked up in the user grant index (every `sub` it has had in a grant; a UUID-shaped value
 * is a `sub` itself). A storage or Cognito failure throws, so the invocation is retried (every step is idempotent).
 */
export async function offboardFromCognitoEvent(event: CloudTrailApiCallEvent, deps: OffboardingDeps): Promise<OffboardingOutcome> {
  const now = deps.now ?? (() => new Date());
  const request = readOffboardingEvent(event, deps.userPoolId);
  if (request.action === 'ignore') {
    deps.log({ time: now().toISOString(), level: 'info', event: 'offboarding.ignored', reason: request.reason });
    return { status: 'ignored', reason: request.reason };
  }
  if (request.action === 'unusable') {
    deps.log({ time: now().toISOString(), level: 'error', event: 'user.revocation_failed', actor: `cognito:${request.eventName}`, reason: request.reason, cognito_event_id: request.eventId });
    throw new UnusableOffboardingEvent(`${request.eventName} ${request.eventId}: ${request.reason}; finish with npm run admin -- revoke-user`);
  }

  const actor = `cognito:${request.eventName}`;
  const context = { cognito_event_id: request.eventId, cognito_event_time: request.eventTime, caller: request.caller };
  try {
    const found = await deps.directory.subOf(request.username);
    const subs = new Set(found !== undefined ? [found] : await resolveUser(deps.repos, request.username));
    if (request.reportedSub) subs.add(request.reportedSub);
    if (subs.size === 0) {
      deps.log({ time: now().toISOString(), level: 'warn', event: 'user.revocation_unresolved', actor, reason: 'no such user at Cognito and no grant under this username', ...context });
      return { status: 'nothing_to_revoke', eventName: request.eventName };
    }
    const users: Array<{ sub: string; grants: number; clients: string[] }> = [];
    for (const sub of subs) {
      // The grants' own reason is `admin` (an administrator's action, at Cognito); the feed says which API it was.
      const ended = await revokeUserEverywhere(deps.repos, { sub, reason: 'admin', feedReason: actor, coverSeconds: deps.coverSeconds });
      users.push({ sub, grants: ended.length, clients: [...new Set(ended.map((g) => g.clientId))] });
    }
    // The same record as the admin command's (tools/admin), one JSON line: subs only, never the username (CloudTrail has it).
    deps.log({ time: now().toISOString(), level: 'warn', event: 'user.revoked', actor, reason: actor, users, ...context });
    return { status: 'revoked', eventName: request.eventName, users };
  } catch (error) {
    // Never the request or a token: the error's name and message (storage and SDK errors carry neither).
    deps.log({ time: now().toISOString(), level: 'error', event: 'user.revocation_failed', actor, error: (error as Error).name, message: (error as Error).message, ...context });
    throw error;
  }
}
