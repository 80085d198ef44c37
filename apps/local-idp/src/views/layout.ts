import { escapeHtml } from './escape';

/**
 * Plain, accessible page shell: lang attribute, one <main>, no JavaScript. Styling is a few inline rules, so
 * the CSP can forbid everything else.
 */
export function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)} - local-idp</title>
<style>
body{font-family:system-ui,sans-serif;margin:0;background:#f4f5f7;color:#16191f}
main{max-width:26rem;margin:3rem auto;background:#fff;padding:2rem;border-radius:.5rem;box-shadow:0 1px 3px rgba(0,0,0,.2)}
label{display:block;margin-top:1rem;font-weight:600}
input{display:block;width:100%;box-sizing:border-box;padding:.5rem;margin-top:.25rem;font-size:1rem}
button{margin-top:1.5rem;padding:.6rem 1.2rem;font-size:1rem;background:#0b5fff;color:#fff;border:0;border-radius:.25rem}
.error{border-left:4px solid #d13212;background:#fdf3f1;padding:.75rem;margin:1rem 0}
.note{font-size:.85rem;color:#545b64}
</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

/** Headers for every HTML page: no caching (pages carry CSRF tokens), no framing, no scripts. */
export const HTML_HEADERS: Record<string, string> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'Content-Security-Policy':
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};
