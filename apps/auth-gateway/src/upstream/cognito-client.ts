import type { CognitoConfig } from '@mcp-cognito/config';

/** Cognito's token response (RFC 6749 §5.1). */
export interface CognitoTokenResponse {
  access_token: string;
  id_token?: string;
  refresh_token?: string;
  token_type: string;
  expires_in: number;
}

/** Cognito could not be reached, timed out, or answered 5xx: nothing was decided upstream. */
export class UpstreamUnavailableError extends Error {
  constructor(readonly detail: string) {
    super(`Cognito is unavailable: ${detail}`);
  }
}

/** Cognito answered with an OAuth error (e.g. `invalid_grant`): the upstream grant is not usable. */
export class UpstreamRejectedError extends Error {
  constructor(
    readonly error: string,
    readonly status: number,
  ) {
    super(`Cognito rejected the request: ${error}`);
  }
}

/**
 * The gateway's own HTTP client for Cognito's token and revocation endpoints: confidential client
 * (`client_secret_basic`, as Cognito documents), bounded by a timeout, with typed outcomes so that
 * an outage is never mistaken for a rejection. Tokens never appear in errors or logs.
 */
export class CognitoClient {
  /** RFC 6749 §2.3.1 client_secret_basic: id and secret form-urlencoded before base64 (fixed: computed once). */
  private readonly basicAuth: string;

  constructor(
    private readonly cognito: CognitoConfig & { clientSecret: string },
    private readonly timeoutMs = 5000,
  ) {
    const enc = (v: string) => encodeURIComponent(v).replace(/%20/g, '+');
    this.basicAuth = `Basic ${Buffer.from(`${enc(cognito.clientId)}:${enc(cognito.clientSecret)}`).toString('base64')}`;
  }

  private async post(url: string, form: Record<string, string>): Promise<Response> {
    try {
      return await fetch(url, {
        method: 'POST',
        headers: { authorization: this.basicAuth, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams(form).toString(),
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'error',
      });
    } catch (error) {
      const name = (error as Error)?.name;
      throw new UpstreamUnavailableError(name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : 'connection failed');
    }
  }

  private async tokenRequest(form: Record<string, string>): Promise<CognitoTokenResponse> {
    const res = await this.post(this.cognito.tokenUrl, form);
    const body = (await res.json().catch(() => undefined)) as Record<string, unknown> | undefined;
    if (res.status >= 500 || res.status === 429) throw new UpstreamUnavailableError(`token endpoint answered ${res.status}`);
    if (!res.ok) throw new UpstreamRejectedError(typeof body?.['error'] === 'string' ? body['error'] : 'invalid_response', res.status);
    if (!body || typeof body['access_token'] !== 'string') throw new UpstreamRejectedError('invalid_response', res.status);
    return body as unknown as CognitoTokenResponse;
  }

  exchangeCode(code: string, redirectUri: string, codeVerifier: string): Promise<CognitoTokenResponse> {
    return this.tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: codeVerifier, client_id: this.cognito.clientId });
  }

  refresh(refreshToken: string): Promise<CognitoTokenResponse> {
    return this.tokenRequest({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: this.cognito.clientId });
  }

  /** Cognito /oauth2/revoke: ends the refresh token and the tokens issued from it. */
  async revoke(refreshToken: string): Promise<void> {
    const res = await this.post(this.cognito.revokeUrl, { token: refreshToken, client_id: this.cognito.clientId });
    await res.body?.cancel();
    if (res.status >= 500 || res.status === 429) throw new UpstreamUnavailableError(`revocation endpoint answered ${res.status}`);
    // 200 = revoked; 400 unsupported/invalid token = nothing left to revoke.
  }
}
