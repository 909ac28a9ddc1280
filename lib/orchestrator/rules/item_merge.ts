/**
 * Duplicate merges (pg.md §6.7, §7.9): folding one item into another, and
 * which of two duplicates survives. Pure functions over the active items.
 *
 * @module
 */

import { emptyDescription } from "../../adapter/description.ts";
import { PgError } from "../../adapter/pg_error.ts";
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
 * Merges `sourceId` into `targetId` in `items` (changed in place): the
 * source is removed; its merge text is appended to the target's description
 * context (on a new line); its dependencies and **[Target]** tags are added
 * to the target's (no duplicates, no references to either item); every
 * remaining item stops depending on the source.
 *
 * @param items The active items.
 * @param sourceId The item merged away.
 * @param targetId The item that stays.
 * @param options Clock and warning sink for the changed items.
 * @returns The removed source item (unchanged, for the archive).
 * @throws {PgError} `CycleDetected` for a self-merge; `ItemNotFound` when
 *   either item is missing.
 */
export function mergeItems(
  items: Item[],
  sourceId: string,
  targetId: string,
  options: PgItemOptions = {},
): Item {
  if (sourceId === targetId) {
    throw new PgError("CycleDetected", `Cannot merge item ${sourceId} into itself`);
  }
  const si = items.findIndex((it) => it.id === sourceId);
  if (si < 0) throw new PgError("ItemNotFound", `Source item ${sourceId} not found`);
  const ti = items.findIndex((it) => it.id === targetId);
  if (ti < 0) throw new PgError("ItemNotFound", `Target item ${targetId} not found`);
  const source = items[si]!;
  const target = new PgItem(items[ti]!, options);
  items.splice(si, 1);

  const text = mergeText(new PgItem(source, options));
  const desc = target.description() ?? {
    ...emptyDescription(),
    context: target.nativeDescription ?? "",
  };
  desc.context = desc.context === "" ? text : `${desc.context}\n${text}`;
  target.setDescription(desc);

  const deps = [...target.dependencies];
  for (const d of source.dependencies) {
    if (d !== sourceId && d !== targetId && !deps.includes(d)) deps.push(d);
  }
  if (deps.length !== target.dependencies.length) target.setDependencies(deps);

  const tags = [...target.tags];
  for (const t of source.tags) if (!tags.includes(t)) tags.push(t);
  if (tags.length !== target.tags.length) target.setTags(tags);

  for (const it of items) {
    if (it.dependencies.includes(sourceId)) {
      new PgItem(it, options).setDependencies(it.dependencies.filter((d) => d !== sourceId));
    }
  }
  return source;
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
