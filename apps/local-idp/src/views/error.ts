import { escapeHtml } from './escape';
import { page } from './layout';

/** Error page for requests that must not be redirected (unknown client, bad redirect_uri, lost session). */
export function renderError(
  title: string,
  message: string,
  code?: string,
): string {
  return page(
    title,
    `<h1>${escapeHtml(title)}</h1>
<p class="error" role="alert">${escapeHtml(message)}</p>
${code ? `<p class="note">Error code: <code>${escapeHtml(code)}</code></p>` : ''}
<p class="note">local-idp: a Cognito stand-in for local development and tests.</p>`,
  );
}
