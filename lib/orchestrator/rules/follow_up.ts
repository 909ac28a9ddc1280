/**
 * Follow-up items (pg.md §6.6): the New items pg creates from the
 * `follow_ups` of a result. Pure.
 *
 * @module
 */

import { emptyDescription } from "../../adapter/description.ts";
import { newPgItem, PgItem, type PgItemOptions } from "../../adapter/pg_item.ts";
import type { Item } from "../../store/item.ts";
import type { FollowUp } from "../execution/phase_result.ts";

/**
 * Why a follow-up title cannot become an item (**[Fix]**: task-golem needs
 * one non-empty line).
 *
 * @param title The title as reported.
 * @returns The reason, or `null` when the trimmed title is usable.
 */
export function followUpTitleProblem(title: string): string | null {
  const t = title.trim();
  if (t === "") return "empty title";
  if (/[\r\n\u2028\u2029]/.test(t)) return "title spans several lines";
  // deno-lint-ignore no-control-regex
  if (/[\x00-\x08\x0b-\x1f\x7f]/.test(t)) return "title contains control characters";
  return null;
}

/**
 * Builds the New item for a follow-up: the trimmed title, `x-pg-origin`,
 * suggested size and risk, and a description with only `context` set when
 * the follow-up has one.
 *
 * @param id The new ID.
 * @param followUp The follow-up (title already checked).
 * @param origin `{item_id}/{phase}` of the result.
 * @param options Creation time and the clock/warnings for the adapter.
 * @returns The item.
 */
export function followUpItem(
  id: string,
  followUp: FollowUp,
  origin: string,
  options: PgItemOptions & { now: string },
): Item {
  const item = newPgItem(id, followUp.title.trim(), { now: options.now });
  const pg = new PgItem(item, options);
  pg.setOrigin(origin);
  if (followUp.suggestedSize !== undefined) pg.setSize(followUp.suggestedSize);
  if (followUp.suggestedRisk !== undefined) pg.setRisk(followUp.suggestedRisk);
  if (followUp.context !== undefined && followUp.context.trim() !== "") {
    pg.setDescription({ ...emptyDescription(), context: followUp.context });
  }
  item.updated_at = options.now;
  return item;
}
