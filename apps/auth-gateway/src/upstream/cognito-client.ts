import type { CognitoConfig } from '@mcp-cognito/config';
import type { Metrics, SecurityEvents } from '@mcp-cognito/nest-platform';
import { readCognitoAnswer, type CognitoAnswer } from './cognito-answer';
import { CognitoClientCredentials } from './client-credentials';

/** Cognito's token response (RFC 6749 §5.1). */
export interface CognitoTokenResponse {
  access_token: string;
  id_token?: string;
  refresh_token?: string;
  token_type: string;
  expires_in: number;
}

/** Cognito decided nothing: unreachable, timed out, throttled, 5xx, or an answer that is not OAuth. */
export class UpstreamUnavailableError extends Error {
  constructor(
    readonly detail: string,
    /** Cognito's `Retry-After`, bounded (cognito-answer.ts). */
    readonly retryAfterSeconds?: number,
  ) {
    super(`Cognito is unavailable: ${detail}`);
  }
}

/** Cognito answered with an OAuth error (e.g. `invalid_grant`): it decided against the request. */
export class UpstreamRejectedError extends Error {
  constructor(
    readonly error: string,
    readonly status: number,
  ) {
    super(`Cognito rejected the request: ${error}`);
  }
}

/** One revocation attempt's result: only HTTP 200 is `revoked` (RFC 7009 §2.2). */
export type RevocationAttempt = { revoked: true } | { revoked: false; detail: string; status?: number; retryAfterSeconds?: number };

type Operation = 'token' | 'refresh' | 'revoke';

/**
 * The gateway's own HTTP client for Cognito's token and revocation endpoints: confidential client
 * (`client_secret_basic`, encoded as Cognito documents), bounded by a timeout, with typed outcomes so that an outage
 * is never mistaken for a rejection (cognito-answer.ts). Tokens never appear in errors, events or logs.
 */
export class CognitoClient {
  readonly credentials: CognitoClientCredentials;

  constructor(
    private readonly cognito: CognitoConfig & { clientSecrets: string[] },
    private readonly timeoutMs = 5000,
    private readonly observers: { metrics?: Metrics; events?: SecurityEvents } = {},
  ) {
    this.credentials = new CognitoClientCredentials(cognito.clientId, cognito.clientSecrets);
  }

  exchangeCode(code: string, redirectUri: string, codeVerifier: string): Promise<CognitoTokenResponse> {
    return this.tokenRequest('token', { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: codeVerifier, client_id: this.cognito.clientId });
  }

  refresh(refreshToken: string): Promise<CognitoTokenResponse> {
    return this.tokenRequest('refresh', { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: this.cognito.clientId });
  }

  /**
   * One call to Cognito's `/oauth2/revoke` (ends the refresh token and the tokens issued from it). Never throws for
   * what Cognito or the network did: the caller decides how to retry (families/upstream-revocation.service.ts).
   * `timeoutMs` may shorten this attempt to fit the caller's budget.
   */
  async revoke(refreshToken: string, timeoutMs = this.timeoutMs): Promise<RevocationAttempt> {
    const answer = await this.call('revoke', this.cognito.revokeUrl, { token: refreshToken, client_id: this.cognito.clientId }, false, timeoutMs);
    if (answer.kind === 'ok') return { revoked: true };
    if (answer.kind === 'rejected') return { revoked: false, detail: `status ${answer.status} ${answer.error}`, status: answer.status };
    return { revoked: false, detail: answer.detail, status: answer.status, retryAfterSeconds: answer.retryAfterSeconds };
  }

  private async tokenRequest(operation: Operation, form: Record<string, string>): Promise<CognitoTokenResponse> {
    const answer = await this.call(operation, this.cognito.tokenUrl, form, true, this.timeoutMs);
    if (answer.kind === 'ok') return answer.body as unknown as CognitoTokenResponse;
    if (answer.kind === 'rejected') throw new UpstreamRejectedError(answer.error, answer.status);
    throw new UpstreamUnavailableError(answer.detail, answer.retryAfterSeconds);
  }

  /** POSTs with the preferred secret, then (only on `invalid_client`) with the other one. */
  private async call(operation: Operation, url: string, form: Record<string, string>, requireTokens: boolean, timeoutMs: number): Promise<CognitoAnswer> {
    const started = Date.now();
    let answer: CognitoAnswer = { kind: 'unavailable', detail: 'not attempted' };
    for (const index of this.credentials.order()) {
      answer = await this.post(url, form, index, requireTokens, timeoutMs);
      if (answer.kind === 'rejected' && answer.error === 'invalid_client') continue;
      // Cognito authenticated the client with this secret (any answer but an outage says so).
      if (answer.kind !== 'unavailable' && this.credentials.accepted(index)) this.observers.events?.emit('upstream.client_secret_fallback', { operation: operation === 'revoke' ? 'revoke' : 'token' });
      break;
    }
    this.observers.metrics?.timing('upstreamLatency', Date.now() - started, operation);
    if (answer.kind !== 'ok') this.observers.metrics?.count('upstreamErrors', operation);
    return answer;
  }

  private async post(url: string, form: Record<string, string>, secretIndex: number, requireTokens: boolean, timeoutMs: number): Promise<CognitoAnswer> {
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { authorization: this.credentials.basicHeader(secretIndex), 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams(form).toString(),
        signal: AbortSignal.timeout(Math.max(1, timeoutMs)),
        redirect: 'error',
      });
    } catch (error) {
      const name = (error as Error)?.name;
      return { kind: 'unavailable', detail: name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : 'connection failed' };
    }
    try {
      return await readCognitoAnswer(res, requireTokens);
    } catch {
      // The body stalled past the timeout.
      return { kind: 'unavailable', detail: `no complete answer within ${timeoutMs} ms`, status: res.status };
    }
  }
}
