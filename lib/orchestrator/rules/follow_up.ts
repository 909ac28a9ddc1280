/**
 * Follow-up items (pg.md §6.6): the New items pg creates from the
 * `follow_ups` of a result. Pure.
 *
 * @module
 */

import { emptyDescription } from "../../adapter/description.ts";
import { newPgItem, PgItem, type PgItemOptions } from "../../adapter/pg_item.ts";
import { FixedClock } from "../../io/clock.ts";
import type { AddItemRequest } from "../../store/ops/add.ts";
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
 * The new item for a follow-up, as a request for the store's `addItems`:
 * the trimmed title, a New pg status, `x-pg-origin`, suggested size and
 * risk, and a description with only `context` set when the follow-up has
 * one (mirrored into the native description).
 *
 * @param followUp The follow-up (title already checked).
 * @param origin `{item_id}/{phase}` of the result.
 * @param options Warning sink for the adapter.
 * @returns The request.
 */
export function followUpRequest(
  followUp: FollowUp,
  origin: string,
  options: PgItemOptions = {},
): AddItemRequest {
  // The fields are shaped on a draft item; the store gives the real one its ID and timestamps.
  const draft = newPgItem("draft", followUp.title.trim(), { now: DRAFT_TIME });
  const pg = new PgItem(draft, { ...options, clock: DRAFT_CLOCK });
  pg.setOrigin(origin);
  if (followUp.suggestedSize !== undefined) pg.setSize(followUp.suggestedSize);
  if (followUp.suggestedRisk !== undefined) pg.setRisk(followUp.suggestedRisk);
  if (followUp.context !== undefined && followUp.context.trim() !== "") {
    pg.setDescription({ ...emptyDescription(), context: followUp.context });
  }
  return { title: draft.title, description: draft.description, extensions: draft.extensions };
}

const DRAFT_TIME = "1970-01-01T00:00:00Z";
const DRAFT_CLOCK = new FixedClock({ secs: 0, nanos: 0 });
