import { z } from 'zod';
import { SCOPES } from '../scopes';
import { noteId } from './note-fields';
import { jsonResult, toolError } from '@mcp-cognito/mcp-server-kit';
import { tool } from '../deps';

/** Deletes one of the caller's notes (a conditional delete on the caller's own key). */
export const notesDeleteTool = tool({
  name: 'notes_delete',
  title: 'Delete a note',
  description: 'Deletes one of your notes by id.',
  requiredScopes: [SCOPES.write],
  inputSchema: z.strictObject({ id: noteId }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  handler: async ({ id }, { principal, notes }) => {
    const deleted = await notes.delete(principal.sub, id);
    if (!deleted) return toolError(`Note ${id} not found`);
    return jsonResult({ id, deleted: true });
  },
});
