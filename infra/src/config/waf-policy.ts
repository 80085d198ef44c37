import type { RateLimits } from './stages';

/**
 * What the WebACL does beyond the AWS managed groups, as data: docs/waf.md renders the same table and
 * infra/test/waf.spec.ts checks the template against it. Paths must be paths libs/routing serves
 * (checked by the tests), so a renamed endpoint cannot leave a stale exception behind.
 */

/** One place where a request may carry what a counted managed rule matches. */
export interface AllowedLocation {
  method: 'GET' | 'POST';
  /** Exact URI path (no prefix match: an exception never widens to sibling paths). */
  path: string;
  /**
   * Instead of the exact path: a whole-path regular expression (WAF RegexMatchStatement), for the one location that
   * exists once per MCP server ({@link MCP_ENDPOINT_REGEX}); `path` is then its example.
   */
  regex?: string;
}

/**
 * Every MCP endpoint and nothing else: `/mcp` (the first server) or `/<name>/mcp`, with `<name>` as libs/contracts
 * allows a server name (3-40 characters, lower-case letters, digits, '-'). Anchored at both ends, so `/mcp/`,
 * `/x/mcp/y` or `/a/b/mcp` do not match. One generic rule: a new server needs no WAF change.
 */
export const MCP_ENDPOINT_REGEX = '^/([a-z][a-z0-9-]{1,38}[a-z0-9]/)?mcp$';
/** Every MCP endpoint and anything below it (what rate limits count). */
export const MCP_ENDPOINTS_AND_BELOW_REGEX = '^/([a-z][a-z0-9-]{1,38}[a-z0-9]/)?mcp(/.*)?$';

/** A rule of `AWSManagedRulesCommonRuleSet` set to Count, then blocked again everywhere but {@link allowOn}. */
export interface CommonRuleException {
  /** The managed rule's name (what `ruleActionOverrides` names). */
  rule: string;
  /** Its label: `awswaf:managed:aws:core-rule-set:<label>` (managed labels are CamelCase, rule names upper case). */
  label: string;
  allowOn: readonly AllowedLocation[];
  /** Why the rule misfires there (docs/waf.md). */
  why: string;
}

/** Label namespace of the Core rule set. */
export const CORE_RULE_SET_LABEL_PREFIX = 'awswaf:managed:aws:core-rule-set:';

const OAUTH_BODY_POSTS: readonly AllowedLocation[] = [
  { method: 'POST', path: '/register' },
  { method: 'POST', path: '/consent' },
  { method: 'POST', path: '/token' },
];
const MCP_POST: AllowedLocation = { method: 'POST', path: '/mcp', regex: MCP_ENDPOINT_REGEX };

const LOOPBACK =
  'native MCP clients (Claude Code, VS Code, Codex, the SDKs) use RFC 8252 loopback redirect URIs such as ' +
  'http://127.0.0.1:<port>/callback or http://localhost:<port>/, which this rule reads as an IP-address URL';

