/**
 * phase-golem's six-state status, its spellings, and the transition rule
 * between states (pg.md §5.5).
 *
 * @module
 */

/**
 * phase-golem's status of an item. The native store status has four states;
 * the three `todo` sub-states live in the `x-pg-status` extension.
 */
export type PgStatus = "New" | "Scoping" | "Ready" | "InProgress" | "Done" | "Blocked";

/** Every status, in lifecycle order. */
export const PG_STATUSES: readonly PgStatus[] = [
  "New",
  "Scoping",
  "Ready",
  "InProgress",
  "Done",
  "Blocked",
];

/** A status an item can be unblocked back to (everything but Done and Blocked). */
export type BlockedFromStatus = "New" | "Scoping" | "Ready" | "InProgress";

const SNAKE: Readonly<Record<PgStatus, string>> = {
  New: "new",
  Scoping: "scoping",
  Ready: "ready",
  InProgress: "in_progress",
  Done: "done",
  Blocked: "blocked",
};

const FROM_SNAKE: ReadonlyMap<string, PgStatus> = new Map(
  PG_STATUSES.map((s) => [SNAKE[s], s]),
);

/**
 * The snake_case spelling of a status (`in_progress`), used by
 * `x-pg-blocked-from-status`, `--only status=…` and the legacy YAML backlog.
 *
 * @param status The status.
 * @returns `new`, `scoping`, `ready`, `in_progress`, `done` or `blocked`.
 *
 * @example
 * ```ts
 * import { pgStatusToSnake } from "@golem/golem";
 * import assert from "node:assert/strict";
 * assert.equal(pgStatusToSnake("InProgress"), "in_progress");
 * ```
 */
export function pgStatusToSnake(status: PgStatus): string {
  return SNAKE[status];
}

/**
 * Parses the snake_case spelling of a status (exact, case-sensitive).
 *
 * @param s The text.
 * @returns The status, or `null` when `s` is not one of the six spellings.
 *
 * @example
 * ```ts
 * import { pgStatusFromSnake } from "@golem/golem";
 * import assert from "node:assert/strict";
 * assert.equal(pgStatusFromSnake("scoping"), "Scoping");
 * assert.equal(pgStatusFromSnake("Scoping"), null);
 * ```
 */
export function pgStatusFromSnake(s: string): PgStatus | null {
  return FROM_SNAKE.get(s) ?? null;
}

/**
 * The lower-cased variant name `pg status` prints (`inprogress`, without an
 * underscore, as upstream does).
 *
 * @param status The status.
 * @returns The label.
 *
 * @example
 * ```ts
 * import { pgStatusLabel } from "@golem/golem";
 * import assert from "node:assert/strict";
 * assert.equal(pgStatusLabel("InProgress"), "inprogress");
 * ```
 */
export function pgStatusLabel(status: PgStatus): string {
  return status.toLowerCase();
}

/**
 * Whether `status` is one an item may be unblocked back to.
 *
 * @param status The status.
 * @returns `true` for New, Scoping, Ready and InProgress.
 *
 * @example
 * ```ts
 * import { isBlockedFromStatus } from "@golem/golem";
 * import assert from "node:assert/strict";
 * assert.ok(isBlockedFromStatus("Ready"));
 * assert.ok(!isBlockedFromStatus("Done"));
 * ```
 */
export function isBlockedFromStatus(status: PgStatus): status is BlockedFromStatus {
  return status !== "Done" && status !== "Blocked";
}

/**
 * The status transition rule (pg.md §5.5): any active status may become
 * Blocked, Blocked may return to any active status, and the forward steps
 * New→Scoping→Ready→InProgress→Done. Everything else is invalid, including
 * staying in the same status, skipping a step and leaving Done.
 *
 * @param from Current status.
 * @param to Wanted status.
 * @returns Whether the transition is allowed.
 *
 * @example
 * ```ts
 * import { isValidTransition } from "@golem/golem";
 * import assert from "node:assert/strict";
 * assert.ok(isValidTransition("Scoping", "Ready"));
 * assert.ok(!isValidTransition("New", "Ready"));
 * ```
 */
export function isValidTransition(from: PgStatus, to: PgStatus): boolean {
  if (to === "Blocked") return isBlockedFromStatus(from);
  if (from === "Blocked") return isBlockedFromStatus(to);
  return (from === "New" && to === "Scoping") || (from === "Scoping" && to === "Ready") ||
    (from === "Ready" && to === "InProgress") || (from === "InProgress" && to === "Done");
}
