import type { SecurityEventFields, SecurityEventName } from './security-events';

/**
 * The metrics the services emit (CloudWatch Embedded Metric Format: a JSON log line per event, turned into
 * metrics by CloudWatch Logs - no API call per request) and the names the infra app's dashboard and alarms
 * read. Defined once here so the two cannot drift. Dimensions never carry a token, code, secret or user id:
 * only the service name and one bounded label per metric.
 */
export const METRICS_NAMESPACE = 'McpCognito';

/** Every metric carries this dimension (the service's name, e.g. `auth-gateway`); alarms use it alone. */
export const SERVICE_DIMENSION = 'Service';

export interface MetricDefinition {
  readonly name: string;
  readonly unit: 'Count' | 'Milliseconds';
  /**
   * The one extra dimension of the detailed series (a bounded label: a grant type, an OAuth error code, a
   * tool name). Each value is emitted twice: with `Service` only, and with `Service` + this dimension.
   */
  readonly dimension?: string;
}

export const METRICS = {
  /** An access token issued at /token. */
  tokensIssued: { name: 'TokensIssued', unit: 'Count', dimension: 'GrantType' },
  /** A /token request refused, by OAuth `error` code. */
  tokenRequestsRefused: { name: 'TokenRequestsRefused', unit: 'Count', dimension: 'Error' },
  /** A rotated-out refresh token presented again (RFC 9700 §4.14.2): its grant was revoked. */
  refreshTokenReuse: { name: 'RefreshTokenReuse', unit: 'Count' },
  /** A dynamic client registration (RFC 7591) accepted. */
  clientRegistrations: { name: 'ClientRegistrations', unit: 'Count' },
  /** The user's answer on the consent page: `approved` or `denied`. */
  consentDecisions: { name: 'ConsentDecisions', unit: 'Count', dimension: 'Decision' },
  /** A Cognito call that failed (outage, throttle or refusal), by operation. */
  upstreamErrors: { name: 'UpstreamErrors', unit: 'Count', dimension: 'Operation' },
  /**
   * A Cognito refresh-token revocation not confirmed (anything but HTTP 200) after the bounded retries; the token
   * is kept to be retried (a `REVOKE#` item). Alarm on it: the user's Cognito session outlives our grant meanwhile.
   */
  upstreamRevocationFailures: { name: 'UpstreamRevocationFailures', unit: 'Count', dimension: 'Reason' },
  /** Time of one Cognito call, by operation. */
  upstreamLatency: { name: 'UpstreamLatency', unit: 'Milliseconds', dimension: 'Operation' },
  /** A bearer token refused by a resource server, by reason (`expired`, `audience_mismatch`...). */
  resourceAuthFailures: { name: 'ResourceAuthFailures', unit: 'Count', dimension: 'Reason' },
  /** A tool call, by tool name. */
  toolCalls: { name: 'ToolCalls', unit: 'Count', dimension: 'Tool' },
  /** A tool call that failed (a tool error or a deadline), by tool name. */
  toolErrors: { name: 'ToolErrors', unit: 'Count', dimension: 'Tool' },
  /**
   * One read of the revocation feed by an MCP server, by outcome (`ok`, or the outage reason): its cost is this count
   * (requests per instance per poll interval); an alarm on the failures says revoked tokens may pass or be refused.
   */
  revocationFeedReads: { name: 'RevocationFeedReads', unit: 'Count', dimension: 'Outcome' },
  /**
   * A request checked while the revocation set was stale (the feed could not be read), by what the gate did: `open`
   * (accepted, inside REVOCATION_FAIL_OPEN_MS) or `closed` (refused with 503).
   */
  revocationStaleRequests: { name: 'RevocationStaleRequests', unit: 'Count', dimension: 'Decision' },
  /** A storage operation that ended as an outage (timeout, unreachable, throttled...): its caller answered "try again". */
  storageUnavailable: { name: 'StorageUnavailable', unit: 'Count' },
} as const satisfies Record<string, MetricDefinition>;

export type MetricKey = keyof typeof METRICS;

/**
 * Security events that are also counted (libs/nest-platform's emitter does it): the event says what happened, the
 * metric how often. `label` picks the value of the metric's extra dimension from the event - always a bounded value
 * (a grant type, an OAuth error code, a failure reason, a tool name), never anything a caller chose freely.
 * Cognito calls (`upstreamErrors`, `upstreamLatency`) are counted by the gateway's CognitoClient, which every call
 * passes, not from `upstream.error` events (those would count some failures twice).
 */
export const EVENT_METRICS: { readonly [E in SecurityEventName]?: { metric: MetricKey; label?: (fields: SecurityEventFields[E]) => string | undefined } } = {
  'token.issued': { metric: 'tokensIssued', label: (f) => f.grant_type },
  'token.refused': { metric: 'tokenRequestsRefused', label: (f) => f.error },
  'refresh_token.reused': { metric: 'refreshTokenReuse' },
  'client.registered': { metric: 'clientRegistrations' },
  'consent.granted': { metric: 'consentDecisions', label: () => 'approved' },
  'consent.denied': { metric: 'consentDecisions', label: () => 'denied' },
  'resource.token_refused': { metric: 'resourceAuthFailures', label: (f) => f.reason },
  'tool.failed': { metric: 'toolErrors', label: (f) => f.tool },
};
