import { METRICS } from './metrics';
import { KEY_PREFIXES, TABLE_ACCESS } from './table-keys';

describe('table key prefixes and their owners (least privilege, dynamodb:LeadingKeys)', () => {
  const prefixes = Object.values(KEY_PREFIXES);

  it('no prefix is the start of another, so a LeadingKeys pattern `<prefix>*` matches exactly one item kind', () => {
    for (const a of prefixes) for (const b of prefixes) if (a !== b) expect([a, b.startsWith(a)]).toEqual([a, false]);
    expect(new Set(prefixes).size).toBe(prefixes.length);
    for (const p of prefixes) expect(p).toMatch(/^[A-Z]+#$/);
  });

  it('every item kind has exactly one service that writes it', () => {
    for (const prefix of prefixes) {
      const writers = Object.entries(TABLE_ACCESS).filter(([, access]) => (access.readWrite as readonly string[]).includes(prefix));
      expect([prefix, writers.length]).toEqual([prefix, 1]);
    }
  });
});

describe('metric names', () => {
  it('are unique, CloudWatch-safe, and dimensions are bounded labels (never a user, token or code)', () => {
    const names = Object.values(METRICS).map((m) => m.name);
    expect(new Set(names).size).toBe(names.length);
    for (const m of Object.values(METRICS)) {
      expect(m.name).toMatch(/^[A-Z][A-Za-z]+$/);
      if ('dimension' in m) expect(['GrantType', 'Error', 'Decision', 'Operation', 'Reason', 'Tool', 'Outcome']).toContain(m.dimension);
    }
  });
});
