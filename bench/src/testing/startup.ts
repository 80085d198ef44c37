import { join } from 'node:path';
import type { GatewayStack } from './gateway-bench';
import { WHOAMI_REQUEST } from './tools-scenarios';
import { median, probe, rssMB, spawnPinned } from './processes';
import type { BenchSettings } from './settings';

export interface StartupResult {
  service: 'auth-gateway' | 'mcp-tools';
  runs: number;
  coldStartMs: number[];
  coldStartMedianMs: number;
  idleRssMB: number[];
  idleRssMedianMB: number;
  requestsBeforeRss: string;
}

/**
 * Cold start: `taskset -c <server cpu> node dist/apps/<app>/main.js` with the local-stack environment
 * (buildServiceEnvironments), timed from spawn to the first 200 from /health (polled every 10 ms).
 * Idle RSS: VmRSS from /proc/<pid>/status after start-up and a few requests.
 */
export async function runStartup(settings: BenchSettings, stack: GatewayStack, log: (line: string) => void): Promise<StartupResult[]> {
  const gatewayUrl = `http://127.0.0.1:${stack.gatewayPort}`;
  const toolsUrl = `http://127.0.0.1:${stack.toolsPort}`;
  const runs = Math.max(1, settings.coldStartRuns);
  const gatewayMain = join(settings.root, 'dist/apps/auth-gateway/main.js');
  const startGateway = (cpu: string) =>
    spawnPinned({ name: 'auth-gateway', cpu, main: gatewayMain, env: { ...stack.env.gateway, PORT: String(stack.gatewayPort) }, healthUrl: `${gatewayUrl}/health` });

  const gw: StartupResult = { service: 'auth-gateway', runs, coldStartMs: [], coldStartMedianMs: 0, idleRssMB: [], idleRssMedianMB: 0, requestsBeforeRss: '' };
  for (let i = 0; i < runs; i++) {
    const p = await startGateway(settings.serverCpu);
    try {
      gw.coldStartMs.push(Math.round(p.startMs));
      for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/jwks.json', '/health', '/health', '/health']) await probe(`${gatewayUrl}${path}`);
      await new Promise((r) => setTimeout(r, 200));
      gw.idleRssMB.push(rssMB(p.pid));
    } finally {
      await p.stop();
    }
  }
  gw.requestsBeforeRss = 'AS metadata, JWKS, 3x /health';
  gw.coldStartMedianMs = median(gw.coldStartMs);
  gw.idleRssMedianMB = median(gw.idleRssMB);
  log(`  auth-gateway cold start ${gw.coldStartMs.join(', ')} ms (median ${gw.coldStartMedianMs}); idle RSS median ${gw.idleRssMedianMB} MB`);

  // The tools service needs the gateway's JWKS and a real token: one gateway on the load-generator core.
  const helper = await startGateway(settings.loadCpu);
  const tools: StartupResult = { service: 'mcp-tools', runs, coldStartMs: [], coldStartMedianMs: 0, idleRssMB: [], idleRssMedianMB: 0, requestsBeforeRss: '' };
  try {
    const refresh = stack.spareRefreshTokens[0];
    if (!refresh) throw new Error('no spare refresh token for the tools start-up runs');
    const res = await fetch(`${gatewayUrl}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refresh, client_id: stack.clientId }).toString(),
    });
    if (res.status !== 200) throw new Error(`refresh for the tools start-up runs answered ${res.status}: ${await res.text()}`);
    const accessToken = ((await res.json()) as { access_token: string }).access_token;
    for (let i = 0; i < runs; i++) {
      const p = await spawnPinned({
        name: 'mcp-tools',
        cpu: settings.serverCpu,
        main: join(settings.root, 'dist/apps/mcp-tools/main.js'),
        env: { ...stack.env.tools, PORT: String(stack.toolsPort) },
        healthUrl: `${toolsUrl}/health`,
      });
      try {
        tools.coldStartMs.push(Math.round(p.startMs));
        for (let k = 0; k < 5; k++) {
          const call = await fetch(`${toolsUrl}/mcp`, { method: 'POST', headers: { ...WHOAMI_REQUEST['2025-11-25'].headers, authorization: `Bearer ${accessToken}` }, body: WHOAMI_REQUEST['2025-11-25'].body });
          const body = await call.text();
          if (call.status !== 200) throw new Error(`whoami on a fresh mcp-tools answered ${call.status}: ${body}`);
        }
        await probe(`${toolsUrl}/.well-known/oauth-protected-resource/mcp`);
        await new Promise((r) => setTimeout(r, 200));
        tools.idleRssMB.push(rssMB(p.pid));
      } finally {
        await p.stop();
      }
    }
  } finally {
    await helper.stop();
  }
  tools.requestsBeforeRss = '5x tools/call whoami with a real gateway token (JWKS fetched), PRM';
  tools.coldStartMedianMs = median(tools.coldStartMs);
  tools.idleRssMedianMB = median(tools.idleRssMB);
  log(`  mcp-tools cold start ${tools.coldStartMs.join(', ')} ms (median ${tools.coldStartMedianMs}); idle RSS median ${tools.idleRssMedianMB} MB`);
  return [gw, tools];
}
