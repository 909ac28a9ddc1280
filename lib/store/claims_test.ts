import assert from "node:assert/strict";
import {
  addNanos,
  CLAIM_LEASE_KEY,
  claimLease,
  clearClaimLease,
  isClaimExpired,
  setClaimLease,
} from "./claims.ts";
import { newItem } from "./item.ts";
import { applyBlock, applyDo, applyDone, applyTodo } from "./transitions.ts";

function claimed(at = "2026-01-01T00:00:00Z") {
  const item = newItem("tg-1", "T", "2026-01-01T00:00:00Z");
  applyDo(item, "bot", at);
  return item;
}

Deno.test("addNanos() adds exactly and keeps the canonical form", () => {
  assert.equal(addNanos("2026-01-01T00:00:00.999999999Z", 1n), "2026-01-01T00:00:01Z");
  assert.equal(addNanos("2026-01-01T23:30:00Z", 3_600_000_000_000n), "2026-01-02T00:30:00Z");
  assert.throws(() => addNanos("9999-12-31T23:59:59Z", 1_000_000_000n), RangeError);
});

Deno.test("setClaimLease() binds the lease to the current claim; isClaimExpired() compares with now", () => {
  const item = claimed();
  setClaimLease(item, 60_000_000_000n);
  assert.deepEqual(claimLease(item), {
    agent: "bot",
    claimedAt: "2026-01-01T00:00:00Z",
    expiresAt: "2026-01-01T00:01:00Z",
  });
  assert.equal(isClaimExpired(item, "2026-01-01T00:00:59.999Z"), false);
  assert.equal(isClaimExpired(item, "2026-01-01T00:01:00Z"), true);
  // another agent or another claim moment: the lease no longer applies
  item.claimed_by = "other";
  assert.equal(claimLease(item), null);
  assert.equal(isClaimExpired(item, "2030-01-01T00:00:00Z"), false);
  item.claimed_by = "bot";
  item.claimed_at = "2026-01-01T00:00:00.000000001Z";
  assert.equal(claimLease(item), null);
});

Deno.test("claimLease() ignores malformed lease values", () => {
  const item = claimed();
  for (
    const v of [null, "x", [1], { agent: "bot" }, {
      agent: "bot",
      "claimed_at": "2026-01-01T00:00:00Z",
      "expires_at": "soon",
    }]
  ) {
    item.extensions[CLAIM_LEASE_KEY] = v as never;
    assert.equal(claimLease(item), null, JSON.stringify(v));
  }
  assert.throws(() => setClaimLease(newItem("tg-2", "U", "2026-01-01T00:00:00Z"), 1n), TypeError);
});

Deno.test("done, todo and block (from doing) clear the lease with the claim; block from todo keeps both", () => {
  for (
    const apply of [
      applyDone,
      applyTodo,
      (it: ReturnType<typeof claimed>, now: string) => applyBlock(it, null, now),
    ]
  ) {
    const item = claimed();
    setClaimLease(item, 1_000_000_000n);
    apply(item, "2026-01-02T00:00:00Z");
    assert.equal(item.claimed_by, null);
    assert.ok(!(CLAIM_LEASE_KEY in item.extensions));
  }
  const todo = newItem("tg-3", "V", "2026-01-01T00:00:00Z");
  todo.extensions[CLAIM_LEASE_KEY] = { agent: "x" } as never;
  applyBlock(todo, null, "2026-01-02T00:00:00Z");
  assert.ok(CLAIM_LEASE_KEY in todo.extensions);
  clearClaimLease(todo);
  assert.ok(!(CLAIM_LEASE_KEY in todo.extensions));
});
