import { escapeHtml } from './escape';
import { page } from './layout';

export interface LoginView {
  /** Where the form posts: /login plus the interaction query string. */
  action: string;
  csrf: string;
  clientId: string;
  clientName?: string;
  username?: string;
  error?: string;
}

/** Hosted-UI style sign-in form (Cognito's classic hosted UI has the same two fields). */
export function renderLogin(view: LoginView): string {
  const error = view.error
    ? `<p class="error" role="alert" id="login-error">${escapeHtml(view.error)}</p>`
    : '';
  const describedBy = view.error ? ' aria-describedby="login-error"' : '';
  const app = view.clientName
    ? `${view.clientName} (${view.clientId})`
    : view.clientId;
  return page(
    'Sign in',
    `<h1>Sign in</h1>
<p>Sign in with your username and password to continue to <strong>${escapeHtml(app)}</strong>.</p>
${error}
<form method="post" action="${escapeHtml(view.action)}" novalidate>
<input type="hidden" name="_csrf" value="${escapeHtml(view.csrf)}">
<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${escapeHtml(view.username ?? '')}"${describedBy}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${describedBy}>
<button type="submit" name="signInSubmitButton" value="Sign in">Sign in</button>
</form>
<p class="note">local-idp: a Cognito stand-in for local development and tests. Never deployed.</p>`,
  );
}
