import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
/**
 * MCP servers behind one gateway: what each server declares about itself (its manifest, `apps/<name>/mcp-server.json`)
 * and what the gateway reads at run time (its registration: the manifest plus the public URL it is served at). One
 * shape for the generator, the local stack, the infra app (which publishes registrations as SSM parameters from each
 * server's own stack) and the gateway (which reads them): adding a server edits none of the others.
 */

/** `apps/<name>/mcp-server.json`. */
export interface McpServerManifest {
  /** The server's name: its Nx project, its path segment (`/<name>/mcp`), its stack and its registry key. */
  readonly name: string;
  /** What users see on the consent page and in the Protected Resource Metadata (`resource_name`). */
  readonly title: string;
  /** The endpoint's path on the shared origin: `/<name>/mcp`, or `/mcp` for the first server (mcp-tools). */
  readonly path: string;
  /** The server's own scopes (RFC 6749 §3.3 tokens) and what each allows, in words for the consent page. */
  readonly scopes: Readonly<Record<string, string>>;
  /**
   * Scopes only members of one of these Cognito groups may be granted (`cognito:groups` of the user's Cognito access
   * token, checked at sign-in and at every upstream refresh). A scope not listed is open to every signed-in user.
   */
  readonly scopeGroups?: Readonly<Record<string, readonly string[]>>;
  /**
   * Who decides whether a user gets a scope (docs/architecture.md, "Many MCP servers"): `gateway` (the default) - the
   * registry: every signed-in user, or the members of `scopeGroups`; nothing to configure in Cognito, so a new server
   * never changes the security stack. `cognito` - the scopes are also Cognito resource-server scopes that the gateway
   * asks Cognito for, and a user gets only those Cognito grants (app-client settings, pre-token-generation triggers);
   * for servers whose scope policy already lives in Cognito (mcp-tools).
   */
  readonly scopeSource?: 'gateway' | 'cognito';
}

/** A server as the gateway knows it: the manifest, with its canonical resource URL (RFC 8707, RFC 9728 `resource`). */
export interface McpServerRegistration extends McpServerManifest {
  /** `<public origin><path>`, byte-identical to the server's `MCP_RESOURCE` and its tokens' `aud`. */
  readonly resource: string;
}

const NAME = /^[a-z][a-z0-9-]{1,38}[a-z0-9]$/;
/** RFC 6749 §3.3 scope-token, restricted to what a JSON key and a Cognito group condition can carry safely. */
const SCOPE = /^[\x21\x23-\x5B\x5D-\x7E]{1,128}$/;
const GROUP = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u;

