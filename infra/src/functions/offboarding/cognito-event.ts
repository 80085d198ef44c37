/**
 * The EventBridge events this function is for: Cognito user-pool API calls recorded by CloudTrail ("AWS API Call via
 * CloudTrail", source `aws.cognito-idp`), docs/deploy.md "Automatic offboarding". Only the fields used are typed; the
 * rest of CloudTrail's record is ignored.
 */
export const OFFBOARDING_EVENT_NAMES = ['AdminDisableUser', 'AdminDeleteUser', 'AdminUserGlobalSignOut'] as const;
export type OffboardingEventName = (typeof OFFBOARDING_EVENT_NAMES)[number];

/** What CloudTrail writes when it withholds a value it considers sensitive. */
export const REDACTED = 'HIDDEN_DUE_TO_SECURITY_REASONS';

export interface CloudTrailApiCallEvent {
  id?: string;
  source?: string;
  'detail-type'?: string;
  detail?: {
    eventSource?: string;
    eventName?: string;
    eventID?: string;
    eventTime?: string;
    errorCode?: string;
    requestParameters?: { userPoolId?: unknown; username?: unknown } | null;
    additionalEventData?: { sub?: unknown } | null;
    userIdentity?: { arn?: unknown; type?: unknown } | null;
  };
}

/** What the function does with one event. */
export type OffboardingRequest =
  | {
      action: 'revoke';
      eventName: OffboardingEventName;
      username: string;
      /** The `sub` CloudTrail reported for the user, when it did (never relied on: AdminGetUser first). */
      reportedSub?: string;
      eventId: string;
      eventTime?: string;
      /** The IAM principal that called Cognito (an ARN), for the audit record. */
      caller?: string;
    }
  /** Not for us (another pool, another API, a failed call): nothing to do. */
  | { action: 'ignore'; reason: string }
  /** For us, but it does not say which user: a human must finish the offboarding. */
  | { action: 'unusable'; reason: string; eventName: OffboardingEventName; eventId: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Reads an event. The rule already matches only successful calls of the three APIs on our pool; the same checks are
 * repeated here so that a widened rule or a hand-sent event can never revoke a user of another pool.
 */
export function readOffboardingEvent(event: CloudTrailApiCallEvent, userPoolId: string): OffboardingRequest {
  const d = event.detail;
  if (!d || event['detail-type'] !== 'AWS API Call via CloudTrail' || d.eventSource !== 'cognito-idp.amazonaws.com') {
    return { action: 'ignore', reason: 'not a Cognito API call recorded by CloudTrail' };
  }
  const eventName = OFFBOARDING_EVENT_NAMES.find((n) => n === d.eventName);
  if (!eventName) return { action: 'ignore', reason: `not an offboarding call (${String(d.eventName)})` };
  if (d.requestParameters?.userPoolId !== userPoolId) return { action: 'ignore', reason: 'another user pool' };
  // A failed call (no such user, throttled, denied) changed nothing at Cognito.
  if (d.errorCode) return { action: 'ignore', reason: `the call failed (${d.errorCode})` };
  const eventId = typeof d.eventID === 'string' ? d.eventID : (event.id ?? 'unknown');
  const username = d.requestParameters?.username;
  if (typeof username !== 'string' || username.trim() === '' || username === REDACTED || username.length > 512) {
    return { action: 'unusable', reason: username === REDACTED ? 'username redacted by CloudTrail' : 'no username in the event', eventName, eventId };
  }
  const sub = d.additionalEventData?.sub;
  const caller = d.userIdentity?.arn;
  return {
    action: 'revoke',
    eventName,
    username,
    ...(typeof sub === 'string' && UUID.test(sub) ? { reportedSub: sub } : {}),
    eventId,
    ...(typeof d.eventTime === 'string' ? { eventTime: d.eventTime } : {}),
    ...(typeof caller === 'string' ? { caller } : {}),
  };
}
