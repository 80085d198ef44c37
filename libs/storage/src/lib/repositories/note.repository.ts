import { DeleteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import type { Clock } from '@mcp-cognito/contracts';
import { isConditionalCheckFailed } from '../errors';
import { ItemStore, isLive, toRecord, type StorageContext } from '../item-store';
import { keys } from '../keys';

/** A note of the MCP tools service, owned by one Cognito user (`sub`). */
export interface NoteRecord {
  noteId: string;
  title: string;
  body: string;
  /** Epoch seconds. */
  createdAt: number;
}

export interface NotePage {
  notes: NoteRecord[];
  /** Opaque; pass back to `list` for the next (older) page. Absent on the last page. */
  nextCursor?: string;
}

const KIND = 'note';
/** The format of note ids this repository creates (time-ordered prefix + random suffix). */
export const NOTE_ID = /^[0-9a-z]{9}[0-9a-f]{10}$/;
export const MAX_NOTES_PAGE = 100;

/**
 * `USER#<sub>` / `NOTE#<noteId>`. Every method takes the owner's `sub` and builds the partition key
 * from it, so no call can read or delete another user's note (no GSI, no scan).
 */
export class NoteRepository {
  private readonly store: ItemStore;

  constructor(private readonly ctx: StorageContext) {
    this.store = new ItemStore(ctx);
  }

  /** Creates a note with a time-ordered id (sorts newest-first by key). One PutItem. */
  async create(sub: string, note: { title: string; body: string }): Promise<NoteRecord> {
    const record: NoteRecord = { noteId: newNoteId(this.ctx.clock), title: note.title, body: note.body, createdAt: this.store.nowSeconds() };
    await this.store.putNew({ ...keys.note(sub, record.noteId), kind: KIND, ...record });
    return record;
  }

  /** The caller's notes, newest first: one Query on the user's partition, `limit` 1..100. */
  async list(sub: string, options: { limit?: number; cursor?: string } = {}): Promise<NotePage> {
    const limit = Math.min(Math.max(Math.trunc(options.limit ?? 20), 1), MAX_NOTES_PAGE);
    const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor);
    const out = await this.store.send(
      new QueryCommand({
        TableName: this.store.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :note)',
        ExpressionAttributeValues: { ':pk': keys.userNotes(sub), ':note': 'NOTE#' },
        ExclusiveStartKey: after === undefined ? undefined : keys.note(sub, after),
        ScanIndexForward: false,
        Limit: limit,
        ConsistentRead: true,
      }),
    );
    const now = this.store.nowSeconds();
    const notes = (out.Items ?? []).filter((i) => isLive(i, now)).map((i) => toRecord<NoteRecord>(i, KIND) as NoteRecord);
    const last = out.LastEvaluatedKey?.['sk'];
    return { notes, nextCursor: typeof last === 'string' ? encodeCursor(last.slice('NOTE#'.length)) : undefined };
  }

  /** The caller's note, or undefined (also for ids that are malformed or belong to someone else). */
  get(sub: string, noteId: string): Promise<NoteRecord | undefined> {
    if (!NOTE_ID.test(noteId)) return Promise.resolve(undefined);
    return this.store.getLive<NoteRecord>(keys.note(sub, noteId), KIND);
  }

  /** Deletes the caller's note; false if it does not exist (conditional DeleteItem). */
  async delete(sub: string, noteId: string): Promise<boolean> {
    if (!NOTE_ID.test(noteId)) return false;
    try {
      await this.store.send(
        new DeleteCommand({ TableName: this.store.tableName, Key: keys.note(sub, noteId), ConditionExpression: 'attribute_exists(pk)' }),
      );
      return true;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return false;
      throw err;
    }
  }
}

/** 9 base-36 chars of milliseconds (sortable until year 5188) + 40 random bits. */
function newNoteId(clock: Clock): string {
  return clock.now().toString(36).padStart(9, '0') + randomBytes(5).toString('hex');
}

function encodeCursor(noteId: string): string {
  return Buffer.from(noteId, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  const noteId = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!NOTE_ID.test(noteId)) throw new TypeError('invalid notes cursor');
  return noteId;
}
