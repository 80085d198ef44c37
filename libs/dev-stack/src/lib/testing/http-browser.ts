/**
 * A small hand-driven browser for HTTP-level tests: redirects are followed one hop at a time (so each
 * hop can be asserted), cookies are kept per host (like a browser, ports do not separate cookies),
 * and HTML forms are read and posted as a user would submit them.
 */
export interface HtmlForm {
  action: string;
  method: string;
  fields: Record<string, string>;
  /** Submit buttons: name -> value. */
  buttons: Array<{ name: string; value: string }>;
}

export class HttpBrowser {
  private readonly jars = new Map<string, Map<string, string>>();

  cookieNames(host: string): string[] {
    return [...(this.jars.get(host)?.keys() ?? [])];
  }

  /** Drops the cookies of `host` whose names match (e.g. an IdP's session, as when it ends or another user signs in). */
  forgetCookies(host: string, matches: (name: string) => boolean): void {
    const jar = this.jars.get(host);
    for (const name of [...(jar?.keys() ?? [])]) if (matches(name)) jar?.delete(name);
  }

  private jar(url: string): Map<string, string> {
    const host = new URL(url).hostname;
    let jar = this.jars.get(host);
    if (!jar) this.jars.set(host, (jar = new Map()));
    return jar;
  }

  private store(url: string, res: Response): void {
    const jar = this.jar(url);
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*(expires=Thu, 01 Jan 1970|max-age=0)/i.test(a));
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
  }

  private cookieHeader(url: string): string {
    return [...this.jar(url)].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request(url: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = { ...init.headers };
    const cookie = this.cookieHeader(url);
    if (cookie) headers['cookie'] = cookie;
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const res = await fetch(url, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    this.store(url, res);
    return res;
  }

  get(url: string): Promise<Response> {
    return this.request(url);
  }

  post(url: string, form: Record<string, string>): Promise<Response> {
    return this.request(url, { method: 'POST', form });
  }

  /**
   * Follows redirects from `res` until a Location satisfies `stop` (returned, not fetched: e.g. a
   * client's redirect URI) or a non-redirect response arrives (returned with its URL).
   */
  async follow(res: Response, from: string, stop: (location: URL) => boolean, maxHops = 10): Promise<{ response: Response; url: string; stoppedAt?: URL }> {
    let current = res;
    let url = from;
    for (let hop = 0; hop < maxHops; hop++) {
      if (current.status < 300 || current.status >= 400) return { response: current, url };
      const location = current.headers.get('location');
      if (!location) throw new Error(`redirect without Location from ${url}`);
      const next = new URL(location, url);
      await current.body?.cancel();
      if (stop(next)) return { response: current, url, stoppedAt: next };
      url = next.toString();
      current = await this.get(url);
    }
    throw new Error(`too many redirects from ${from}`);
  }
}

const attr = (tag: string, name: string): string | undefined => {
  const m = new RegExp(`\\s${name}\\s*=\\s*"([^"]*)"`, 'i').exec(tag);
  return m ? decodeEntities(m[1]!) : undefined;
};

export function decodeEntities(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Reads the first (or the `index`th) form of a page: action resolved against `pageUrl`, hidden and text inputs, buttons. */
export function parseForm(html: string, pageUrl: string, index = 0): HtmlForm {
  const forms = [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)];
  const form = forms[index];
  if (!form) throw new Error(`no form #${index} on ${pageUrl}`);
  const fields: Record<string, string> = {};
  for (const input of form[2]!.matchAll(/<input\b[^>]*>/gi)) {
    const name = attr(input[0], 'name');
    if (name) fields[name] = attr(input[0], 'value') ?? '';
  }
  const buttons = [...form[2]!.matchAll(/<button\b[^>]*>/gi)]
    .map((b) => ({ name: attr(b[0], 'name') ?? '', value: attr(b[0], 'value') ?? '' }))
    .filter((b) => b.name);
  return {
    action: new URL(attr(`<form ${form[1]}>`, 'action') ?? pageUrl, pageUrl).toString(),
    method: (attr(`<form ${form[1]}>`, 'method') ?? 'get').toLowerCase(),
    fields,
    buttons,
  };
}
