import assert from "node:assert/strict";
import { CLAIM_LEASE_KEY, claimLease } from "../claims.ts";
import type { Item } from "../item.ts";
import { formatTimestamp } from "../timestamp.ts";
import {
  eventLog,
  item,
  ManualClock,
  rejectsWith,
  type Setup,
  setup,
  START,
  writesNothing,
} from "../../_testing/store_fixtures.ts";
import { importItems } from "./add.ts";
import { claimItem, releaseClaim } from "./claim.ts";
import { startItem } from "./status.ts";

async function put(s: Setup, ...items: Item[]): Promise<void> {
  await importItems(s.store, { active: items });
  s.fs.log.length = 0;
}

function withStatus(id: string, status: Item["status"], fields: Partial<Item> = {}): Item {
  return Object.assign(item(id), { status }, fields);
}

Deno.test("claimItem() claims a todo item without changing its status or writing an event", async () => {
  const clock = new ManualClock();
  const s = await setup({ clock });
  await put(s, withStatus("tg-a", "todo", { extensions: { "x-pg-status": "scoping" } }));
  const r = await claimItem(s.store, "tg-a", { agent: "w1", ttl: "35m" });
  assert.ok(r.claimed);
  assert.equal(r.renewed, false);
  assert.equal(r.takeover, undefined);
  const it = (await s.store.getItem("tg-a"))!;
  assert.equal(it.status, "todo");
  assert.equal(it.extensions["x-pg-status"], "scoping");
  assert.equal(it.claimed_by, "w1");
  assert.equal(it.claimed_at, "2026-01-01T00:00:00Z");
  assert.equal(it.updated_at, "2026-01-01T00:00:00Z");
  assert.equal(claimLease(it)?.expiresAt, "2026-01-01T00:35:00Z");
  assert.deepEqual(s.fs.log, ["rewrite tasks.jsonl"], "no event");
  assert.deepEqual(await eventLog(s.mem, s.store.eventsPath), []);
});

Deno.test("claimItem() claims a doing item, with a TTL in nanoseconds", async () => {
  const s = await setup({ clock: new ManualClock() });
  await put(s, withStatus("tg-a", "doing"));
  const r = await claimItem(s.store, "tg-a", { agent: "w1", ttl: 90_000_000_000n });
  assert.ok(r.claimed && r.item.status === "doing");
  assert.equal(claimLease(r.item)?.expiresAt, "2026-01-01T00:01:30Z");
});

Deno.test("claimItem() leaves a live claim of another agent alone and names the holder", async () => {
  const clock = new ManualClock();
  const s = await setup({ clock });
  await put(s, item("tg-a"), item("tg-b"));
  await claimItem(s.store, "tg-a", { agent: "w1", ttl: "10m" });
  await startItem(s.store, "tg-b", { claim: "alice" }); // no lease: holds until released
  clock.advance(9 * 60 + 59);
  await writesNothing(s, async () => {
    const a = await claimItem(s.store, "tg-a", { agent: "w2", ttl: "10m" });
    assert.deepEqual(a.claimed ? null : [a.holder, a.expiresAt], ["w1", "2026-01-01T00:10:00Z"]);
    clock.advance(365 * 86400);
    const b = await claimItem(s.store, "tg-b", { agent: "w2", ttl: "10m" });
    assert.deepEqual(b.claimed ? null : [b.holder, b.expiresAt], ["alice", null]);
  });
});

Deno.test("claimItem() takes over an expired claim with a note event", async () => {
  const clock = new ManualClock();
  const s = await setup({ clock });
  await put(s, item("tg-a"));
  await claimItem(s.store, "tg-a", { agent: "w1", ttl: "10m" });
  clock.advance(10 * 60); // exactly at the expiry: expired
  s.fs.log.length = 0;
  const r = await claimItem(s.store, "tg-a", { agent: "w2", ttl: "5m" });
  assert.ok(r.claimed);
  assert.deepEqual(r.takeover, { from: "w1", expiredAt: "2026-01-01T00:10:00Z" });
  assert.equal(r.renewed, false);
  assert.deepEqual({ ...r.item.extensions[CLAIM_LEASE_KEY] as object }, {
    agent: "w2",
    "claimed_at": "2026-01-01T00:10:00Z",
    "expires_at": "2026-01-01T00:15:00Z",
  });
  assert.deepEqual(s.fs.log, ["append events.jsonl", "rewrite tasks.jsonl"]);
  const log = await eventLog(s.mem, s.store.eventsPath);
  assert.deepEqual(log.map((e) => [e.task_id, e.type, e.text]), [[
    "tg-a",
    "note",
    "Claim taken over by w2: the claim of w1 expired at 2026-01-01T00:10:00Z",
  ]]);
});

