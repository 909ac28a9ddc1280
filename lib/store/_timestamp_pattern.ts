/**
 * The canonical item timestamp as a regular expression source, for checking
 * whole item lines with one expression.
 *
 * @module
 */

/**
 * Matches exactly the strings `isCanonicalTimestamp` accepts: a real UTC date
 * (leap years included) and time (a leap second `:60` included), then no
 * fraction or one of 3, 6 or 9 digits that does not end in `000`, then `Z`.
 */
export const CANONICAL_TIMESTAMP_PATTERN: string =
  "(?:\\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1\\d|2[0-8])" +
  "|\\d{4}-(?:0[13-9]|1[0-2])-(?:29|30)" +
  "|\\d{4}-(?:0[13578]|1[02])-31" +
  "|(?:\\d\\d(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29)" +
  "T(?:[01]\\d|2[0-3]):[0-5]\\d:(?:[0-5]\\d|60)(?:\\.(?:\\d{3}){0,2}(?!000)\\d{3})?Z";
