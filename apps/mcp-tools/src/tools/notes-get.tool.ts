import { z } from 'zod';
import { SCOPES } from '../scopes';
import { noteId } from './note-fields';
import { jsonResult, toolError } from '@mcp-cognito/mcp-server-kit';
import { tool } from '../deps';

/** One of the caller's notes. Another user's id answers exactly like an unknown id. */
export const notesGetTool = tool({
  name: 'notes_get',
  title: 'Read a note',
  description: 'Returns one of your notes by id.',
  requiredScopes: [SCOPES.read],
  inputSchema: z.strictObject({ id: noteId }),
  annotations: { readOnlyHint: true, openWorldHint: false },
  handler: async ({ id }, { principal, notes }) => {
    const note = await notes.get(principal.sub, id);
    if (!note) return toolError(`Note ${id} not found`);
    return jsonResult({ id: note.noteId, title: note.title, body: note.body, created_at: note.createdAt });
  },
});