Deno.test("claimItem() by the holder renews the claim and its lease", async () => {
  const clock = new ManualClock();
  const s = await setup({ clock });
  await put(s, item("tg-a"));
  await claimItem(s.store, "tg-a", { agent: "w1", ttl: "10m" });
  clock.advance(60);
  const r = await claimItem(s.store, "tg-a", { agent: "w1", ttl: "10m" });
  assert.ok(r.claimed && r.renewed);
  assert.equal(r.item.claimed_at, formatTimestamp({ secs: START.secs + 60, nanos: 0 }));
  assert.equal(claimLease(r.item)?.expiresAt, "2026-01-01T00:11:00Z");
});

Deno.test("claimItem() refuses blocked, done and missing items, an empty agent and bad TTLs", async () => {
  const s = await setup();
  await put(s, withStatus("tg-b", "blocked"), withStatus("tg-d", "done"), item("tg-a"));
  await writesNothing(s, async () => {
    await rejectsWith(
      claimItem(s.store, "tg-b", { agent: "w1", ttl: "1m" }),
      "InvalidInput",
      "Cannot claim tg-b: it is blocked",
    );
    await rejectsWith(
      claimItem(s.store, "tg-d", { agent: "w1", ttl: "1m" }),
      "InvalidInput",
      "Cannot claim tg-d: it is done",
    );
    await rejectsWith(
      claimItem(s.store, "tg-zz", { agent: "w1", ttl: "1m" }),
      "ItemNotFound",
      "Item not found: tg-zz",
    );
    await rejectsWith(
      claimItem(s.store, "tg-a", { agent: " ", ttl: "1m" }),
      "InvalidInput",
      "A claim needs an agent name",
    );
    await rejectsWith(
      claimItem(s.store, "tg-a", { agent: "w1", ttl: "soon" }),
      "InvalidInput",
      /^Invalid duration 'soon': /,
    );
    await rejectsWith(
      claimItem(s.store, "tg-a", { agent: "w1", ttl: 0n }),
      "InvalidInput",
      "A claim TTL must be longer than zero",
    );
  });
});

Deno.test("releaseClaim() clears the agent's claim and lease and keeps the status", async () => {
  const clock = new ManualClock();
  const s = await setup({ clock });
  await put(s, withStatus("tg-a", "doing"));
  await claimItem(s.store, "tg-a", { agent: "w1", ttl: "10m" });
  clock.advance(5);
  s.fs.log.length = 0;
  const r = await releaseClaim(s.store, "tg-a", { agent: "w1" });
  assert.ok(r.released);
  const it = (await s.store.getItem("tg-a"))!;
  assert.deepEqual([it.status, it.claimed_by, it.claimed_at], ["doing", null, null]);
  assert.equal(it.extensions[CLAIM_LEASE_KEY], undefined);
  assert.equal(it.updated_at, "2026-01-01T00:00:05Z");
  assert.deepEqual(s.fs.log, ["rewrite tasks.jsonl"], "no event");
});

Deno.test("releaseClaim() leaves another agent's claim, and an unclaimed item, alone", async () => {
  const s = await setup();
  await put(s, item("tg-a"), item("tg-b"));
  await claimItem(s.store, "tg-a", { agent: "w1", ttl: "10m" });
  await writesNothing(s, async () => {
    assert.deepEqual(await releaseClaim(s.store, "tg-a", { agent: "w2" }), {
      released: false,
      holder: "w1",
    });
    assert.deepEqual(await releaseClaim(s.store, "tg-b", { agent: "w2" }), {
      released: false,
      holder: null,
    });
  });
  await rejectsWith(releaseClaim(s.store, "tg-x", { agent: "w1" }), "ItemNotFound", /tg-x/);
});
