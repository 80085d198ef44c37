import { HttpBrowser, parseForm, pkce } from '@mcp-cognito/dev-stack';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createDynamoClients } from '@mcp-cognito/storage';
import { ALICE, type GatewayHarness } from './harness';
import { authorizationUrl, type RegisteredClient } from './mcp-client';

/** The flow cut into its hops, so negative tests can stop or tamper at any of them. */
export interface UpstreamLeg {
  browser: HttpBrowser;
  verifier: string;
  state: string;
  /** Cognito's authorization URL the gateway sent the browser to. */
  cognitoUrl: URL;
}

export async function approveConsent(h: GatewayHarness, client: RegisteredClient, extra: Record<string, string> = {}): Promise<UpstreamLeg> {
  const browser = new HttpBrowser();
  const { verifier, challenge } = pkce();
  const url = authorizationUrl(h.url, {
    client_id: client.client_id,
    redirect_uri: client.redirect_uris[0],
    response_type: 'code',
    state: 'client-state',
    scope: 'mcp-server/read',
    resource: h.resource,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...extra,
  });
  const page = await browser.get(url);
  if (page.status !== 200) throw new Error(`consent page: ${page.status} ${await page.text()}`);
  const form = parseForm(await page.text(), url);
  const approved = await browser.post(form.action, { ...form.fields, decision: 'approve' });
  if (approved.status !== 302) throw new Error(`approve: ${approved.status} ${await approved.text()}`);
  const cognitoUrl = new URL(approved.headers.get('location')!);
  return { browser, verifier, state: cognitoUrl.searchParams.get('state')!, cognitoUrl };
}

/** Signs in at local-idp and returns the gateway callback URL Cognito redirects to (not yet followed). */
export async function signInUpstream(leg: UpstreamLeg, user = ALICE): Promise<URL> {
  const { browser } = leg;
  const step = await browser.follow(await browser.get(leg.cognitoUrl.toString()), leg.cognitoUrl.toString(), (u) => u.pathname === '/callback');
  if (step.stoppedAt) return step.stoppedAt;
  const html = await step.response.text();
  const form = parseForm(html, step.url);
  const posted = await browser.post(form.action, { ...form.fields, username: user.username, password: user.password });
  const done = await browser.follow(posted, form.action, (u) => u.pathname === '/callback');
  if (!done.stoppedAt) throw new Error(`sign-in did not reach /callback: ${done.response.status}`);
  return done.stoppedAt;
}

/** Counts items of each kind in the table (the tests' view of "nothing half-written"). */
export async function countItems(h: GatewayHarness): Promise<Record<string, number>> {
  const clients = createDynamoClients({ region: 'us-east-1', endpoint: h.dynamo.endpoint, tableName: 'mcp-cognito' });
  try {
    const out = await clients.doc.send(new ScanCommand({ TableName: 'mcp-cognito', ProjectionExpression: 'pk' }));
    const counts: Record<string, number> = {};
    for (const item of out.Items ?? []) {
      const kind = String(item['pk']).split('#')[0]!;
      counts[kind] = (counts[kind] ?? 0) + 1;
    }
    return counts;
  } finally {
    clients.destroy();
  }
}
