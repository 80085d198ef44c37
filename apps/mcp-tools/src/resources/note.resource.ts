import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { scopesOutside } from '@mcp-cognito/oauth';
import { SCOPES } from '../mcp/scopes';
import { defineResource } from './resource-definition';

/** MCP "resource not found" (spec: server/resources, error handling). */
const RESOURCE_NOT_FOUND = -32002;

/**
 * `note://{id}`: the caller's notes as resources. The list holds the caller's newest 100 notes, and only
 * when the token carries `mcp-server/read` (resources/list is allowed with any valid token so that a
 * client can discover what exists; it must not leak note titles to a write-only token).
 */
export const noteResource = defineResource({
  name: 'note',
  title: 'Note',
  description: 'One of your notes (title and body as Markdown).',
  mimeType: 'text/markdown',
  uriTemplate: 'note://{id}',
  requiredScopes: [SCOPES.read],
  async list({ principal, notes }) {
    if (scopesOutside([SCOPES.read], principal.scopes).length > 0) return { resources: [] };
    const page = await notes.list(principal.sub, { limit: 100 });
    return {
      resources: page.notes.map((n) => ({ uri: `note://${n.noteId}`, name: n.noteId, title: n.title, mimeType: 'text/markdown' })),
    };
  },
  async read(uri, variables, { principal, notes }) {
    const id = variables['id'];
    // The repository rejects malformed ids itself; an id of another user is simply not in this partition.
    const note = typeof id === 'string' ? await notes.get(principal.sub, id) : undefined;
    if (!note) throw new McpError(RESOURCE_NOT_FOUND as ErrorCode, 'Resource not found', { uri: uri.href });
    return { contents: [{ uri: uri.href, mimeType: 'text/markdown', text: `# ${note.title}\n\n${note.body}` }] };
  },
});
