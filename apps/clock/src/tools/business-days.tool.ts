import { DateTime } from 'luxon';
import { z } from 'zod';
import { jsonResult, toolError } from '@mcp-cognito/mcp-server-kit';
import { tool } from '../deps';
import { SCOPES } from '../scopes';

const DATE = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a calendar date, YYYY-MM-DD');
/** About a lifetime: bounds the work of one call whatever the input. */
const MAX_SPAN_DAYS = 366 * 100;

/** Monday..Friday in luxon's ISO weekday numbering (1 = Monday). */
const isWeekday = (day: DateTime) => day.weekday <= 5;

/**
 * Business days (Monday to Friday, minus the given holidays) from `start` up to `end`: `start` counts, `end` does not,
 * so that consecutive spans add up. An `end` before `start` gives a negative count. Calendar dates only: no zone.
 */
export function countBusinessDays(start: DateTime, end: DateTime, holidays: ReadonlySet<string>): number {
  const sign = end < start ? -1 : 1;
  const [from, to] = sign === 1 ? [start, end] : [end, start];
  const days = Math.round(to.diff(from, 'days').days);
  // Whole weeks hold five weekdays each; only the remainder is walked.
  let count = Math.floor(days / 7) * 5;
  for (let d = from.plus({ days: days - (days % 7) }); d < to; d = d.plus({ days: 1 })) if (isWeekday(d)) count++;
  for (const holiday of holidays) {
    const h = DateTime.fromISO(holiday, { zone: 'utc' });
    if (h >= from && h < to && isWeekday(h)) count--;
  }
  return sign * count;
}

export const businessDaysTool = tool({
  name: 'business_days_between',
  title: 'Business days between two dates',
  description:
    'Counts business days (Monday to Friday, minus optional holidays) from start (counted) to end (not counted); negative when end is before start.',
  requiredScopes: [SCOPES.read],
  inputSchema: z.strictObject({
    start: DATE.describe('First day, YYYY-MM-DD (counted)'),
    end: DATE.describe('Last day, YYYY-MM-DD (not counted)'),
    holidays: z.array(DATE).max(400).optional().describe('Dates that are not business days, YYYY-MM-DD'),
  }),
  annotations: { readOnlyHint: true, openWorldHint: false, idempotentHint: true },
  handler: async ({ start, end, holidays }) => {
    const [from, to] = [DateTime.fromISO(start, { zone: 'utc' }), DateTime.fromISO(end, { zone: 'utc' })];
    const invalid = [from, to, ...(holidays ?? []).map((h) => DateTime.fromISO(h, { zone: 'utc' }))].find((d) => !d.isValid);
    if (invalid) return toolError(`not a calendar date: ${invalid.invalidExplanation ?? 'invalid date'}`);
    if (Math.abs(to.diff(from, 'days').days) > MAX_SPAN_DAYS) return toolError(`the dates may be at most ${MAX_SPAN_DAYS} days apart`);
    const businessDays = countBusinessDays(from, to, new Set(holidays ?? []));
    return jsonResult({ start, end, businessDays, calendarDays: Math.round(to.diff(from, 'days').days) });
  },
});
