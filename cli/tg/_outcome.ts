/**
 * Printing what a status command did.
 *
 * @module
 */

import type { Item } from "../../lib/store/item.ts";
import type { StatusOutcome } from "../../lib/store/ops/status.ts";
import { idempotentText, itemJson } from "./_format.ts";
import { stringResult, type TgResult } from "./_context.ts";

/**
 * An outcome as a result: the "already" note, or the item (JSON) or `line(item)` (text).
 *
 * @param outcome What happened.
 * @param line Text line for an applied change.
 * @returns The result.
 */
export function outcomeResult(outcome: StatusOutcome, line: (item: Item) => string): TgResult {
  if (!outcome.changed) {
    return stringResult(
      () => idempotentText(outcome.status, true),
      () => idempotentText(outcome.status, false),
    );
  }
  return stringResult(() => itemJson(outcome.item), () => line(outcome.item) + "\n");
}
