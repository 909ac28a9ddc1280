/**
 * The four native item statuses and the transition rule between them.
 *
 * @module
 */

import { invalidInput, type TaskStoreError } from "./errors.ts";

/** A native item status. */
export type Status = "todo" | "doing" | "done" | "blocked";

/** Every status, in the order messages list them. */
export const STATUSES: readonly Status[] = ["todo", "doing", "done", "blocked"];

/**
 * Whether `s` is a valid status (exact, lowercase).
 *
 * @param s Any value.
 * @returns `true` for `todo`, `doing`, `done`, `blocked`.
 */
export function isStatus(s: unknown): s is Status {
  return s === "todo" || s === "doing" || s === "done" || s === "blocked";
}

/**
 * Parses a status given by a user.
 *
 * @param s The text.
 * @returns The status.
 * @throws {TaskStoreError} `InvalidInput` naming the valid values.
 *
 * @example
 * ```ts
 * import { parseStatus } from "@golem/golem";
 * import assert from "node:assert/strict";
 * assert.equal(parseStatus("doing"), "doing");
 * assert.throws(() => parseStatus("Doing"), /Invalid status 'Doing'/);
 * ```
 */
export function parseStatus(s: string): Status {
  if (isStatus(s)) return s;
  throw invalidStatus(s);
}

function invalidStatus(s: string): TaskStoreError {
  return invalidInput(`Invalid status '${s}'. Valid values: todo, doing, done, blocked`);
}

/**
 * The native transition rule: todo→doing/done/blocked, doing→done/blocked/todo.
 * `done` is terminal and `blocked` is left only through unblock.
 *
 * @param from Current status.
 * @param to Wanted status.
 * @returns Whether the move is allowed.
 *
 * @example
 * ```ts
 * import { canTransition } from "@golem/golem";
 * import assert from "node:assert/strict";
 * assert.ok(canTransition("todo", "doing"));
 * assert.ok(!canTransition("done", "todo"));
 * ```
 */
export function canTransition(from: Status, to: Status): boolean {
  switch (from) {
    case "todo":
      return to === "doing" || to === "done" || to === "blocked";
    case "doing":
      return to === "done" || to === "blocked" || to === "todo";
    default:
      return false;
  }
}
