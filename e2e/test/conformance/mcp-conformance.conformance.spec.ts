import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auth } from '@modelcontextprotocol/sdk/client/auth.js';
import { findWorkspaceRoot, generateDevSecrets, startLocalStack, type LocalStack } from '@mcp-cognito/dev-stack';
import { headlessClient } from '../support/e2e-stack';

/** The official MCP conformance suite, pinned; its 2026-07-28 scenarios exist from 0.2 on. Runs under Node 22 (npx). */
const CONFORMANCE = '@modelcontextprotocol/conformance@0.2.0-alpha.12';

interface Check {
  id: string;
  status: 'SUCCESS' | 'FAILURE' | 'WARNING' | 'SKIPPED' | 'INFO';
  errorMessage?: string;
}

/**
 * The conformance suite cannot send a bearer token. Instead of a test-only way around authentication (which a
 * deployed service must never have), it talks to this loopback proxy, which adds a real access token - obtained
 * through the whole OAuth flow - to every request and forwards it to the stack's MCP endpoint unchanged otherwise.
 */
interface TokenAddingProxy {
  url: string;
  port: number;
  /** Where to forward, and with which token (set once the stack is up and the OAuth flow has run). */
  target?: { origin: string; token: string };
  close(): Promise<void>;
}

async function tokenAddingProxy(): Promise<TokenAddingProxy> {
  const proxy = {} as TokenAddingProxy;
  const server: Server = createServer((req, res) => {
    if (!proxy.target) return void res.writeHead(503).end();
    const { hostname, port } = new URL(proxy.target.origin);
    const upstream = httpRequest({ hostname, port, method: req.method, path: req.url, headers: { ...req.headers, authorization: `Bearer ${proxy.target.token}` } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end()));
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  proxy.port = (server.address() as AddressInfo).port;
  proxy.url = `http://127.0.0.1:${proxy.port}/mcp`;
  proxy.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return proxy;
}

function runConformance(args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('npx', ['-y', '-p', 'node@22', '-p', CONFORMANCE, '-c', `conformance ${args.join(' ')}`], { cwd: findWorkspaceRoot(), stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

/** Every check of every scenario a run wrote (`-o <dir>`: one folder per scenario with its checks.json). */
function checksOf(dir: string): Array<{ scenario: string; check: Check }> {
  return readdirSync(dir).flatMap((scenarioDir) => {
    const scenario = scenarioDir.replace(/^server-/, '').replace(/-\d{4}-\d{2}-\d{2}T.*$/, '');
    const checks = JSON.parse(readFileSync(join(dir, scenarioDir, 'checks.json'), 'utf8')) as Check[];
    return checks.map((check) => ({ scenario, check }));
  });
}

describe('the official MCP conformance suite, server scenarios, both protocol revisions on one endpoint', () => {
  let stack: LocalStack;
  let proxy: TokenAddingProxy;

  beforeAll(async () => {
    proxy = await tokenAddingProxy();
    // The suite's browser-style requests carry the proxy's origin: for the server that is its own (same-origin).
    const origins = [`http://127.0.0.1:${proxy.port}`, `http://localhost:${proxy.port}`].join(',');
    stack = await startLocalStack({
      ports: { dynamodb: 0, idp: 0, gateway: 0, tools: 0, proxy: 0 },
      secrets: await generateDevSecrets(),
      singleOrigin: true,
      logLevel: 'warn',
      env: { tools: { ALLOWED_ORIGINS: origins } },
    });
    const c = await headlessClient(stack, 'conformance suite');
    expect(await auth(c.provider, { serverUrl: stack.urls.mcp })).toBe('REDIRECT');
    expect(await auth(c.provider, { serverUrl: stack.urls.mcp, authorizationCode: c.provider.takeCode() })).toBe('AUTHORIZED');
    const token = c.provider.tokens()!.access_token;
    proxy.target = { origin: new URL(stack.urls.mcp).origin, token };
    // One note, so that the resource scenarios (list, then read with its cache hints) have something to read.
    const created = await fetch(stack.urls.mcp, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'notes_create', arguments: { title: 'conformance', body: 'a note to read' } } }),
    });
    expect(created.status).toBe(200);
  }, 180_000);

  afterAll(async () => {
    await proxy?.close();
    await stack?.stop();
  });

  it.each(['2025-11-25', '2026-07-28'])('--requirements %s: every scenario passes, except the checks listed (with reasons) in e2e/conformance/', async (revision) => {
    const out = mkdtempSync(join(tmpdir(), `conformance-${revision}-`));
    const expected = join(findWorkspaceRoot(), 'e2e', 'conformance', `expected-failures-${revision}.yml`);
    const run = await runConformance(['server', '--url', proxy.url, '--requirements', revision, '--expected-failures', expected, '-o', out]);
    const failed = checksOf(out).filter(({ check }) => check.status === 'FAILURE' || check.status === 'WARNING');
    process.stdout.write(`\nconformance ${revision}: ${failed.length} failing checks (all expected)\n${run.output.split('\n').filter((l) => /[✓✗]|passed|failed|stale|unexpected/i.test(l)).join('\n')}\n`);
    expect({ exit: run.code, output: run.code === 0 ? '' : run.output.slice(-6000) }).toEqual({ exit: 0, output: '' });
  }, 600_000);
});
