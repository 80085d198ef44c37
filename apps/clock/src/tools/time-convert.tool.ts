import { DateTime } from 'luxon';
import { z } from 'zod';
import { jsonResult, toolError } from '@mcp-cognito/mcp-server-kit';
import { tool } from '../deps';
import { SCOPES } from '../scopes';
import { describeInstant, timeZoneSchema } from './time-zone';

/** A wall-clock time without a zone or offset: the zone is given separately. */
const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;

/**
 * A wall-clock time in one zone as the same instant in another. Daylight-saving edges are answered, not guessed away:
 * a time that does not exist in `from` (skipped by a spring-forward) is a tool error; one that exists twice (a
 * fall-back) takes the earlier instant and says so (`ambiguous: true`).
 */
export const timeConvertTool = tool({
  name: 'time_convert',
  title: 'Convert a time between zones',
  description: 'Converts a local date and time (YYYY-MM-DDTHH:mm[:ss]) in one IANA time zone to the same instant in another.',
  requiredScopes: [SCOPES.read],
  inputSchema: z.strictObject({
    dateTime: z.string().regex(LOCAL_DATE_TIME, 'must be a local date and time, YYYY-MM-DDTHH:mm or YYYY-MM-DDTHH:mm:ss, without offset').describe('Local date and time in the source zone, e.g. 2026-03-29T09:30'),
    from: timeZoneSchema,
    to: timeZoneSchema,
  }),
  annotations: { readOnlyHint: true, openWorldHint: false, idempotentHint: true },
  handler: async ({ dateTime, from, to }) => {
    const source = DateTime.fromISO(dateTime, { zone: from });
    if (!source.isValid) return toolError(`${dateTime} is not a valid date and time`);
    // luxon moves a wall time inside a spring-forward gap to the next valid time: compare the wall clock it kept.
    if (source.toFormat("yyyy-LL-dd'T'HH:mm") !== dateTime.slice(0, 16)) {
      return toolError(`${dateTime} does not exist in ${from} (the clocks skip it for daylight saving time)`);
    }
    // A wall time inside a fall-back hour has two offsets; the earlier instant is the one clocks show first.
    const possibleOffsets = source.getPossibleOffsets();
    const earliest = possibleOffsets.length > 1 ? possibleOffsets.reduce((a, b) => (a.toMillis() <= b.toMillis() ? a : b)) : source;
    const target = earliest.setZone(to);
    return jsonResult({
      from: describeInstant(earliest),
      to: describeInstant(target),
      ambiguous: possibleOffsets.length > 1,
      utc: earliest.toUTC().toISO({ suppressMilliseconds: true }),
    });
  },
});
