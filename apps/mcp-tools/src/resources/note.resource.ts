import { ResourceNotFoundError } from '@modelcontextprotocol/server';
import { defineResource } from '@mcp-cognito/mcp-server-kit';
import { scopesOutside } from '@mcp-cognito/oauth';
import type { ToolsDeps } from '../deps';
import { SCOPES } from '../scopes';

/**
 * `note://{id}`: the caller's notes as resources. The list holds the caller's newest 100 notes, and only when the
 * token carries `mcp-server/read` (resources/list is allowed with any valid token so that a client can discover what
 * exists; it must not leak note titles to a write-only token). A note is the caller's own: reads are `private` and
 * never cached (MCP 2026-07-28 "Caching").
 */
export const noteResource = defineResource<ToolsDeps>({
  name: 'note',
  title: 'Note',
  description: 'One of your notes (title and body as Markdown).',
  mimeType: 'text/markdown',
  uriTemplate: 'note://{id}',
  requiredScopes: [SCOPES.read],
  cache: { ttlMs: 0, cacheScope: 'private' },
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
    if (!note) throw new ResourceNotFoundError(uri.href, 'Resource not found');
    return { contents: [{ uri: uri.href, mimeType: 'text/markdown', text: `# ${note.title}\n\n${note.body}` }] };
  },
});
