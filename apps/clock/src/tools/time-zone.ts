import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';

/**
 * An IANA time zone name (`Europe/Berlin`, `America/New_York`, `UTC`), checked against the runtime's tz database
 * (ICU, through luxon): an unknown name is invalid input, never a silent fallback to UTC.
 */
export const timeZoneSchema = z
  .string()
  .min(1)
  .max(64)
  .refine((zone) => IANAZone.isValidZone(zone), { message: 'must be an IANA time zone name, e.g. Europe/Berlin or America/New_York' })
  .describe('IANA time zone name, e.g. Europe/Berlin, America/New_York, UTC');

/** What every tool answers about an instant in one zone. */
export function describeInstant(instant: DateTime) {
  return {
    timeZone: instant.zoneName,
    iso: instant.toISO({ suppressMilliseconds: true }),
    localDateTime: instant.toFormat("yyyy-LL-dd'T'HH:mm:ss"),
    utcOffset: instant.toFormat('ZZ'),
    weekday: instant.setLocale('en').toFormat('cccc'),
    isDaylightSavingTime: instant.isInDST,
    abbreviation: instant.setLocale('en').offsetNameShort ?? instant.toFormat('ZZ'),
  };
}
