/**
 * Shared flow of the status commands: resolve under the lock, decide, apply,
 * commit (event first), print.
 *
 * @module
 */

import type { Item } from "../../lib/store/item.ts";
import type { Status } from "../../lib/store/status.ts";

import type { StatusChange } from "../../lib/store/transitions.ts";
import type { TgContext } from "./_context.ts";
import { idempotentText, itemJson } from "./_format.ts";

/** What a status command decided. */
export type Outcome =
  | { kind: "idempotent"; status: Status }
  | { kind: "applied"; item: Item };

/** Decides and applies a change to one active item; returns a token to commit, or a no-op. */
export type Decide = (
  item: Item,
  now: () => string,
) => { change: StatusChange } | { idempotent: Status } | { saveOnly: true };

/**
 * Runs a status command on an active item.
 *
 * @param ctx Command context.
 * @param input The ID as typed.
 * @param decide Chooses what to do.
 * @returns The outcome.
 */
export async function runTransition(
  ctx: TgContext,
  input: string,
  decide: Decide,
): Promise<Outcome> {
  const store = await ctx.store();
  return await store.lock(async () => {
    const doc = await store.loadActiveDoc();
    const item = await ctx.resolveActive(input, doc);
    const r = decide(item, () => store.now());
    if ("idempotent" in r) return { kind: "idempotent", status: r.idempotent };
    if ("saveOnly" in r) await store.saveActive(doc);
    else await store.commitStatusChange(doc, r.change);
    return { kind: "applied", item };
  });
}

/**
 * Prints an outcome: the idempotent note, the item JSON, or `line(item)`.
 *
 * @param ctx Command context.
 * @param outcome What happened.
 * @param line Human line for an applied change.
 */
export async function printOutcome(
  ctx: TgContext,
  outcome: Outcome,
  line: (item: Item) => string,
): Promise<void> {
  if (outcome.kind === "idempotent") await ctx.out(idempotentText(outcome.status, ctx.json));
  else await ctx.out(ctx.json ? itemJson(outcome.item) : line(outcome.item) + "\n");
}
