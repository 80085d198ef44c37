/**
 * What one answer of Cognito's token or revocation endpoint means (docs/architecture.md#refresh), decided from the
 * status, the body and the headers - never from a token, which none of these outcomes carries:
 * - `ok`: HTTP 200 (with a JSON object for the token endpoint);
 * - `rejected`: an OAuth error of RFC 6749 §5.2 (or RFC 7009 §2.2.1) - Cognito decided, e.g. `invalid_grant`;
 * - `unavailable`: Cognito decided nothing - 429, 5xx, a throttle sent as 400 `TooManyRequestsException` (the
 *   refresh grant consumes the UserAuthentication quota, https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html),
 *   any answer that is not an OAuth error (an HTML page from something in front of Cognito), a 200 that is not a
 *   token response. With `Retry-After` when Cognito sent one.
 */
export type CognitoAnswer =
  | { kind: 'ok'; body: Record<string, unknown> }
  | { kind: 'rejected'; error: string; status: number }
  | { kind: 'unavailable'; detail: string; status?: number; retryAfterSeconds?: number };

/** The error codes an OAuth token or revocation endpoint answers with: a decision, not an outage. */
const OAUTH_ERRORS: ReadonlySet<string> = new Set([
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'unsupported_token_type',
]);

/** Longest `Retry-After` passed on to our clients; Cognito's throttles clear within seconds. */
const MAX_RETRY_AFTER_SECONDS = 60;

/** Reads one answer (the body at most once). `requireTokens`: a 200 must carry an `access_token`. */
export async function readCognitoAnswer(res: Response, requireTokens: boolean): Promise<CognitoAnswer> {
  const text = await res.text().catch(() => '');
  const body = parseObject(text);
  const retryAfterSeconds = parseRetryAfter(res.headers.get('retry-after'));
  if (res.status === 200) {
    if (!requireTokens) return { kind: 'ok', body: body ?? {} };
    if (body && typeof body['access_token'] === 'string') return { kind: 'ok', body };
    return { kind: 'unavailable', detail: 'status 200 without a token response', status: 200 };
  }
  const awsType = res.headers.get('x-amzn-errortype') ?? (typeof body?.['__type'] === 'string' ? body['__type'] : undefined);
  const error = typeof body?.['error'] === 'string' ? body['error'] : undefined;
  if (res.status === 429 || res.status >= 500 || /TooManyRequests/i.test(`${awsType ?? ''} ${error ?? ''}`)) {
    return { kind: 'unavailable', detail: `status ${res.status}${awsType ? ` ${label(awsType)}` : ''}`, status: res.status, retryAfterSeconds };
  }
  if (res.status >= 400 && res.status < 500 && error && OAUTH_ERRORS.has(error)) {
    return { kind: 'rejected', error, status: res.status };
  }
  return { kind: 'unavailable', detail: `status ${res.status}, not an OAuth answer`, status: res.status, retryAfterSeconds };
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** RFC 9110 §10.2.3: delay-seconds or an HTTP-date; bounded, at least 1. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = /^\d+$/.test(value.trim()) ? Number(value.trim()) : Math.ceil((Date.parse(value) - now) / 1000);
  if (!Number.isFinite(seconds)) return undefined;
  return Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(1, seconds));
}

/** The AWS error type without its namespace (`aws.cognito#TooManyRequestsException:...` -> `TooManyRequestsException`). */
function label(awsType: string): string {
  return (awsType.split(':')[0]?.split('#').pop() ?? 'error').replace(/[^A-Za-z]/g, '').slice(0, 64);
}
