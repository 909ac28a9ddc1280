/** Helpers for reading parsed option values. */

/** A repeatable option's values (none → empty list). */
export function strings(v: string | string[] | boolean | undefined): string[] {
  if (Array.isArray(v)) return v;
  return typeof v === "string" ? [v] : [];
}

/** A single-valued option, or `undefined`. */
export function str(v: string | string[] | boolean | undefined): string | undefined {
  return typeof v === "string" ? v : undefined;
}
