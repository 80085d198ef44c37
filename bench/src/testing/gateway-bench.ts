import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  authorizeInBrowser,
  buildServiceEnvironments,
  freePort,
  HttpBrowser,
  pkce,
  startLocalIdpProcess,
  type DevSecrets,
  type LocalIdpProcess,
} from '@mcp-cognito/dev-stack';
import type { CountingDynamo } from './counting-dynamo';
import { measureEach, type LoadResult } from './load';
import { procStatus, rssMB, spawnPinned, type PinnedProcess } from './processes';
import type { BenchSettings } from './settings';

const ALICE = { username: 'alice', password: 'alice-dev-password' };
const FORM = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };

export interface GrantCost {
  /** DynamoDB commands per request (average over the phase), by command and total. */
  dynamoPerRequest: Record<string, number>;
  dynamoTotalPerRequest: number;
  /** Calls to "Cognito" (local-idp /oauth2/token, /revoke, /userInfo) per request. */
  cognitoPerRequest: number;
}

export interface GrantPhase {
  key: 'authorization_code' | 'refresh_token_cognito_fresh' | 'refresh_token_cognito_refresh';
  title: string;
  method: string;
  requests: number;
  load: LoadResult;
  cost: GrantCost;
  /** One extra request alone, after the phase (warm caches), counted exactly. */
  isolated?: { dynamo: Record<string, number>; dynamoTotal: number; cognito: number };
  gatewayEnv: Record<string, string>;
}

export interface GatewayBenchResult {
  setup: { flows: number; seconds: number; perFlow: GrantCost; note: string };
  phases: GrantPhase[];
  rssAfterLoadMB: number;
  serverCpus: string | undefined;
}

interface IdpStats {
  token: { total: number };
  revocations: { total: number };
  userInfo: { total: number };
}

async function cognitoCalls(idp: LocalIdpProcess): Promise<number> {
  const stats = (await (await fetch(`${idp.baseUrl}/__local-idp/stats`)).json()) as IdpStats;
  return stats.token.total + stats.revocations.total + stats.userInfo.total;
}

function perRequest(counts: Record<string, number>, n: number): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, Math.round((v / n) * 100) / 100]));
}

export interface GatewayBenchContext {
  settings: BenchSettings;
  secrets: DevSecrets;
  dynamo: CountingDynamo;
  log: (line: string) => void;
}

/**
 * The token endpoint of the built gateway (pinned to the server core) against dynalite behind the
 * counting proxy and local-idp as Cognito (both on the load-generator core).
 *
 * Every request uses a fresh single-use credential, created by driving the real flow: N times
 * `/authorize` -> consent -> local-idp sign-in -> `/callback` (Cognito code exchange) -> MCP code.
 * 1. authorization_code: the N codes redeemed at /token (PKCE) -> N grants with N refresh tokens.
 * 2. refresh_token, Cognito token still fresh: each of the N refresh tokens used once (rotation: the
 *    successors are kept). ACCESS_TOKEN_TTL=900 < Cognito's 3600 s, so no upstream call is needed.
 * 3. refresh_token, Cognito token must be refreshed: a second gateway process on the same table with
 *    ACCESS_TOKEN_TTL=3600 (>= the stored Cognito token's remaining life) uses the newest M successors.
 */
export interface GatewayStack {
  idp: LocalIdpProcess;
  env: ReturnType<typeof buildServiceEnvironments>;
  toolsPort: number;
  gatewayPort: number;
  clientId: string;
  /** Unused current refresh tokens (for the start-up section). */
  spareRefreshTokens: string[];
}

