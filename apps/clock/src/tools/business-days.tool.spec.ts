import { DateTime } from 'luxon';
import { countBusinessDays } from './business-days.tool';

const d = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' });

/** Brute force: walk every day. The tool's arithmetic must agree with it. */
function walk(start: string, end: string, holidays: Set<string>): number {
  let n = 0;
  for (let x = d(start); x < d(end); x = x.plus({ days: 1 })) if (x.weekday <= 5 && !holidays.has(x.toISODate() ?? '')) n++;
  return n;
}

describe('business days: start counts, end does not, weekends and holidays skipped', () => {
  it.each([
    ['2026-11-30', '2026-12-07', 5], // Monday to next Monday
    ['2026-12-04', '2026-12-07', 1], // Friday to Monday: only Friday
    ['2026-12-05', '2026-12-07', 0], // a weekend
    ['2026-12-01', '2026-12-01', 0], // an empty span
  ])('%s .. %s is %i', (start, end, expected) => {
    expect(countBusinessDays(d(start), d(end), new Set())).toBe(expected);
  });

  it('a holiday on a weekday is skipped; one on a weekend or outside the span changes nothing', () => {
    const holidays = new Set(['2026-12-25', '2026-12-26', '2027-01-01']);
    expect(countBusinessDays(d('2026-12-21'), d('2026-12-28'), holidays)).toBe(4);
  });

  it('end before start gives the negative count', () => {
    expect(countBusinessDays(d('2026-12-07'), d('2026-11-30'), new Set())).toBe(-5);
  });

  it('agrees with walking every day over spans of every length and start weekday', () => {
    const holidays = new Set(['2026-01-01', '2026-05-01', '2026-12-24']);
    for (let s = 0; s < 7; s++) {
      for (let len = 0; len < 400; len += 13) {
        const start = d('2026-01-01').plus({ days: s });
        const end = start.plus({ days: len });
        expect(countBusinessDays(start, end, holidays)).toBe(walk(start.toISODate() ?? '', end.toISODate() ?? '', holidays));
      }
    }
  });
});
