import assert from "node:assert/strict";
import { type Item, newItem } from "./item.ts";
import type { Status } from "./status.ts";
import { TaskStoreError } from "./errors.ts";
import { STATUSES } from "./status.ts";
import {
  applyBlock,
  applyDo,
  applyDone,
  applyTodo,
  applyUnblock,
  checkStatusChange,
  isStatusChangeAllowed,
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
  assert.equal(applyDo(it, null, NOW), undefined);
  assert.equal(it.status, "doing");
  assert.equal(it.updated_at, NOW);
  assert.equal(it.claimed_by, "agent-a");
  assert.equal(it.claimed_at, T0);
  assert.equal(it.created_at, T0);
  assert.equal(it.id, "tg-1");
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
  it.extensions["x-tg-claim-lease"] = { agent: "agent-a", "claimed_at": T0, "expires_at": NOW };
  it.extensions["x-other"] = "kept";
  applyDone(it, NOW);
  assert.equal(it.status, "done");
  assert.equal(it.claimed_by, null);
  assert.equal(it.claimed_at, null);
  assert.equal(it.updated_at, NOW);
  assert.deepEqual({ ...it.extensions }, { "x-other": "kept" }, "the lease goes with the claim");
});

Deno.test("applyTodo() sets todo and clears the claim", () => {
  const it = item("doing", true);
  it.extensions["x-tg-claim-lease"] = { agent: "agent-a", "claimed_at": T0, "expires_at": NOW };
  applyTodo(it, NOW);
  assert.equal(it.status, "todo");
  assert.equal(it.claimed_by, null);
  assert.equal(it.claimed_at, null);
  assert.equal(it.updated_at, NOW);
  assert.deepEqual(Object.keys(it.extensions), []);
});

Deno.test("applyBlock() remembers the previous status and stores the reason", () => {
  const it = item("todo", true);
  applyBlock(it, "waiting on API", NOW);
  assert.equal(it.status, "blocked");
  assert.equal(it.blocked_from_status, "todo");
  assert.equal(it.blocked_reason, "waiting on API");
  assert.equal(it.updated_at, NOW);
  // Claims are cleared only when blocking a doing item.
  assert.equal(it.claimed_by, "agent-a");
  assert.equal(it.claimed_at, T0);
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
  applyBlock(it, null, NOW);
  assert.equal(it.blocked_reason, null);
  assert.equal(it.status, "blocked");
});

Deno.test("applyUnblock() returns to blocked_from_status and clears reason and origin", () => {
  const it = item("doing", true);
  applyBlock(it, "why", T0);
  applyUnblock(it, NOW);
  assert.equal(it.status, "doing");
  assert.equal(it.blocked_reason, null);
  assert.equal(it.blocked_from_status, null);
  assert.equal(it.updated_at, NOW);
  assert.equal(it.claimed_by, null, "claims are not restored");
});

Deno.test("applyUnblock() goes to todo when blocked_from_status is null", () => {
  const it = item("blocked");
  it.blocked_reason = "r";
  applyUnblock(it, NOW);
  assert.equal(it.status, "todo");
  assert.equal(it.blocked_reason, null);
});

// --- which changes the store accepts ----------------------------------------------------------

/** Every (from, to) pair the store accepts; everything else is refused. */
const ALLOWED: ReadonlySet<string> = new Set([
  "todo->todo",
  "todo->doing",
  "todo->done",
  "todo->blocked",
  "doing->doing",
  "doing->todo",
  "doing->done",
  "doing->blocked",
  "blocked->blocked",
  "blocked->todo", // an unblock
  "blocked->doing", // an unblock
  "done->done",
]);

Deno.test("isStatusChangeAllowed() accepts the native rule, unblocks and no change", () => {
  for (const from of STATUSES) {
    for (const to of STATUSES) {
      const key = `${from}->${to}`;
      assert.equal(isStatusChangeAllowed(from, to), ALLOWED.has(key), key);
    }
  }
});

Deno.test("isStatusChangeAllowed() refuses leaving done and blocked → done", () => {
  for (const to of ["todo", "doing", "blocked"] as const) {
    assert.equal(isStatusChangeAllowed("done", to), false, `done->${to}`);
  }
  assert.equal(isStatusChangeAllowed("blocked", "done"), false);
});

Deno.test("checkStatusChange() throws InvalidTransition exactly when a change is refused", () => {
  for (const from of STATUSES) {
    for (const to of STATUSES) {
      if (isStatusChangeAllowed(from, to)) {
        checkStatusChange(from, to);
        continue;
      }
      assert.throws(() => checkStatusChange(from, to), (e) => {
        assert.ok(e instanceof TaskStoreError);
        assert.equal(e.code, "InvalidTransition");
        assert.equal(e.exitCode, 1);
        assert.equal(e.message, `Invalid transition: ${from} cannot transition to ${to}`);
        return true;
      });
    }
  }
});

Deno.test("every apply function yields a change the store accepts", () => {
  const cases: [Status, (it: Item) => void][] = [
    ["todo", (it) => applyDo(it, "a", NOW)],
    ["todo", (it) => applyDone(it, NOW)],
    ["doing", (it) => applyDone(it, NOW)],
    ["doing", (it) => applyTodo(it, NOW)],
    ["todo", (it) => applyBlock(it, null, NOW)],
    ["doing", (it) => applyBlock(it, null, NOW)],
  ];
  for (const [from, apply] of cases) {
    const it = item(from);
    apply(it);
    assert.ok(isStatusChangeAllowed(from, it.status), `${from}->${it.status}`);
  }
  for (const from of ["todo", "doing"] as const) {
    const it = item(from);
    applyBlock(it, "r", T0);
    applyUnblock(it, NOW);
    assert.ok(isStatusChangeAllowed("blocked", it.status));
    assert.equal(it.status, from);
  }
});
