import type { BasicAuthDecoding, LocalIdpClient } from '../config';
import type { ClientSecrets } from './client-secrets';

/** An OAuth error answer of the token or revocation endpoint (RFC 6749 §5.2). */
export interface OAuthRefusal {
  status: 400 | 401;
  error: 'invalid_request' | 'invalid_client';
}

export type ClientAuthentication =
  | { ok: true; client: LocalIdpClient; confidential: boolean }
  | ({ ok: false } & OAuthRefusal);

/**
 * `Authorization: Basic` as Cognito documents it: `Base64Encode(client_id:client_secret)`, the two values as they
 * are (https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html). RFC 6749 §2.3.1 would
 * form-urlencode them first; `rfc6749` decoding (LOCAL_IDP_BASIC_AUTH) accepts that instead. A client that
 * encodes and a server that does not disagree about any secret with `+`, `/`, `=` or `%` in it.
 */
export function parseBasicCredentials(
  header: string,
  decoding: BasicAuthDecoding,
): { clientId: string; secret: string } | undefined {
  const m = /^Basic ([A-Za-z0-9+/]+={0,2})$/i.exec(header.trim());
  if (!m) return undefined;
  const decoded = Buffer.from(m[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  const id = decoded.slice(0, colon);
  const secret = decoded.slice(colon + 1);
  if (decoding === 'cognito') return { clientId: id, secret };
  try {
    const form = (v: string) => decodeURIComponent(v.replace(/\+/g, '%20'));
    return { clientId: form(id), secret: form(secret) };
  } catch {
    return undefined;
  }
}

/**
 * Client authentication at `/oauth2/token` and `/oauth2/revoke`, done by local-idp rather than oidc-provider so
 * that it follows Cognito: Basic credentials decoded as Cognito does, any of the client's active secrets
 * accepted (two during a rotation), `client_secret_post` as an alternative, `client_id` alone for a public client.
 */
export function authenticateClient(
  authorization: string | undefined,
  form: URLSearchParams,
  deps: {
    clients: readonly LocalIdpClient[];
    secrets: ClientSecrets;
    decoding: BasicAuthDecoding;
  },
): ClientAuthentication {
  const postedSecret = form.get('client_secret');
  const postedId = form.get('client_id');
  let clientId: string | null;
  let secret: string | undefined;
  if (authorization !== undefined) {
    if (postedSecret !== null)
      return { ok: false, status: 400, error: 'invalid_request' };
    const basic = parseBasicCredentials(authorization, deps.decoding);
    // A malformed header is a failed authentication attempt (RFC 6749 §5.2: 401 invalid_client).
    if (!basic) return { ok: false, status: 401, error: 'invalid_client' };
    if (postedId !== null && postedId !== basic.clientId)
      return { ok: false, status: 400, error: 'invalid_request' };
    clientId = basic.clientId;
    secret = basic.secret;
  } else {
    clientId = postedId;
    secret = postedSecret ?? undefined;
  }
  if (!clientId) return { ok: false, status: 400, error: 'invalid_request' };
  const client = deps.clients.find((c) => c.clientId === clientId);
  if (!client) return { ok: false, status: 401, error: 'invalid_client' };
  const confidential = deps.secrets.isConfidential(client.clientId);
  if (!confidential) {
    return secret === undefined
      ? { ok: true, client, confidential }
      : { ok: false, status: 401, error: 'invalid_client' };
  }
  if (secret === undefined || !deps.secrets.matches(client.clientId, secret))
    return { ok: false, status: 401, error: 'invalid_client' };
  return { ok: true, client, confidential };
}
