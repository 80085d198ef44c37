import {
  authorizeInBrowser,
  freePort,
  generateDevSecrets,
  HttpBrowser,
  startLocalStack,
  type BrowserAuthorizeResult,
  type LocalStack,
} from '@mcp-cognito/dev-stack';
import { InMemoryOAuthProvider, type BrowserLeg } from './in-memory-oauth-provider';

/** Dev users of local-idp (apps/local-idp/dev-users.json). */
export const ALICE = { username: 'alice', password: 'alice-dev-password' };
export const BOB = { username: 'bob', password: 'bob-dev-password' };

export const READ = 'mcp-server/read';
export const WRITE = 'mcp-server/write';

/**
 * Short lifetimes so that refresh happens inside a test: local-idp's access tokens live 5 s, and the
 * gateway caps its own access tokens at the embedded Cognito token's `exp` (its ACCESS_TOKEN_TTL
 * minimum is 30 s, so the cap is what makes them short). The tools service gets no clock tolerance,
 * or an expired token would still pass for its default 30 s.
 */
export const ACCESS_TOKEN_SECONDS = 5;
const SHORT_LIFETIMES = {
  idp: { LOCAL_IDP_ACCESS_TOKEN_TTL: String(ACCESS_TOKEN_SECONDS) },
  gateway: { ACCESS_TOKEN_TTL: '30' },
  tools: { CLOCK_TOLERANCE_SECONDS: '0' },
};

export interface E2eStackOptions {
  singleOrigin: boolean;
  instances?: { gateway?: number; tools?: number };
}

/**
 * The full local stack exactly as `npm start` runs it (built services as child processes, embedded
 * DynamoDB, local-idp), on free loopback ports with fresh secrets. `E2E_LOG=1` shows service output.
 */
export async function startE2eStack(options: E2eStackOptions): Promise<LocalStack & { output: string[] }> {
  const output: string[] = [];
  const stack = await startLocalStack({
    ports: { dynamodb: 0, idp: 0, gateway: 0, tools: 0, proxy: 0 },
    secrets: await generateDevSecrets(),
    singleOrigin: options.singleOrigin,
    instances: options.instances,
    env: SHORT_LIFETIMES,
    logLevel: process.env['E2E_LOG'] ? 'info' : 'warn',
    output: (service, line) => {
      output.push(`${service} | ${line}`);
      if (output.length > 500) output.shift();
      if (process.env['E2E_LOG']) process.stderr.write(`${service} | ${line}\n`);
    },
  });
  return Object.assign(stack, { output });
}

/** A loopback redirect URI on a free port (the headless leg stops at the redirect, nothing needs to listen). */
export async function loopbackRedirectUri(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}/callback`;
}

/**
 * The browser leg without a browser: dev-stack's `HttpBrowser` follows the redirects, approves the
 * gateway's consent page and posts local-idp's login form as a user would.
 */
export function headlessBrowserLeg(
  browser: HttpBrowser,
  redirectUri: string,
  user: { username: string; password: string },
  pages: BrowserAuthorizeResult[],
): BrowserLeg {
  return async (authorizationUrl) => {
    const result = await authorizeInBrowser(browser, authorizationUrl.toString(), redirectUri, user);
    pages.push(result);
    return result.redirect;
  };
}

export interface HeadlessClient {
  provider: InMemoryOAuthProvider;
  browser: HttpBrowser;
  redirectUri: string;
  /** What the browser saw at each authorization (consent/login HTML and headers). */
  pages: BrowserAuthorizeResult[];
}

export async function headlessClient(
  stack: { urls: { issuer: string } },
  clientName: string,
  options: { user?: { username: string; password: string }; browser?: HttpBrowser; initialScope?: string } = {},
): Promise<HeadlessClient> {
  const redirectUri = await loopbackRedirectUri();
  const pages: BrowserAuthorizeResult[] = [];
  const user = options.user ?? ALICE;
  const browser = options.browser ?? new HttpBrowser();
  const provider = new InMemoryOAuthProvider({
    redirectUrl: redirectUri,
    clientName,
    initialScope: options.initialScope,
    expectedIssuer: stack.urls.issuer,
    browserLeg: headlessBrowserLeg(browser, redirectUri, user, pages),
  });
  return { provider, browser, redirectUri, pages };
}

/** Resolves after `ms`. */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Waits until the epoch second `exp` has passed (plus a margin), i.e. the token is expired everywhere. */
export async function waitUntilExpired(exp: number, marginMs = 1200): Promise<void> {
  const wait = exp * 1000 - Date.now() + marginMs;
  if (wait > 0) await sleep(wait);
}

/** Is `expected` a subsequence of `actual` (each entry a regexp matched against one line)? Returns the first missing step. */
export function missingStep(actual: string[], expected: RegExp[]): string | undefined {
  let i = 0;
  for (const step of expected) {
    while (i < actual.length && !step.test(actual[i]!)) i++;
    if (i === actual.length) return step.toString();
    i++;
  }
  return undefined;
}
