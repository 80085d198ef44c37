import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Provider } from 'oidc-provider';
import type { LocalIdpConfig } from '../config';
import type { LocalIdpStats } from '../stats';
import type { UserDirectory } from '../users';
import { renderError } from '../views/error';
import { renderLogin } from '../views/login';
import { HttpError, readForm, sendHtml } from './http';

export interface LoginDeps {
  provider: Provider;
  config: LocalIdpConfig;
  users: UserDirectory;
  stats: LocalIdpStats;
  /** Secret for the form's CSRF token (an HMAC of the interaction id). */
  csrfKey: string;
}

/** Cognito's exact wording for a failed sign-in; it never says which of the two was wrong. */
export const BAD_CREDENTIALS = 'Incorrect username or password.';

/**
 * GET/POST /login: the hosted-UI style sign-in page for a pending oidc-provider interaction. The interaction is
 * found through oidc-provider's `_interaction` cookie; the form carries an HMAC of the interaction id so another
 * site cannot post its own credentials into this browser's sign-in (login CSRF).
 */
export function createLoginHandler(deps: LoginDeps) {
  const { provider, config, users, stats } = deps;
  const csrfFor = (uid: string) =>
    createHmac('sha256', deps.csrfKey)
      .update(`login:${uid}`)
      .digest('base64url');

  return async (
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
  ): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'POST') {
      res.writeHead(405, { Allow: 'GET, POST' }).end();
      return;
    }

    let details: Awaited<ReturnType<Provider['interactionDetails']>>;
    try {
      details = await provider.interactionDetails(req, res);
    } catch {
      sendHtml(
        res,
        400,
        renderError(
          'Sign-in session not found',
          'This sign-in page was opened without a pending authorization request, or the request expired. ' +
            'Start again from the application that sent you here.',
          'session_not_found',
        ),
      );
      return;
    }

    // Cognito has no consent screen: any prompt other than login (e.g. prompt=consent) is simply accepted.
    if (details.prompt.name !== 'login') {
      await provider.interactionFinished(
        req,
        res,
        { consent: {} },
        { mergeWithLastSubmission: true },
      );
      return;
    }

    const clientId = String(details.params['client_id'] ?? '');
    const client = config.clients.find((c) => c.clientId === clientId);
    const view = {
      action: `${url.pathname}${url.search}`,
      csrf: csrfFor(details.uid),
      clientId,
      clientName: client?.clientName,
    };

    if (req.method === 'GET') {
      sendHtml(res, 200, renderLogin(view));
      return;
    }

    let form: URLSearchParams;
    try {
      form = await readForm(req);
    } catch (err) {
      const status = err instanceof HttpError ? err.status : 400;
      sendHtml(
        res,
        status,
        renderLogin({
          ...view,
          error: 'The form could not be read. Please try again.',
        }),
      );
      return;
    }

    const username = form.get('username') ?? '';
    const csrf = Buffer.from(form.get('_csrf') ?? '');
    const expected = Buffer.from(view.csrf);
    if (csrf.length !== expected.length || !timingSafeEqual(csrf, expected)) {
      stats.logins.failed += 1;
      sendHtml(
        res,
        403,
        renderLogin({
          ...view,
          username,
          error: 'This form expired. Please sign in again.',
        }),
      );
      return;
    }

    const user = users.authenticate(username, form.get('password') ?? '');
    if (!user) {
      stats.logins.failed += 1;
      // 401 with the form again, the username kept (escaped by the view), the password never echoed.
      sendHtml(
        res,
        401,
        renderLogin({ ...view, username, error: BAD_CREDENTIALS }),
      );
      return;
    }

    stats.logins.succeeded += 1;
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: user.sub, remember: true } },
      { mergeWithLastSubmission: false },
    );
  };
}
