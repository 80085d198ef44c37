import { useTestStorage } from './support/test-storage';

const t = useTestStorage('notes');

describe('notes are scoped to their owner (key built from the sub)', () => {
  it('lists newest first with a limit and an opaque cursor', async () => {
    for (const title of ['one', 'two', 'three']) {
      await t.repos.notes.create('alice', { title, body: `${title} body` });
      t.clock.advanceSeconds(1);
    }
    const first = await t.repos.notes.list('alice', { limit: 2 });
    expect(first.notes.map((n) => n.title)).toEqual(['three', 'two']);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await t.repos.notes.list('alice', { limit: 2, cursor: first.nextCursor });
    expect(second.notes.map((n) => n.title)).toEqual(['one']);
    await expect(t.repos.notes.list('alice', { cursor: 'not-a-cursor' })).rejects.toThrow(/cursor/);
  });

  it('another user can neither list, read nor delete them', async () => {
    const note = await t.repos.notes.create('bob', { title: 'secret', body: 'bob only' });
    expect((await t.repos.notes.list('mallory')).notes).toEqual([]);
    expect(await t.repos.notes.get('mallory', note.noteId)).toBeUndefined();
    expect(await t.repos.notes.delete('mallory', note.noteId)).toBe(false);
    expect(await t.repos.notes.get('bob', note.noteId)).toEqual(note);
  });

  it('delete is conditional: true once, then false', async () => {
    const note = await t.repos.notes.create('carol', { title: 't', body: 'b' });
    expect(await t.repos.notes.delete('carol', note.noteId)).toBe(true);
    expect(await t.repos.notes.delete('carol', note.noteId)).toBe(false);
    expect(await t.repos.notes.get('carol', note.noteId)).toBeUndefined();
    expect(await t.repos.notes.get('carol', '../../etc')).toBeUndefined();
  });
});
