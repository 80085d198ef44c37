/**
 * Server-rendered pages (consent, errors). Every client-supplied string goes through {@link escapeHtml}:
 * a `client_name` of `<script>` renders as text. Pages are not frameable (clickjacking) and load
 * nothing from elsewhere.
 */
export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Headers for every HTML page: no framing (CSP frame-ancestors + XFO), no caching, no sniffing. */
export const PAGE_HEADERS: Record<string, string> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'",
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
  Pragma: 'no-cache',
};

const STYLE = `
  body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;background:#f5f6f8;color:#1c1e21;margin:0}
  main{max-width:30rem;margin:4rem auto;background:#fff;border-radius:12px;padding:2rem;box-shadow:0 2px 12px rgba(0,0,0,.08)}
  h1{font-size:1.35rem;margin:0 0 1rem}
  .muted{color:#5f6368;font-size:.9rem}
  ul{padding-left:1.2rem}
  code{background:#f1f3f4;padding:.1rem .3rem;border-radius:4px;word-break:break-all}
  .warn{background:#fff4e5;border:1px solid #f0b429;border-radius:8px;padding:.75rem;margin:1rem 0}
  .actions{display:flex;gap:.75rem;margin-top:1.5rem}
  button{font-size:1rem;padding:.6rem 1.2rem;border-radius:8px;border:1px solid #c4c7cc;background:#fff;cursor:pointer}
  button.primary{background:#1a73e8;border-color:#1a73e8;color:#fff}
`;

/** A complete, accessible page; `body` must already be escaped HTML; `extraStyle` is the page's own CSS (a constant). */
export function renderPage(title: string, body: string, extraStyle = ''): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${STYLE}${extraStyle}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}

/** Whose step an error page is about: an application's authorization, or the user's account page (`/account`). */
export type PageAudience = 'authorization' | 'account';

/** The page shown when we must not redirect (unknown client, unregistered redirect URI, bad state). */
export function renderErrorPage(error: string, description: string, audience: PageAudience = 'authorization'): string {
  if (audience === 'account') {
    return renderPage(
      'Connected clients',
      `<h1>Connected clients</h1>
<p>This step could not be completed; nothing was changed.</p>
<p><strong>${escapeHtml(error)}</strong>: ${escapeHtml(description)}</p>
<p><a href="/account">Back to your connected clients</a></p>`,
    );
  }
  return renderPage(
    'Authorization error',
    `<h1>Authorization error</h1>
<p>The request could not be completed and was not sent back to the application, because it could not be verified.</p>
<p><strong>${escapeHtml(error)}</strong>: ${escapeHtml(description)}</p>
<p class="muted">You can close this window and start again from your application.</p>`,
  );
}