/** Thrown for a manifest or registration that breaks a rule; the message names the field. */
export class McpServerManifestError extends Error {
  override readonly name = 'McpServerManifestError';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The endpoint path a server named `name` must use. */
export function mcpServerPath(name: string, first = false): string {
  return first ? '/mcp' : `/${name}/mcp`;
}

/** Checks a manifest (`where` names the file in messages). @throws McpServerManifestError */
export function parseMcpServerManifest(value: unknown, where = 'mcp-server.json'): McpServerManifest {
  const fail = (message: string): never => {
    throw new McpServerManifestError(`${where}: ${message}`);
  };
  if (!isRecord(value)) return fail('must be a JSON object');
  const { name, title, path, scopes, scopeGroups, scopeSource } = value;
  if (typeof name !== 'string' || !NAME.test(name)) return fail('"name" must be 3-40 characters: lower-case letters, digits and "-", starting with a letter');
  if (typeof title !== 'string' || title.trim() === '' || title.length > 100) return fail('"title" must be a non-empty string of at most 100 characters');
  if (path !== '/mcp' && path !== mcpServerPath(name)) return fail(`"path" must be "${mcpServerPath(name)}" (or "/mcp" for the first server)`);
  if (!isRecord(scopes) || Object.keys(scopes).length === 0) return fail('"scopes" must map at least one scope to its description');
  for (const [scope, description] of Object.entries(scopes)) {
    if (!SCOPE.test(scope)) return fail(`scope ${JSON.stringify(scope)} is not an RFC 6749 scope token`);
    if (typeof description !== 'string' || description.trim() === '' || description.length > 200) return fail(`the description of ${scope} must be a non-empty string of at most 200 characters`);
  }
  if (scopeGroups !== undefined) {
    if (!isRecord(scopeGroups)) return fail('"scopeGroups" must map scopes to lists of Cognito groups');
    for (const [scope, groups] of Object.entries(scopeGroups)) {
      if (!(scope in scopes)) return fail(`"scopeGroups" names ${scope}, which is not one of this server's scopes`);
      if (!Array.isArray(groups) || groups.length === 0 || !groups.every((g) => typeof g === 'string' && GROUP.test(g))) {
        return fail(`"scopeGroups.${scope}" must be a non-empty list of Cognito group names`);
      }
    }
  }
  if (scopeSource !== undefined && scopeSource !== 'gateway' && scopeSource !== 'cognito') return fail('"scopeSource" must be "gateway" or "cognito"');
  return Object.freeze({
    name,
    title: title.trim(),
    ...(scopeSource !== undefined ? { scopeSource } : {}),
    path,
    scopes: Object.freeze({ ...(scopes as Record<string, string>) }),
    ...(scopeGroups !== undefined ? { scopeGroups: Object.freeze({ ...(scopeGroups as Record<string, string[]>) }) } : {}),
  });
}

/** Checks a registration (a manifest plus its resource URL, whose path must be the manifest's). @throws McpServerManifestError */
export function parseMcpServerRegistration(value: unknown, where = 'registration'): McpServerRegistration {
  const manifest = parseMcpServerManifest(value, where);
  const resource = (value as Record<string, unknown>)['resource'];
  let url: URL | undefined;
  try {
    url = typeof resource === 'string' ? new URL(resource) : undefined;
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.search !== '' || url.hash !== '' || url.pathname !== manifest.path) {
    throw new McpServerManifestError(`${where}: "resource" must be an absolute http(s) URL ending in the server's path ${manifest.path}`);
  }
  return Object.freeze({ ...manifest, resource: resource as string });
}

/** A registration for a manifest served at `origin` (e.g. `https://mcp.example.com`). */
export function registrationFor(manifest: McpServerManifest, origin: string): McpServerRegistration {
  return parseMcpServerRegistration({ ...manifest, resource: `${origin.replace(/\/$/, '')}${manifest.path}` }, manifest.name);
}

/** Where each MCP server's manifest lives, relative to the workspace root. */
export const MCP_SERVER_MANIFEST = 'mcp-server.json';

/**
 * Every MCP server of a workspace: `apps/<dir>/mcp-server.json`, checked and sorted by name (`/mcp` first). The local
 * stack starts one process per entry and the infra app one service stack per entry; a server is added by adding its
 * app. @throws McpServerManifestError for a broken manifest, two servers with one name or path, or more than one `/mcp`.
 */
export function readMcpServerManifests(workspaceRoot: string): Array<McpServerManifest & { directory: string }> {
  const apps = join(workspaceRoot, 'apps');
  const found = readdirSync(apps, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(apps, entry.name, MCP_SERVER_MANIFEST)))
    .map((entry) => {
      const file = join('apps', entry.name, MCP_SERVER_MANIFEST);
      const manifest = parseMcpServerManifest(JSON.parse(readFileSync(join(workspaceRoot, file), 'utf8')), file);
      if (manifest.name !== entry.name) throw new McpServerManifestError(`${file}: "name" must be the app's directory name, ${entry.name}`);
      return { ...manifest, directory: `apps/${entry.name}` };
    })
    .sort((a, b) => (a.path === '/mcp' ? -1 : b.path === '/mcp' ? 1 : a.name.localeCompare(b.name)));
  if (found.filter((m) => m.path === '/mcp').length > 1) throw new McpServerManifestError('only one MCP server may use the path /mcp');
  return found;
}
