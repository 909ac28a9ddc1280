import assert from "node:assert/strict";
import {
  isBlockedFromStatus,
  isValidTransition,
  PG_STATUSES,
  type PgStatus,
  pgStatusFromSnake,
  pgStatusLabel,
  pgStatusToSnake,
} from "./pg_status.ts";

const VALID: ReadonlySet<string> = new Set([
  "New->Blocked",
  "Scoping->Blocked",
  "Ready->Blocked",
  "InProgress->Blocked",
  "Blocked->New",
  "Blocked->Scoping",
  "Blocked->Ready",
  "Blocked->InProgress",
  "New->Scoping",
  "Scoping->Ready",
  "Ready->InProgress",
  "InProgress->Done",
]);

Deno.test("isValidTransition() follows the §5.5 table for all 36 pairs", () => {
  for (const from of PG_STATUSES) {
    for (const to of PG_STATUSES) {
      const key = `${from}->${to}`;
      assert.equal(isValidTransition(from, to), VALID.has(key), key);
    }
  }
});

Deno.test("isValidTransition() rejects same-state, skipped steps and leaving Done", () => {
  for (const s of PG_STATUSES) assert.equal(isValidTransition(s, s), false);
  assert.equal(isValidTransition("New", "Ready"), false);
  assert.equal(isValidTransition("Ready", "Done"), false);
  assert.equal(isValidTransition("Done", "Blocked"), false);
  assert.equal(isValidTransition("Blocked", "Done"), false);
  assert.equal(isValidTransition("InProgress", "New"), false);
});

Deno.test("pgStatusToSnake() and pgStatusFromSnake() are inverse and exact", () => {
  const table: [PgStatus, string][] = [
    ["New", "new"],
    ["Scoping", "scoping"],
    ["Ready", "ready"],
    ["InProgress", "in_progress"],
    ["Done", "done"],
    ["Blocked", "blocked"],
  ];
  for (const [status, snake] of table) {
    assert.equal(pgStatusToSnake(status), snake);
    assert.equal(pgStatusFromSnake(snake), status);
  }
  for (const bad of ["New", "inprogress", "IN_PROGRESS", "", "todo", "doing"]) {
    assert.equal(pgStatusFromSnake(bad), null, bad);
  }
});

Deno.test("pgStatusLabel() prints the lower-cased variant (inprogress)", () => {
  assert.deepEqual(PG_STATUSES.map(pgStatusLabel), [
    "new",
    "scoping",
    "ready",
    "inprogress",
    "done",
    "blocked",
  ]);
});

Deno.test("isBlockedFromStatus() excludes Done and Blocked", () => {
  assert.deepEqual(PG_STATUSES.filter(isBlockedFromStatus), [
    "New",
    "Scoping",
    "Ready",
    "InProgress",
  ]);
});
