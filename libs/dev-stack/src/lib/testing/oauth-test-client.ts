import { createHash, randomBytes } from 'node:crypto';
import { HttpBrowser, parseForm } from './http-browser';

/** A PKCE pair (RFC 7636, S256). */
export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export interface DevUserCredentials {
  username: string;
  password: string;
}

export interface BrowserAuthorizeResult {
  /** Where the gateway finally sent the browser (the client's redirect URI with code/state/iss or error). */
  redirect: URL;
  /** HTML of the consent page, when one was shown. */
  consentHtml?: string;
  consentHeaders?: Headers;
  /** HTML of the login page, when one was shown. */
  loginHtml?: string;
}

/**
 * Drives the browser leg of the flow like a user: GET the authorization URL, approve (or deny) the
 * gateway's consent page, sign in at the identity provider's login page, and follow redirects until
 * the browser is sent to `redirectUri`.
 */
export async function authorizeInBrowser(
  browser: HttpBrowser,
  authorizationUrl: string,
  redirectUri: string,
  user: DevUserCredentials,
  options: { decision?: 'approve' | 'deny' } = {},
): Promise<BrowserAuthorizeResult> {
  const isClientRedirect = (u: URL) => `${u.origin}${u.pathname}` === `${new URL(redirectUri).origin}${new URL(redirectUri).pathname}`;
  const result: Partial<BrowserAuthorizeResult> = {};
  let step = await browser.follow(await browser.get(authorizationUrl), authorizationUrl, isClientRedirect);
  for (let page = 0; page < 5 && !step.stoppedAt; page++) {
    const html = await step.response.text();
    if (step.response.status !== 200) throw new Error(`unexpected ${step.response.status} at ${step.url}: ${html.slice(0, 500)}`);
    const form = parseForm(html, step.url);
    let res: Response;
    if ('csrf' in form.fields && 'code_challenge' in form.fields) {
      // The gateway's consent page.
      result.consentHtml = html;
      result.consentHeaders = step.response.headers;
      res = await browser.post(form.action, { ...form.fields, decision: options.decision ?? 'approve' });
    } else if ('password' in form.fields || /type="password"/.test(html)) {
      result.loginHtml = html;
      res = await browser.post(form.action, { ...form.fields, username: user.username, password: user.password });
    } else {
      throw new Error(`unexpected page at ${step.url}: ${html.slice(0, 300)}`);
    }
    step = await browser.follow(res, form.action, isClientRedirect);
  }
  if (!step.stoppedAt) throw new Error('the flow never returned to the client');
  return { ...result, redirect: step.stoppedAt } as BrowserAuthorizeResult;
}
