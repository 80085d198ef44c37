import { z } from 'zod';
import { SCOPES } from '../scopes';
import { notesCursor } from './note-fields';
import { jsonResult, toolError } from '@mcp-cognito/mcp-server-kit';
import { tool } from '../deps';

/** The caller's notes, newest first (one Query on the caller's own partition). */
export const notesListTool = tool({
  name: 'notes_list',
  title: 'List my notes',
  description: 'Lists your notes, newest first (id, title, creation time). Pass next_cursor back as cursor for older notes.',
  requiredScopes: [SCOPES.read],
  inputSchema: z.strictObject({
    limit: z.number().int().min(1).max(100).optional().describe('Page size, 1-100 (default 20)'),
    cursor: notesCursor.optional(),
  }),
  annotations: { readOnlyHint: true, openWorldHint: false },
  handler: async ({ limit, cursor }, { principal, notes }) => {
    let page;
    try {
      page = await notes.list(principal.sub, { limit, cursor });
    } catch (err) {
      // The repository refuses a cursor that does not decode to a note id.
      if (err instanceof TypeError) return toolError('Invalid cursor');
      throw err;
    }
    return jsonResult({
      notes: page.notes.map((n) => ({ id: n.noteId, title: n.title, created_at: n.createdAt })),
      ...(page.nextCursor === undefined ? {} : { next_cursor: page.nextCursor }),
    });
  },
});