export async function runGatewayBench(ctx: GatewayBenchContext): Promise<{ result: GatewayBenchResult; stack: GatewayStack }> {
  const { settings, dynamo, log } = ctx;
  const [gatewayPort, toolsPort, idpPort, redirectPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  const env = buildServiceEnvironments({
    secrets: ctx.secrets,
    dynamoEndpoint: dynamo.endpoint,
    idpUrl: `http://127.0.0.1:${idpPort}`,
    gatewayUrl,
    toolsUrl: `http://127.0.0.1:${toolsPort}`,
    logLevel: settings.logLevel,
  });
  log('starting local-idp (Cognito stand-in, on the load-generator core)...');
  const idp = await startLocalIdpProcess({ port: idpPort, env: env.idp });

  const startGateway = (name: string, extra: Record<string, string>): Promise<PinnedProcess> =>
    spawnPinned({
      name,
      cpu: settings.serverCpu,
      nodeArgs: [
        '-r',
        join(settings.root, 'dist/bench/preload.js'),
        ...(settings.cpuProfile ? ['--cpu-prof', `--cpu-prof-dir=${join(settings.outDir, 'profiles')}`, `--cpu-prof-name=${name}.cpuprofile`] : []),
      ],
      main: join(settings.root, 'dist/apps/auth-gateway/main.js'),
      env: { ...env.gateway, PORT: String(gatewayPort), ...(settings.cpuProfile ? { BENCH_EXIT_ON_SIGTERM: '1' } : {}), ...extra },
      healthUrl: `${gatewayUrl}/health`,
    });

  const lazyEnv = { ACCESS_TOKEN_TTL: '900', AUTHORIZATION_CODE_TTL: '600' };
  let gateway = await startGateway('gateway-token', lazyEnv);
  const phases: GrantPhase[] = [];
  let rssAfterLoadMB = 0;
  let serverCpus: string | undefined;
  try {
    // A public client (PKCE, no secret), registered the way MCP clients do (RFC 7591).
    const redirectUri = `http://127.0.0.1:${redirectPort}/callback`;
    const reg = await fetch(`${gatewayUrl}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_name: 'bench',
        redirect_uris: [redirectUri],
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
      }),
    });
    if (reg.status !== 201) throw new Error(`/register answered ${reg.status}: ${await reg.text()}`);
    const clientId = ((await reg.json()) as { client_id: string }).client_id;
    const resource = env.gateway['MCP_RESOURCES'] as string;

    // Setup: N real authorizations (4 browsers in parallel; each signs in at local-idp once).
    const n = settings.grants;
    log(`driving ${n} real authorizations (consent + local-idp sign-in + /callback)...`);
    dynamo.reset();
    const cognitoBefore = await cognitoCalls(idp);
    const t0 = Date.now();
    const codes: Array<{ code: string; verifier: string }> = [];
    let issued = 0;
    const worker = async () => {
      const browser = new HttpBrowser();
      while (issued < n) {
        issued++;
        const { verifier, challenge } = pkce();
        const state = randomBytes(12).toString('base64url');
        const url = new URL(`${gatewayUrl}/authorize`);
        url.search = new URLSearchParams({
          response_type: 'code',
          client_id: clientId,
          redirect_uri: redirectUri,
          code_challenge: challenge,
          code_challenge_method: 'S256',
          state,
          scope: 'mcp-server/read mcp-server/write',
          resource,
        }).toString();
        const { redirect } = await authorizeInBrowser(browser, url.toString(), redirectUri, ALICE);
        const code = redirect.searchParams.get('code');
        if (!code || redirect.searchParams.get('state') !== state) throw new Error(`authorization failed: ${redirect.toString()}`);
        codes.push({ code, verifier });
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    const setupSeconds = (Date.now() - t0) / 1000;
    const setupCognito = (await cognitoCalls(idp)) - cognitoBefore;
    const setupDynamo = dynamo.snapshot();
    log(`  ${codes.length} codes in ${setupSeconds.toFixed(1)} s`);

    const phase = async (
      key: GrantPhase['key'],
      title: string,
      method: string,
      bodies: string[],
      gatewayEnv: Record<string, string>,
    ): Promise<{ phase: GrantPhase; bodies: string[] }> => {
      dynamo.reset();
      const before = await cognitoCalls(idp);
      const { load, responses } = await measureEach(`${gatewayUrl}/token`, FORM, bodies, settings.tokenConnections);
      const cognito = (await cognitoCalls(idp)) - before;
      const counts = dynamo.snapshot();
      const bad = responses.filter((r) => r?.status !== 200);
      if (bad.length > 0) throw new Error(`${key}: ${bad.length} of ${bodies.length} requests failed, e.g. ${JSON.stringify(bad[0])}`);
      const refreshTokens = responses.map((r) => (JSON.parse((r as { body: string }).body) as { refresh_token: string }).refresh_token);
      const p: GrantPhase = {
        key,
        title,
        method,
        requests: bodies.length,
        load,
        cost: {
          dynamoPerRequest: perRequest(counts, bodies.length),
          dynamoTotalPerRequest: Math.round((dynamo.total() / bodies.length) * 100) / 100,
          cognitoPerRequest: Math.round((cognito / bodies.length) * 100) / 100,
        },
        gatewayEnv,
      };
      log(
        `  ${key}: ${load.requestsPerSecond} req/s, p50 ${load.latencyMs.p50} ms, p99 ${load.latencyMs.p99} ms; ` +
          `per request: DynamoDB ${p.cost.dynamoTotalPerRequest} ${JSON.stringify(p.cost.dynamoPerRequest)}, Cognito ${p.cost.cognitoPerRequest}`,
      );
      return { phase: p, bodies: refreshTokens };
    };
    const refreshBody = (token: string) => new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token, client_id: clientId }).toString();
    const isolatedRefresh = async (token: string): Promise<{ next: string; isolated: NonNullable<GrantPhase['isolated']> }> => {
      dynamo.reset();
      const before = await cognitoCalls(idp);
      const res = await fetch(`${gatewayUrl}/token`, { method: 'POST', headers: FORM, body: refreshBody(token) });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`isolated refresh answered ${res.status}: ${text}`);
      return {
        next: (JSON.parse(text) as { refresh_token: string }).refresh_token,
        isolated: { dynamo: dynamo.snapshot(), dynamoTotal: dynamo.total(), cognito: (await cognitoCalls(idp)) - before },
      };
    };

    // 1. authorization_code
    const ac = await phase(
      'authorization_code',
      'POST /token grant_type=authorization_code (PKCE, public client)',
      `${n} codes from ${n} real authorizations, each redeemed once`,
      codes.map(({ code, verifier }) =>
        new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier, client_id: clientId, resource }).toString(),
      ),
      lazyEnv,
    );
    phases.push(ac.phase);

    // 2. refresh_token, Cognito access token still fresh (lazy upstream refresh: no Cognito call)
    const fresh = await phase(
      'refresh_token_cognito_fresh',
      'POST /token grant_type=refresh_token, Cognito token still fresh',
      `${n} grants, each refresh token used exactly once (rotation respected); ACCESS_TOKEN_TTL=900, Cognito access token 3600 s`,
      ac.bodies.map(refreshBody),
      lazyEnv,
    );
    const freshIsolated = await isolatedRefresh(fresh.bodies[0] as string);
    fresh.phase.isolated = freshIsolated.isolated;
    fresh.bodies[0] = freshIsolated.next;
    phases.push(fresh.phase);
    rssAfterLoadMB = rssMB(gateway.pid);
    serverCpus = procStatus(gateway.pid, 'Cpus_allowed_list');
    await gateway.stop();

    // 3. refresh_token that must refresh at Cognito first
    const upstreamEnv = { ACCESS_TOKEN_TTL: '3600', AUTHORIZATION_CODE_TTL: '600' };
    gateway = await startGateway('gateway-token-upstream', upstreamEnv);
    const m = Math.min(settings.upstreamRefreshes, n - 1);
    // The newest grants: local-idp keeps refresh tokens in an LRU of 1000 entries.
    const newest = fresh.bodies.slice(-m);
    const upstream = await phase(
      'refresh_token_cognito_refresh',
      'POST /token grant_type=refresh_token, Cognito token refreshed first',
      `${m} grants (the newest), each refresh token used once; ACCESS_TOKEN_TTL=3600 >= the Cognito token's remaining life`,
      newest.map(refreshBody),
      upstreamEnv,
    );
    upstream.phase.isolated = (await isolatedRefresh(upstream.bodies[0] as string)).isolated;
    phases.push(upstream.phase);

    const result: GatewayBenchResult = {
      setup: {
        flows: codes.length,
        seconds: Math.round(setupSeconds * 10) / 10,
        perFlow: {
          dynamoPerRequest: perRequest(setupDynamo, codes.length),
          dynamoTotalPerRequest: Math.round((Object.values(setupDynamo).reduce((a, b) => a + b, 0) / codes.length) * 100) / 100,
          cognitoPerRequest: Math.round((setupCognito / codes.length) * 100) / 100,
        },
        note: 'one authorization = GET /authorize -> consent -> local-idp -> GET /callback; 4 browsers, each signs in once',
      },
      phases,
      rssAfterLoadMB,
      serverCpus,
    };
    return { result, stack: { idp, env, toolsPort, gatewayPort, clientId, spareRefreshTokens: upstream.bodies.slice(1) } };
  } catch (error) {
    await idp.stop();
    throw error;
  } finally {
    await gateway.stop();
  }
}
