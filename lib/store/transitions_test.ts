import assert from "node:assert/strict";
import { type Item, newItem } from "./item.ts";
import type { Status } from "./status.ts";
import {
  applyBlock,
  applyDo,
  applyDone,
  applyTodo,
  applyUnblock,
  StatusChange,
} from "./transitions.ts";

const T0 = "2026-01-01T00:00:00Z";
const NOW = "2026-01-02T03:04:05.678Z";

function item(status: Status, claimed = false): Item {
  const it = newItem("tg-1", "T", T0);
  it.status = status;
  if (claimed) {
    it.claimed_by = "agent-a";
    it.claimed_at = T0;
  }
  return it;
}

// --- field effects: tg.md §2.6 ---------------------------------------------------------------

Deno.test("applyDo() sets doing and updated_at and leaves an existing claim alone", () => {
  const it = item("todo", true);
  const change = applyDo(it, null, NOW);
  assert.equal(it.status, "doing");
  assert.equal(it.updated_at, NOW);
  assert.equal(it.claimed_by, "agent-a");
  assert.equal(it.claimed_at, T0);
  assert.equal(it.created_at, T0);
  assert.equal(change.taskId, "tg-1");
  assert.equal(change.status, "doing");
  assert.equal(change.text, "");
});

Deno.test("applyDo() with a claim sets claimed_by and claimed_at to now", () => {
  const it = item("todo");
  applyDo(it, "agent-b", NOW);
  assert.equal(it.claimed_by, "agent-b");
  assert.equal(it.claimed_at, NOW);
  assert.equal(it.updated_at, NOW);
});

Deno.test("applyDone() sets done and clears the claim", () => {
  const it = item("doing", true);
  const change = applyDone(it, NOW);
  assert.equal(it.status, "done");
  assert.equal(it.claimed_by, null);
  assert.equal(it.claimed_at, null);
  assert.equal(it.updated_at, NOW);
  assert.equal(change.status, "done");
});

Deno.test("applyTodo() sets todo and clears the claim", () => {
  const it = item("doing", true);
  const change = applyTodo(it, NOW);
  assert.equal(it.status, "todo");
  assert.equal(it.claimed_by, null);
  assert.equal(it.claimed_at, null);
  assert.equal(it.updated_at, NOW);
  assert.equal(change.status, "todo");
});

Deno.test("applyBlock() remembers the previous status and stores the reason", () => {
  const it = item("todo", true);
  const change = applyBlock(it, "waiting on API", NOW);
  assert.equal(it.status, "blocked");
  assert.equal(it.blocked_from_status, "todo");
  assert.equal(it.blocked_reason, "waiting on API");
  assert.equal(it.updated_at, NOW);
  // Claims are cleared only when blocking a doing item.
  assert.equal(it.claimed_by, "agent-a");
  assert.equal(it.claimed_at, T0);
  assert.equal(change.status, "blocked");
  assert.equal(change.text, "waiting on API");
});

Deno.test("applyBlock() from doing clears the claim", () => {
  const it = item("doing", true);
  applyBlock(it, null, NOW);
  assert.equal(it.blocked_from_status, "doing");
  assert.equal(it.claimed_by, null);
  assert.equal(it.claimed_at, null);
});

Deno.test("applyBlock() without a reason overwrites an old reason with null", () => {
  const it = item("todo");
  it.blocked_reason = "stale reason";
  const change = applyBlock(it, null, NOW);
  assert.equal(it.blocked_reason, null);
  assert.equal(change.text, "");
});

Deno.test("applyUnblock() returns to blocked_from_status and clears reason and origin", () => {
  const it = item("doing", true);
  applyBlock(it, "why", T0);
  const change = applyUnblock(it, NOW);
  assert.equal(it.status, "doing");
  assert.equal(it.blocked_reason, null);
  assert.equal(it.blocked_from_status, null);
  assert.equal(it.updated_at, NOW);
  assert.equal(it.claimed_by, null, "claims are not restored");
  assert.equal(change.status, "doing");
  assert.equal(change.text, "");
});

Deno.test("applyUnblock() goes to todo when blocked_from_status is null", () => {
  const it = item("blocked");
  it.blocked_reason = "r";
  applyUnblock(it, NOW);
  assert.equal(it.status, "todo");
  assert.equal(it.blocked_reason, null);
});

// --- tokens ----------------------------------------------------------------------------------

Deno.test("StatusChange cannot be built outside the apply functions", () => {
  assert.throws(() => new StatusChange(Symbol("StatusChange"), "tg-1", "done", ""), TypeError);
});

Deno.test("StatusChange.redeem() works once", () => {
  const change = applyDone(item("todo"), NOW);
  assert.equal(change.redeemed, false);
  change.redeem();
  assert.equal(change.redeemed, true);
  assert.throws(() => change.redeem(), /StatusChange for tg-1 already committed/);
});
