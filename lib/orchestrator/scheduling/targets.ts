/**
 * `run --target` validation (pg.md §2.4 step 7, §2.10).
 *
 * @module
 */

const ID_SYNTAX = /^[A-Za-z0-9]+-[A-Za-z0-9]+$/;

/**
 * Whether a string is an item ID: `{prefix}-{suffix}`, split at the first
 * `-`, both non-empty ASCII alphanumerics (**[Fix]** B14: any alphanumeric
 * suffix, so Crockford base-32 IDs such as `tg-1rh14` pass).
 *
 * @param id The text.
 * @returns Whether it is a valid ID.
 */
export function isItemIdSyntax(id: string): boolean {
  return ID_SYNTAX.test(id);
}

/**
 * Checks `--target` values (trimmed): format errors first, then targets not
 * among the active items, then one line naming the duplicates.
 *
 * @param targets The values as given.
 * @param activeIds The IDs of the active items.
 * @returns The trimmed targets, and the problems (empty when all are fine).
 */
export function validateTargets(
  targets: readonly string[],
  activeIds: ReadonlySet<string>,
): { targets: string[]; problems: string[] } {
  const trimmed = targets.map((t) => t.trim());
  const format: string[] = [];
  const missing: string[] = [];
  for (const t of trimmed) {
    if (!isItemIdSyntax(t)) {
      format.push(
        `Invalid target format '${t}': expected <prefix>-<id> (numeric or hex suffix)`,
      );
    }
  }
  for (const t of trimmed) {
    if (!activeIds.has(t)) missing.push(`Target '${t}' not found in backlog`);
  }
  const seen = new Set<string>();
  const dups: string[] = [];
  for (const t of trimmed) {
    if (seen.has(t) && !dups.includes(t)) dups.push(t);
    seen.add(t);
  }
  const problems = [...format, ...missing];
  if (dups.length > 0) problems.push(`Duplicate targets: ${dups.join(", ")}`);
  return { targets: trimmed, problems };
}
