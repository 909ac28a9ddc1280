/**
 * The canonical item timestamp as a regular expression source, for checking
 * whole item lines with one expression, and the one check it leaves out.
 *
 * @module
 */

import { isCanonicalTimestamp } from "./timestamp.ts";

/**
 * Matches every string `isCanonicalTimestamp` accepts: a UTC date, a time
 * (a leap second `:60` included), then no fraction or one of 3, 6 or 9
 * digits that does not end in `000`, then `Z`. The only other strings it
 * matches have a day 29, 30 or 31 that their month lacks: the calendar
 * would make the expression several times longer, and slower to compile.
 * Check those with {@linkcode isCanonicalTimestampShape}.
 */
export const TIMESTAMP_SHAPE_PATTERN: string = "\\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\\d|3[01])" +
  "T(?:[01]\\d|2[0-3]):[0-5]\\d:(?:[0-5]\\d|60)(?:\\.(?:\\d{3}){0,2}(?!000)\\d{3})?Z";

/**
 * Whether a string that matches {@linkcode TIMESTAMP_SHAPE_PATTERN} is a
 * canonical timestamp: only days from the 29th on need the calendar.
 *
 * @param s A string the pattern matched.
 * @returns Whether `isCanonicalTimestamp` accepts it.
 */
export function isCanonicalTimestampShape(s: string): boolean {
  const tens = s.charCodeAt(8);
  return tens < 0x32 || (tens === 0x32 && s.charCodeAt(9) !== 0x39) || isCanonicalTimestamp(s);
}
