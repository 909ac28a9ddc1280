/**
 * What each native status change does to an item's fields, and which
 * changes the store accepts. The store operations apply these in memory;
 * the store then writes a `status_transition` event for every status that
 * changed before it writes the item, so no caller can change a status
 * without leaving its trace in the log.
 *
 * @module
 */

import { clearClaimLease } from "./claims.ts";
import { invalidTransition } from "./errors.ts";
import type { Item } from "./item.ts";
import { canTransition, type Status } from "./status.ts";

/**
 * Whether the store accepts a status change: the native rule
 * ({@linkcode canTransition}), plus leaving `blocked` for `todo` or `doing`
 * (an unblock).
 *
 * @param from The status read.
 * @param to The status written.
 * @returns Whether the change may be written.
 *
 * @example
 * ```ts
 * import { isStatusChangeAllowed } from "@golem/golem";
 * import assert from "node:assert/strict";
 * assert.ok(isStatusChangeAllowed("blocked", "doing"));
 * assert.ok(!isStatusChangeAllowed("done", "todo"));
 * ```
 */
export function isStatusChangeAllowed(from: Status, to: Status): boolean {
  if (from === to) return true;
  if (from === "blocked") return to === "todo" || to === "doing";
  return canTransition(from, to);
}

/**
 * Throws `InvalidTransition` unless {@linkcode isStatusChangeAllowed}.
 *
 * @param from The status read.
 * @param to The status written.
 * @throws {TaskStoreError} `InvalidTransition`.
 */
export function checkStatusChange(from: Status, to: Status): void {
  if (!isStatusChangeAllowed(from, to)) throw invalidTransition(from, to);
}

function clearClaim(item: Item): void {
  item.claimed_by = null;
  item.claimed_at = null;
  clearClaimLease(item);
}

/**
 * `→ doing`; with `claim`, sets `claimed_by` and `claimed_at`.
 *
 * @param item The item (changed in place).
 * @param claim Agent name, or `null`.
 * @param now Canonical timestamp.
 */
export function applyDo(item: Item, claim: string | null, now: string): void {
  item.status = "doing";
  if (claim !== null) {
    item.claimed_by = claim;
    item.claimed_at = now;
  }
  item.updated_at = now;
}

/**
 * `→ done`; clears the claim (and its lease, `x-tg-claim-lease`).
 *
 * @param item The item (changed in place).
 * @param now Canonical timestamp.
 */
export function applyDone(item: Item, now: string): void {
  item.status = "done";
  clearClaim(item);
  item.updated_at = now;
}

/**
 * `→ todo`; clears the claim (and its lease).
 *
 * @param item The item (changed in place).
 * @param now Canonical timestamp.
 */
export function applyTodo(item: Item, now: string): void {
  item.status = "todo";
  clearClaim(item);
  item.updated_at = now;
}

/**
 * `→ blocked`; remembers the previous status, stores the reason, and clears
 * the claim when the item was `doing`.
 *
 * @param item The item (changed in place).
 * @param reason Why, or `null`.
 * @param now Canonical timestamp.
 */
export function applyBlock(item: Item, reason: string | null, now: string): void {
  const from = item.status;
  item.blocked_from_status = from;
  item.status = "blocked";
  item.blocked_reason = reason;
  if (from === "doing") clearClaim(item);
  item.updated_at = now;
}

/**
 * `blocked → blocked_from_status` (or `todo`); clears reason and origin.
 *
 * @param item The item (changed in place).
 * @param now Canonical timestamp.
 */
export function applyUnblock(item: Item, now: string): void {
  item.status = item.blocked_from_status ?? "todo";
  item.blocked_reason = null;
  item.blocked_from_status = null;
  item.updated_at = now;
}
