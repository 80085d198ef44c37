import { decodeEntities, HttpBrowser, parseForm, type HtmlForm } from './http-browser';
import type { DevUserCredentials } from './oauth-test-client';

/** The gateway's connected-clients page as a signed-in browser sees it. */
export interface AccountPageView {
  url: string;
  status: number;
  html: string;
  headers: Headers;
}

/**
 * Opens the gateway's `/account` like a user: the gateway sends the browser to the identity provider's login page
 * (unless the browser still has an account session, or the IdP signs it in silently), the user signs in, and the
 * browser follows `/callback` back to the page.
 */
export async function openAccountPage(browser: HttpBrowser, issuer: string, user: DevUserCredentials): Promise<AccountPageView> {
  const start = `${issuer}/account`;
  let step = await browser.follow(await browser.get(start), start, () => false);
  const html = await step.response.text();
  if (step.response.status === 200 && /type="password"/.test(html)) {
    const form = parseForm(html, step.url);
    const posted = await browser.post(form.action, { ...form.fields, username: user.username, password: user.password });
    step = await browser.follow(posted, form.action, () => false);
    return { url: step.url, status: step.response.status, html: await step.response.text(), headers: step.response.headers };
  }
  return { url: step.url, status: step.response.status, html, headers: step.response.headers };
}

/** The forms of the account page: one "Revoke" form per connected client (by client id), and "Sign out everywhere". */
export function accountPageForms(view: AccountPageView): { revoke: Map<string, HtmlForm>; signOutEverywhere?: HtmlForm } {
  const revoke = new Map<string, HtmlForm>();
  let signOutEverywhere: HtmlForm | undefined;
  const cards = [...view.html.matchAll(/<li class="grant" data-client-id="([^"]*)"/g)].map((m) => m[1]!);
  const count = (view.html.match(/<form\b/g) ?? []).length;
  for (let i = 0; i < count; i++) {
    const form = parseForm(view.html, view.url, i);
    if (form.action.endsWith('/account/revoke')) revoke.set(decodeEntities(cards[revoke.size]!), form);
    else if (form.action.endsWith('/account/sign-out-everywhere')) signOutEverywhere = form;
  }
  return { revoke, signOutEverywhere };
}
