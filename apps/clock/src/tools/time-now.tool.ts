import { DateTime } from 'luxon';
import { z } from 'zod';
import { jsonResult } from '@mcp-cognito/mcp-server-kit';
import { tool } from '../deps';
import { SCOPES } from '../scopes';
import { describeInstant, timeZoneSchema } from './time-zone';

/** The current time in one IANA zone, with its offset and whether daylight saving time is in effect there. */
export const timeNowTool = tool({
  name: 'time_now',
  title: 'Current time',
  description: 'Returns the current date and time in the given IANA time zone, with its UTC offset, weekday and whether daylight saving time applies.',
  requiredScopes: [SCOPES.read],
  inputSchema: z.strictObject({ timeZone: timeZoneSchema }),
  annotations: { readOnlyHint: true, openWorldHint: false, idempotentHint: false },
  handler: async ({ timeZone }) => {
    const now = DateTime.now().setZone(timeZone);
    return jsonResult({ ...describeInstant(now), epochSeconds: Math.floor(now.toSeconds()) });
  },
});
