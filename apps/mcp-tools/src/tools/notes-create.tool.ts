import { z } from 'zod';
import { SCOPES } from '../scopes';
import { noteBody, noteTitle } from './note-fields';
import { jsonResult } from '@mcp-cognito/mcp-server-kit';
import { tool } from '../deps';

/** Creates a note owned by the caller. */
export const notesCreateTool = tool({
  name: 'notes_create',
  title: 'Create a note',
  description: 'Creates a note (title up to 200 characters, body up to 10 000) and returns its id.',
  requiredScopes: [SCOPES.write],
  inputSchema: z.strictObject({ title: noteTitle, body: noteBody }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  handler: async ({ title, body }, { principal, notes }) => {
    const note = await notes.create(principal.sub, { title, body });
    return jsonResult({ id: note.noteId, title: note.title, created_at: note.createdAt, uri: `note://${note.noteId}` });
  },
});
