import { z } from 'zod';
import { NOTE_ID } from '@mcp-cognito/storage';

/**
 * Input bounds shared by the notes tools. The id pattern is the storage lib's note id format
 * (9 base-36 chars of time + 10 hex chars, see NoteRepository): anything else is refused before storage.
 */
export const noteId = z
  .string()
  .regex(NOTE_ID, 'must be a note id as returned by notes_create')
  .describe('The note id');

export const noteTitle = z.string().trim().min(1).max(200).describe('Title, 1-200 characters');

export const noteBody = z.string().max(10_000).describe('Body text, up to 10 000 characters');

/** `notes_list` paging cursor (opaque, base64url). */
export const notesCursor = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be a cursor returned by notes_list')
  .describe('next_cursor from a previous notes_list call');
