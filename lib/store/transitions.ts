/**
 * Status transitions on an item in memory. Each returns a
 * {@linkcode StatusChange} token that must be committed through the store,
 * which writes the matching event before the item.
 *
 * @module
 */

import { clearClaimLease } from "./claims.ts";
import type { Item } from "./item.ts";
import type { Status } from "./status.ts";

const TOKEN = Symbol("StatusChange");

/**
 * Proof that a transition was applied in memory; redeem it with
 * `TaskStore.commitStatusChange` or `TaskStore.commitDone`. Tokens cannot be
 * built outside this module and can be redeemed once.
 *
 * @example
 * ```ts
 * import { applyDo, newItem } from "@golem/golem";
 * import assert from "node:assert/strict";
 * const item = newItem("tg-1", "T", "2026-01-01T00:00:00Z");
 * const change = applyDo(item, null, "2026-01-02T00:00:00Z");
 * assert.equal(change.status, "doing");
 * assert.equal(item.status, "doing");
 * ```
 */
export class StatusChange {
  /** The task. */
  readonly taskId: string;
  /** Its new status. */
  readonly status: Status;
  /** Event text (block reason or empty). */
  readonly text: string;
  #redeemed = false;

  /** @internal Use the `apply*` functions. */
  constructor(key: symbol, taskId: string, status: Status, text: string) {
    if (key !== TOKEN) throw new TypeError("StatusChange tokens come from apply* functions");
    this.taskId = taskId;
    this.status = status;
    this.text = text;
  }

  /** Whether the change has been committed. */
  get redeemed(): boolean {
    return this.#redeemed;
  }

  /** @internal Marks the token used; throws when already used. */
  redeem(): void {
    if (this.#redeemed) throw new TypeError(`StatusChange for ${this.taskId} already committed`);
    this.#redeemed = true;
  }
}

function change(item: Item, text = ""): StatusChange {
  return new StatusChange(TOKEN, item.id, item.status, text);
}

/**
 * `todo|doing → doing`; with `claim`, sets `claimed_by` and `claimed_at`.
 *
 * @param item The item (mutated).
 * @param claim Agent name, or `null`.
 * @param now Canonical timestamp.
 * @returns The token.
 */
export function applyDo(item: Item, claim: string | null, now: string): StatusChange {
  item.status = "doing";
  if (claim !== null) {
    item.claimed_by = claim;
    item.claimed_at = now;
  }
  item.updated_at = now;
  return change(item);
}

/**
 * `→ done`; clears the claim (and its lease, `x-tg-claim-lease`).
 *
 * @param item The item (mutated).
 * @param now Canonical timestamp.
 * @returns The token.
 */
export function applyDone(item: Item, now: string): StatusChange {
  item.status = "done";
  item.claimed_by = null;
  item.claimed_at = null;
  clearClaimLease(item);
  item.updated_at = now;
  return change(item);
}

/**
 * `→ todo`; clears the claim (and its lease).
 *
 * @param item The item (mutated).
 * @param now Canonical timestamp.
 * @returns The token.
 */
export function applyTodo(item: Item, now: string): StatusChange {
  item.status = "todo";
  item.claimed_by = null;
  item.claimed_at = null;
  clearClaimLease(item);
  item.updated_at = now;
  return change(item);
}

/**
 * `→ blocked`; remembers the previous status, stores the reason, and clears
 * the claim when the item was `doing`.
 *
 * @param item The item (mutated).
 * @param reason Why, or `null`.
 * @param now Canonical timestamp.
 * @returns The token (its text is the reason or empty).
 */
export function applyBlock(item: Item, reason: string | null, now: string): StatusChange {
  const from = item.status;
  item.blocked_from_status = from;
  item.status = "blocked";
  item.blocked_reason = reason;
  if (from === "doing") {
    item.claimed_by = null;
    item.claimed_at = null;
    clearClaimLease(item);
  }
  item.updated_at = now;
  return change(item, reason ?? "");
}

/**
 * `blocked → blocked_from_status` (or `todo`); clears reason and origin.
 *
 * @param item The item (mutated).
 * @param now Canonical timestamp.
 * @returns The token.
 */
export function applyUnblock(item: Item, now: string): StatusChange {
  item.status = item.blocked_from_status ?? "todo";
  item.blocked_reason = null;
  item.blocked_from_status = null;
  item.updated_at = now;
  return change(item);
}
