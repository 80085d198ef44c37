import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LocalIdpConfig } from '../config';
import {
  authenticateClient,
  type OAuthRefusal,
} from '../cognito/client-authentication';
import type { ClientSecrets } from '../cognito/client-secrets';
import { playFault, type FaultPlan } from '../cognito/faults';
import type { RefreshTokenRegistry } from '../cognito/refresh-token-registry';
import { countTokenRequest, type LocalIdpStats } from '../stats';
import { readForm, sendJson } from './http';

/** What the front learned about a token request, for the response side (provider.ts `afterToken`). */
export interface FrontState {
  clientId: string;
  grantType?: string;
  /** The client-facing refresh token presented with a refresh grant. */
  presentedRefreshToken?: string;
  /** Its sign-in's original refresh-token expiry (epoch seconds). */
  refreshTokenExpiresAt?: number;
}

const FRONT = Symbol('local-idp.front');

/** The front state attached to a request that went through {@link createOAuthFront}. */
export function frontStateOf(req: IncomingMessage): FrontState | undefined {
  return (req as IncomingMessage & { [FRONT]?: FrontState })[FRONT];
}

export interface OAuthFrontDeps {
  config: LocalIdpConfig;
  secrets: ClientSecrets;
  refreshTokens: RefreshTokenRegistry;
  faults: FaultPlan;
  stats: LocalIdpStats;
  /** The secret oidc-provider knows each confidential client by (internal, never handed out). */
  internalSecrets: ReadonlyMap<string, string>;
  provider: (req: IncomingMessage, res: ServerResponse) => unknown;
}

/**
 * `POST /oauth2/token` and `POST /oauth2/revoke`: the part of Cognito's behaviour oidc-provider does not have,
 * played before oidc-provider sees the request - injected faults, client authentication as Cognito does it (two
 * active secrets, Basic credentials not URL-decoded), the token-revocation switch, and refresh-token rotation with
 * a grace period. Then the request goes on to oidc-provider with the client's internal credentials and the
 * sign-in's own refresh token.
 */
export function createOAuthFront(
  endpoint: 'token' | 'revoke',
  deps: OAuthFrontDeps,
) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'POST') {
      await deps.provider(req, res);
      return;
    }
    const seen: { grantType?: string } = {};
    res.once('finish', () => {
      if (endpoint === 'token')
        countTokenRequest(deps.stats, seen.grantType, res.statusCode === 200);
      else {
        deps.stats.revocations.total += 1;
        if (res.statusCode !== 200) deps.stats.revocations.failed += 1;
      }
    });

    const fault = deps.faults.take(endpoint);
    if (fault && (await playFault(fault, res))) return;

    let form: URLSearchParams;
    try {
      form = await readForm(req, 56 * 1024);
    } catch {
      // Not a form, or larger than oidc-provider would read: Cognito's answer to a malformed request.
      refuse(res, { status: 400, error: 'invalid_request' });
      return;
    }
    const grantType = form.get('grant_type') ?? undefined;
    seen.grantType = grantType;

    const auth = authenticateClient(req.headers.authorization, form, {
      clients: deps.config.clients,
      secrets: deps.secrets,
      decoding: deps.config.basicAuth,
    });
    if (!auth.ok) {
      refuse(res, auth);
      return;
    }
    const state: FrontState = { clientId: auth.client.clientId, grantType };

    if (endpoint === 'revoke') {
      // Cognito answers 400 invalid_request while token revocation is off for the app client
      // (https://docs.aws.amazon.com/cognito/latest/developerguide/token-revocation.html).
      if (!auth.client.enableTokenRevocation) {
        refuse(res, { status: 400, error: 'invalid_request' });
        return;
      }
      const inner = deps.refreshTokens.innerOf(form.get('token') ?? '');
      if (inner) form.set('token', inner);
    } else if (grantType === 'refresh_token') {
      const presented = form.get('refresh_token') ?? '';
      const resolved = deps.refreshTokens.resolve(presented);
      if (!resolved.ok || resolved.clientId !== auth.client.clientId) {
        refuse(res, { status: 400, error: 'invalid_grant' });
        return;
      }
      form.set('refresh_token', resolved.inner);
      state.presentedRefreshToken = presented;
      state.refreshTokenExpiresAt = resolved.expiresAt;
    }

    // oidc-provider authenticates the client again, with the one secret it knows the client by.
    form.delete('client_secret');
    const internal = deps.internalSecrets.get(auth.client.clientId);
    if (internal) {
      req.headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(auth.client.clientId)}:${internal}`).toString('base64')}`;
    } else {
      delete req.headers.authorization;
    }
    const body = form.toString();
    req.headers['content-length'] = String(Buffer.byteLength(body));
    // The stream is consumed: oidc-provider reads the (rewritten) form from req.body instead.
    (req as IncomingMessage & { body?: string }).body = body;
    (req as IncomingMessage & { [FRONT]?: FrontState })[FRONT] = state;
    await deps.provider(req, res);
  };
}

/** Cognito's OAuth errors carry only `error`. */
function refuse(
  res: ServerResponse,
  refusal: OAuthRefusal | { status: 400; error: 'invalid_grant' },
): void {
  sendJson(
    res,
    refusal.status,
    { error: refusal.error },
    { Pragma: 'no-cache' },
  );
}
