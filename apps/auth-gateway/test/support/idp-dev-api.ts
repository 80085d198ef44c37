import { REPOSITORIES } from '@mcp-cognito/nest-platform';
import type { GrantRecord, Repositories } from '@mcp-cognito/storage';
import { LOCAL_COGNITO_CLIENT_ID } from '@mcp-cognito/dev-stack';
import type { GatewayHarness } from './harness';
import { ALICE } from './harness';
import { exchangeCode, obtainCode, type RegisteredClient } from './mcp-client';

/**
 * local-idp's dev API (apps/local-idp README, "Dev API"): what the tests change at run time the way an operator or
 * an outage changes a real user pool.
 */
async function devApi(h: GatewayHarness, path: string, init: { method?: string; body?: unknown } = {}): Promise<unknown> {
  const res = await fetch(`${h.idp.baseUrl}/__local-idp${path}`, {
    method: init.method ?? 'GET',
    headers: { 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const body = (await res.json()) as unknown;
  if (res.status >= 300) throw new Error(`local-idp dev API ${path}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

export interface Fault {
  endpoint: 'token' | 'revoke';
  kind: 'throttle' | 'too-many-requests' | 'unavailable' | 'slow';
  times?: number;
  delayMs?: number;
  retryAfterSeconds?: number;
}

export const injectFault = (h: GatewayHarness, fault: Fault) => devApi(h, '/faults', { method: 'POST', body: fault });
export const clearFaults = (h: GatewayHarness) => devApi(h, '/faults', { method: 'DELETE' });

/** UpdateUserPoolClient EnableTokenRevocation for the gateway's app client. */
export const setTokenRevocation = (h: GatewayHarness, enabled: boolean) =>
  devApi(h, `/clients/${LOCAL_COGNITO_CLIENT_ID}`, { method: 'PATCH', body: { EnableTokenRevocation: enabled } });

/** AddUserPoolClientSecret for the gateway's app client (a value of ours: 24-64 of [\w+]). */
export async function addClientSecret(h: GatewayHarness, value: string): Promise<string> {
  const out = (await devApi(h, `/clients/${LOCAL_COGNITO_CLIENT_ID}/secrets`, { method: 'POST', body: { ClientSecret: value } })) as {
    ClientSecretDescriptor: { ClientSecretId: string };
  };
  return out.ClientSecretDescriptor.ClientSecretId;
}

export async function clientSecretIds(h: GatewayHarness): Promise<string[]> {
  const out = (await devApi(h, `/clients/${LOCAL_COGNITO_CLIENT_ID}/secrets`)) as { ClientSecrets: Array<{ ClientSecretId: string }> };
  return out.ClientSecrets.map((s) => s.ClientSecretId);
}

export const deleteClientSecret = (h: GatewayHarness, id: string) => devApi(h, `/clients/${LOCAL_COGNITO_CLIENT_ID}/secrets/${id}`, { method: 'DELETE' });

/** The gateway's repositories (first instance): what is stored, read the way the gateway reads it. */
export function repositories(h: GatewayHarness): Repositories {
  return h.instances[0]!.app.get<Repositories>(REPOSITORIES);
}

/** The grant behind one of our refresh tokens (`<grant id>.<body>.<kid>.<tag>`). */
export function storedGrant(h: GatewayHarness, refreshToken: string): Promise<GrantRecord | undefined> {
  return repositories(h).grants.get(refreshToken.split('.')[0]!);
}

/** A full sign-in of ALICE through the gateway and local-idp; the token response. */
export async function signIn(h: GatewayHarness, client: RegisteredClient, gateway = h.url): Promise<{ access_token: string; refresh_token: string; scope: string }> {
  const flow = await obtainCode(gateway, client, h.resource, ALICE);
  const token = await exchangeCode(gateway, client, flow, h.resource);
  if (token.status !== 200) throw new Error(JSON.stringify(token.body));
  return token.body as { access_token: string; refresh_token: string; scope: string };
}
