import { z } from 'zod';
import { checkRedirectUri } from './redirect-uri';
import { parseScope } from './scopes';
import { isAsciiUri, textProblem } from './text-hygiene';

export const TOKEN_ENDPOINT_AUTH_METHODS = ['none', 'client_secret_basic', 'client_secret_post'] as const;
export type TokenEndpointAuthMethod = (typeof TOKEN_ENDPOINT_AUTH_METHODS)[number];
export const GRANT_TYPES = ['authorization_code', 'refresh_token'] as const;

/** Client metadata the gateway keeps (RFC 7591 §2), after validation. */
export interface ClientMetadata {
  redirect_uris: string[];
  token_endpoint_auth_method: TokenEndpointAuthMethod;
  grant_types: string[];
  response_types: string[];
  client_name?: string;
  client_uri?: string;
  logo_uri?: string;
  scope?: string;
  contacts?: string[];
  tos_uri?: string;
  policy_uri?: string;
  software_id?: string;
  software_version?: string;
}

export type ClientMetadataCheck =
  | { ok: true; metadata: ClientMetadata }
  | { ok: false; error: 'invalid_redirect_uri' | 'invalid_client_metadata'; description: string };

const webUri = z
  .string()
  .max(2000)
  .refine(isAsciiUri, 'must be a URI of printable ASCII characters (RFC 3986 section 2: percent-encode the rest)')
  .refine((v) => {
    try {
      return new URL(v).protocol === 'https:';
    } catch {
      return false;
    }
  }, 'must be an https URL');

/** Human-readable text (shown on the consent page): bounded, valid UTF-8, no control or bidi characters. */
const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .superRefine((v, ctx) => {
      const problem = textProblem(v);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });

const schema = z.object({
  redirect_uris: z.array(z.string()).min(1, 'redirect_uris must list at least one URI').max(20),
  token_endpoint_auth_method: z.enum(TOKEN_ENDPOINT_AUTH_METHODS).optional(),
  grant_types: z.array(z.enum(GRANT_TYPES)).min(1).max(2).optional(),
  response_types: z.array(z.literal('code')).min(1).max(1).optional(),
  client_name: text(200).optional(),
  client_uri: webUri.optional(),
  logo_uri: webUri.optional(),
  tos_uri: webUri.optional(),
  policy_uri: webUri.optional(),
  scope: z.string().max(1000).optional(),
  contacts: z.array(text(320)).max(10).optional(),
  software_id: text(200).optional(),
  software_version: text(100).optional(),
  // Accepted and ignored where harmless; refused where we cannot honour them.
  jwks_uri: z.never({ error: 'jwks_uri is not supported (use client_secret_* or none)' }).optional(),
  jwks: z.never({ error: 'jwks is not supported (use client_secret_* or none)' }).optional(),
});

/**
 * Validates an RFC 7591 registration request (or a Client ID Metadata Document's body):
 * every field typed and bounded, redirect URIs per {@link checkRedirectUri}, grant and response
 * types consistent (RFC 7591 §2.1). Unknown fields are dropped, not echoed.
 */
export function validateClientMetadata(input: unknown, options: { defaultAuthMethod?: TokenEndpointAuthMethod } = {}): ClientMetadataCheck {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, error: 'invalid_client_metadata', description: 'the request body must be a JSON object' };
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || 'body';
    const isRedirect = issue?.path[0] === 'redirect_uris';
    return {
      ok: false,
      error: isRedirect ? 'invalid_redirect_uri' : 'invalid_client_metadata',
      description: `${field}: ${issue?.message ?? 'invalid'}`,
    };
  }
  const m = parsed.data;
  for (const [i, uri] of m.redirect_uris.entries()) {
    const check = checkRedirectUri(uri);
    // error_description is ASCII without quotes or backslashes (RFC 6749 §5.2): name the URI by its position.
    if (!check.ok) return { ok: false, error: 'invalid_redirect_uri', description: `redirect_uris.${i} ${check.reason}` };
  }
  if (m.scope !== undefined && parseScope(m.scope) === undefined) {
    return { ok: false, error: 'invalid_client_metadata', description: 'scope: must be space-separated scope tokens' };
  }
  const grantTypes = m.grant_types ?? ['authorization_code'];
  const responseTypes = m.response_types ?? ['code'];
  if (!grantTypes.includes('authorization_code')) {
    return { ok: false, error: 'invalid_client_metadata', description: 'grant_types: must include authorization_code' };
  }
  return {
    ok: true,
    metadata: {
      redirect_uris: [...new Set(m.redirect_uris)],
      token_endpoint_auth_method: m.token_endpoint_auth_method ?? options.defaultAuthMethod ?? 'client_secret_basic',
      grant_types: [...new Set(grantTypes)],
      response_types: responseTypes,
      client_name: m.client_name,
      client_uri: m.client_uri,
      logo_uri: m.logo_uri,
      scope: m.scope,
      contacts: m.contacts,
      tos_uri: m.tos_uri,
      policy_uri: m.policy_uri,
      software_id: m.software_id,
      software_version: m.software_version,
    },
  };
}
