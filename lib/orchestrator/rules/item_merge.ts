/**
 * Duplicate merges (pg.md §6.7, §7.9): what pg carries from one duplicate
 * into the other, and which of two duplicates survives. Pure.
 *
 * @module
 */

import { emptyDescription } from "../../adapter/description.ts";
import { PgItem, type PgItemOptions } from "../../adapter/pg_item.ts";
import type { Item } from "../../store/item.ts";

/**
 * The text recorded in the target when `source` is merged into it:
 * `[Merged from {id}] Title: {title}`, then `Context: …` and `Problem: …`
 * from the source's structured description (non-empty parts; the native
 * description as context when it has no structured one), then
 * `Origin: {origin}`, joined by `. `.
 *
 * @param source The item merged away.
 * @returns The text.
 */
export function mergeText(source: PgItem): string {
  const parts = [`[Merged from ${source.id}] Title: ${source.title}`];
  const d = source.description();
  if (d !== null) {
    if (d.context !== "") parts.push(`Context: ${d.context}`);
    if (d.problem !== "") parts.push(`Problem: ${d.problem}`);
  } else if (source.nativeDescription) {
    parts.push(`Context: ${source.nativeDescription}`);
  }
  const origin = source.origin();
  if (origin !== null) parts.push(`Origin: ${origin}`);
  return parts.join(". ");
}

/**
 * What pg carries over when `source` is merged into `target` (pg.md §6.7),
 * beyond what the store's merge does (dependencies, tags, dependents,
 * archiving): the source's merge text appended to the target's description
 * context, on a new line. Pass it as `combine` to the store's `mergeItem`.
 *
 * @param source The item merged away.
 * @param target The item that stays (changed in place).
 * @param options Clock and warning sink for the adapter.
 */
export function combineDuplicate(source: Item, target: Item, options: PgItemOptions = {}): void {
  const text = mergeText(new PgItem(source, options));
  const kept = new PgItem(target, options);
  const desc = kept.description() ??
    { ...emptyDescription(), context: kept.nativeDescription ?? "" };
  desc.context = desc.context === "" ? text : `${desc.context}\n${text}`;
  kept.setDescription(desc);
}

/** Which of two duplicates is merged into which. */
export interface MergePlan {
  /** The item merged away. */
  source: string;
  /** The item that stays. */
  target: string;
}

function numericSuffix(id: string): bigint | null {
  const s = id.slice(id.lastIndexOf("-") + 1);
  return /^[0-9]+$/.test(s) ? BigInt(s) : null;
}

/**
 * The direction of a duplicate merge (pg.md §7.9): when both IDs end in a
 * decimal number after their last `-` and the numbers differ, the higher
 * one merges into the lower; otherwise (random IDs, equal numbers) the
 * triaged item merges into the existing one.
 *
 * @param triaged The item being triaged.
 * @param duplicate The existing item it duplicates.
 * @returns Source and target.
 */
export function mergeDirection(triaged: string, duplicate: string): MergePlan {
  const a = numericSuffix(triaged);
  const b = numericSuffix(duplicate);
  if (a !== null && b !== null && a !== b) {
    return a > b ? { source: triaged, target: duplicate } : { source: duplicate, target: triaged };
  }
  return { source: triaged, target: duplicate };
}