export const COMMON_RULE_EXCEPTIONS: readonly CommonRuleException[] = [
  {
    rule: 'GenericRFI_QUERYARGUMENTS',
    label: 'GenericRFI_QueryArguments',
    allowOn: [{ method: 'GET', path: '/authorize' }],
    why: `${LOOPBACK}; the authorization request carries redirect_uri in the query (RFC 6749 §4.1.1)`,
  },
  {
    rule: 'EC2MetaDataSSRF_QUERYARGUMENTS',
    label: 'EC2MetaDataSSRF_QueryArguments',
    allowOn: [{ method: 'GET', path: '/authorize' }],
    why: `${LOOPBACK}; the authorization request carries redirect_uri in the query`,
  },
  {
    rule: 'GenericRFI_BODY',
    label: 'GenericRFI_Body',
    allowOn: [...OAUTH_BODY_POSTS, MCP_POST],
    why:
      `${LOOPBACK}: redirect_uris in the registration JSON (RFC 7591), redirect_uri in the consent form and the token ` +
      'request (RFC 6749 §4.1.3); tool arguments posted to /mcp are user data (URLs to fetch)',
  },
  {
    rule: 'EC2MetaDataSSRF_BODY',
    label: 'EC2MetaDataSSRF_Body',
    allowOn: [...OAUTH_BODY_POSTS, MCP_POST],
    why: 'the same loopback redirect URIs in registration, consent and token bodies; tool arguments on /mcp',
  },
  {
    rule: 'GenericLFI_BODY',
    label: 'GenericLFI_Body',
    allowOn: [MCP_POST],
    why: 'tool arguments are file paths (../, /etc/...): the tools validate them, the edge cannot tell intent',
  },
  {
    rule: 'CrossSiteScripting_BODY',
    label: 'CrossSiteScripting_Body',
    allowOn: [MCP_POST],
    why: 'tool arguments may be code or markup; MCP servers on the kit answer JSON-RPC (application/json or text/event-stream), never HTML',
  },
  {
    rule: 'SizeRestrictions_BODY',
    label: 'SizeRestrictions_Body',
    allowOn: [MCP_POST],
    why: 'JSON-RPC tool calls exceed the rule\'s 8 KB; the service enforces its own body limit. OAuth bodies stay under 8 KB everywhere else',
  },
];

/** How a rate limit counts requests. */
export type RateKey = 'IP' | 'AUTHORIZATION';

export interface RateLimitRule {
  /** The stage's limit (config `rateLimits[name]`). */
  name: keyof RateLimits;
  path: string;
  /**
   * `EXACTLY` for OAuth endpoints; `STARTS_WITH` where the route is a prefix (`/consent*`); `MCP_ENDPOINTS` for every
   * MCP server's endpoint and what is below it ({@link MCP_ENDPOINTS_AND_BELOW_REGEX}; `path` is its example).
   */
  match: 'EXACTLY' | 'STARTS_WITH' | 'MCP_ENDPOINTS';
  key: RateKey;
  why: string;
}

/**
 * Per-endpoint rate limits (blocking with 429 for the rest of the window). Keys: the client IP CloudFront
 * saw; for `/mcp` also the Authorization header value (one bearer token = one client session), because
 * many legitimate agents can share an office's NAT address. WAF never logs or exposes the key value.
 */
export const RATE_LIMIT_RULES: readonly RateLimitRule[] = [
  { name: 'register', path: '/register', match: 'EXACTLY', key: 'IP', why: 'unauthenticated (RFC 7591 open registration); each call writes a client item' },
  { name: 'token', path: '/token', match: 'EXACTLY', key: 'IP', why: 'code redemption and refresh: table writes and, on refresh, Cognito calls' },
  { name: 'authorize', path: '/authorize', match: 'EXACTLY', key: 'IP', why: 'renders the consent page or redirects to Cognito; phishing-style floods' },
  { name: 'consent', path: '/consent', match: 'STARTS_WITH', key: 'IP', why: 'consent form posts create pending authorizations' },
  { name: 'revoke', path: '/revoke', match: 'EXACTLY', key: 'IP', why: 'each revocation may call Cognito upstream' },
  { name: 'callback', path: '/callback', match: 'EXACTLY', key: 'IP', why: 'each callback exchanges a code with Cognito' },
  {
    name: 'account',
    path: '/account',
    match: 'STARTS_WITH',
    key: 'IP',
    why: 'the connected-clients page: a visit without a session starts a Cognito sign-in (a pending item), its forms end grants and call Cognito',
  },
  {
    name: 'mcpPerToken',
    path: '/mcp',
    match: 'MCP_ENDPOINTS',
    key: 'AUTHORIZATION',
    why: 'one runaway agent (one token, which is bound to one server) cannot starve the others',
  },
  {
    name: 'mcpPerIp',
    path: '/mcp',
    match: 'MCP_ENDPOINTS',
    key: 'IP',
    why: 'requests without a token (401 floods) and token spraying from one address; high, because offices share NAT addresses',
  },
];

/** WAF log fields replaced by `REDACTED`: bearer tokens, cookies, and codes/states in query strings. */
export const REDACTED_LOG_FIELDS = ['authorization', 'cookie', 'query string'] as const;
