import assert from "node:assert/strict";
import { CLAIM_LEASE_KEY } from "../claims.ts";
import type { Item } from "../item.ts";
import type { Status } from "../status.ts";
import {
  ENC,
  eventLog,
  item,
  ManualClock,
  rejectsWith,
  seed,
  type Setup,
  setup,
  text,
} from "../../_testing/store_fixtures.ts";
import { importItems } from "./add.ts";
import { removeItem } from "./remove.ts";
import { blockItem, completeItem, reopenItem, startItem, unblockItem } from "./status.ts";
import { updateItem } from "./update.ts";

function withStatus(id: string, status: Status, fields: Partial<Item> = {}): Item {
  return Object.assign(item(id), { status }, fields);
}

/** Seeds items as they are, then forgets the writes. */
async function put(s: Setup, active: Item[], archived: Item[] = []): Promise<void> {
  await importItems(s.store, { active, archived });
  s.fs.log.length = 0;
}

/** What a status op must leave when it changes nothing: no write at all. */
async function unchanged(s: Setup, run: () => Promise<unknown>): Promise<void> {
  const before = await text(s.mem, s.store.tasksPath);
  s.fs.log.length = 0;
  await run();
  assert.deepEqual(s.fs.log, []);
  assert.equal(await text(s.mem, s.store.tasksPath), before);
}

// --- events of applied changes -------------------------------------------------------------------

Deno.test("startItem() moves todo to doing and writes one status event", async () => {
  const s = await setup();
  await seed(s, "tg-a", "tg-b");
  const r = await startItem(s.store, "a"); // resolved like any typed ID
  assert.ok(r.changed);
  assert.equal(r.item.id, "tg-a");
  assert.equal(r.item.status, "doing");
  assert.equal(r.item.claimed_by, null);
  assert.deepEqual(s.fs.log, ["append events.jsonl", "rewrite tasks.jsonl"]);
  const [ev, ...rest] = await eventLog(s.mem, s.store.eventsPath);
  assert.deepEqual(rest, []);
  assert.deepEqual({ ...ev, ts: "" }, {
    v: 1,
    "task_id": "tg-a",
    ts: "",
    author: "tester@example.com",
    type: "status_transition",
    text: "",
    status: "doing",
  });
  assert.equal((await s.store.getItem("tg-a"))?.status, "doing");
});

Deno.test("reopenItem() returns doing to todo, clears the claim, and writes an event", async () => {
  const s = await setup();
  await seed(s, "tg-a");
  await startItem(s.store, "tg-a", { claim: "agent-1", ttl: "1h" });
  s.fs.log.length = 0;
  const r = await reopenItem(s.store, "tg-a");
  assert.ok(r.changed);
  assert.equal(r.item.status, "todo");
  assert.equal(r.item.claimed_by, null);
  assert.equal(r.item.claimed_at, null);
  assert.equal(r.item.extensions[CLAIM_LEASE_KEY], undefined);
  assert.deepEqual(s.fs.log, ["append events.jsonl", "rewrite tasks.jsonl"]);
  const log = await eventLog(s.mem, s.store.eventsPath);
  assert.deepEqual(log.map((e) => [e.type, e.status, e.text]), [
    ["status_transition", "doing", ""],
    ["status_transition", "todo", ""],
  ]);
});

Deno.test("blockItem() writes the reason as the event text, and '' without one", async () => {
  const s = await setup();
  await put(s, [
    withStatus("tg-a", "doing", { claimed_by: "x", claimed_at: "2026-01-01T00:00:00Z" }),
  ]);
  await seed(s, "tg-b");
  const a = await blockItem(s.store, "tg-a", { reason: "waiting on API" });
  assert.ok(a.changed);
  assert.equal(a.item.blocked_from_status, "doing");
  assert.equal(a.item.blocked_reason, "waiting on API");
  assert.equal(a.item.claimed_by, null, "blocking a doing item clears its claim");
  const b = await blockItem(s.store, "tg-b");
  assert.ok(b.changed && b.item.blocked_reason === null);
  const log = await eventLog(s.mem, s.store.eventsPath);
  assert.deepEqual(log.map((e) => [e.task_id, e.status, e.text, e.author]), [
    ["tg-a", "blocked", "waiting on API", "tester@example.com"],
    ["tg-b", "blocked", "", "tester@example.com"],
  ]);
});

Deno.test("unblockItem() returns to the status blocked from, with an event of that status", async () => {
  const s = await setup();
  await put(s, [
    withStatus("tg-a", "blocked", { blocked_from_status: "doing", blocked_reason: "why" }),
    withStatus("tg-b", "blocked", { blocked_reason: "legacy: no origin" }),
  ]);
  const a = await unblockItem(s.store, "tg-a");
  assert.ok(a.changed);
  assert.equal(a.item.status, "doing");
  assert.equal(a.item.blocked_reason, null);
  assert.equal(a.item.blocked_from_status, null);
  const b = await unblockItem(s.store, "tg-b");
  assert.ok(b.changed && b.item.status === "todo");
  const log = await eventLog(s.mem, s.store.eventsPath);
  assert.deepEqual(log.map((e) => [e.task_id, e.status, e.text]), [
    ["tg-a", "doing", ""],
    ["tg-b", "todo", ""],
  ]);
});

Deno.test("completeItem() archives the item and moves all its events to the archive log", async () => {
  const s = await setup();
  await seed(s, "tg-a", "tg-b");
  await startItem(s.store, "tg-a", { claim: "agent-1" });
  await blockItem(s.store, "tg-b");
  s.fs.log.length = 0;
  const r = await completeItem(s.store, "tg-a");
  assert.ok(r.changed);
  assert.equal(r.item.status, "done");
  assert.equal(r.item.claimed_by, null);
  assert.deepEqual(s.fs.log, [
    "append events.jsonl",
    "append archive.jsonl",
    "rewrite tasks.jsonl",
    "append events.archive.jsonl",
    "append events.archive.jsonl",
    "rewrite events.jsonl",
  ]);
  assert.deepEqual((await s.store.loadActive()).map((it) => it.id), ["tg-b"]);
  const archived = await s.store.loadArchive();
  assert.deepEqual(archived.map((it) => [it.id, it.status, it.claimed_by]), [[
    "tg-a",
    "done",
    null,
  ]]);
  assert.deepEqual(
    (await eventLog(s.mem, s.store.eventsPath)).map((e) => [e.task_id, e.status]),
    [["tg-b", "blocked"]],
  );
  assert.deepEqual(
    (await eventLog(s.mem, s.store.eventsArchivePath)).map((e) => [e.task_id, e.status, e.text]),
    [["tg-a", "doing", ""], ["tg-a", "done", ""]],
  );
});

Deno.test("completeItem() finishes a todo item directly", async () => {
  const s = await setup();
  await seed(s, "tg-a");
  const r = await completeItem(s.store, "tg-a");
  assert.ok(r.changed && r.item.status === "done");
  assert.deepEqual(await s.store.loadActive(), []);
  assert.deepEqual(
    (await eventLog(s.mem, s.store.eventsArchivePath)).map((e) => e.status),
    ["done"],
  );
  assert.deepEqual(await eventLog(s.mem, s.store.eventsPath), []);
});

// --- idempotent calls write nothing ----------------------------------------------------------------

Deno.test("status ops on an item that already has the status write nothing", async () => {
  const s = await setup();
  await put(s, [
    withStatus("tg-todo", "todo"),
    withStatus("tg-doing", "doing", { claimed_by: "agent-1", claimed_at: "2026-01-01T00:00:00Z" }),
    withStatus("tg-blocked", "blocked", { blocked_reason: "kept", blocked_from_status: "todo" }),
    withStatus("tg-done", "done"),
  ]);
  await unchanged(s, async () => {
    assert.deepEqual(await startItem(s.store, "tg-doing"), { changed: false, status: "doing" });
    assert.deepEqual(await reopenItem(s.store, "tg-todo"), { changed: false, status: "todo" });
    assert.deepEqual(
      await blockItem(s.store, "tg-blocked", { reason: "another reason" }),
      { changed: false, status: "blocked" },
    );
    assert.deepEqual(await completeItem(s.store, "tg-done"), { changed: false, status: "done" });
  });
  assert.equal((await s.store.getItem("tg-blocked"))?.blocked_reason, "kept");
  assert.equal((await s.store.getItem("tg-done"))?.status, "done", "a done item stays active");
  assert.equal(await s.mem.readFile(s.store.eventsPath), null);
});

Deno.test("completeItem() on an archived ID changes nothing", async () => {
  const s = await setup();
  await put(s, [], [withStatus("tg-old", "done")]);
  await unchanged(s, async () => {
    assert.deepEqual(await completeItem(s.store, "tg-old"), { changed: false, status: "done" });
    assert.deepEqual(await completeItem(s.store, "old"), { changed: false, status: "done" });
  });
  assert.deepEqual((await s.store.loadArchive()).map((it) => it.id), ["tg-old"]);
});

Deno.test("the other status ops do not see archived items (ItemNotFound)", async () => {
  const s = await setup();
  await put(s, [], [withStatus("tg-old", "done")]);
  await unchanged(s, async () => {
    for (
      const run of [
        () => startItem(s.store, "tg-old"),
        () => reopenItem(s.store, "tg-old"),
        () => blockItem(s.store, "tg-old"),
        () => unblockItem(s.store, "tg-old"),
      ]
    ) {
      await rejectsWith(run(), "ItemNotFound", "Item not found: tg-old");
    }
  });
});

// --- refused changes --------------------------------------------------------------------------------

Deno.test("status ops refuse changes the rules do not allow, writing nothing", async () => {
  const s = await setup();
  await put(s, [
    withStatus("tg-todo", "todo"),
    withStatus("tg-blocked", "blocked", { blocked_from_status: "todo" }),
    withStatus("tg-done", "done"),
  ]);
  const invalid = (from: string, to: string) =>
    `Invalid transition: ${from} cannot transition to ${to}`;
  await unchanged(s, async () => {
    await rejectsWith(
      startItem(s.store, "tg-blocked"),
      "InvalidTransition",
      invalid("blocked", "doing"),
    );
    await rejectsWith(startItem(s.store, "tg-done"), "InvalidTransition", invalid("done", "doing"));
    await rejectsWith(
      completeItem(s.store, "tg-blocked"),
      "InvalidTransition",
      invalid("blocked", "done"),
    );
    await rejectsWith(
      reopenItem(s.store, "tg-blocked"),
      "InvalidTransition",
      invalid("blocked", "todo"),
    );
    await rejectsWith(reopenItem(s.store, "tg-done"), "InvalidTransition", invalid("done", "todo"));
    await rejectsWith(
      blockItem(s.store, "tg-done"),
      "InvalidTransition",
      invalid("done", "blocked"),
    );
    for (const [id, status] of [["tg-todo", "todo"], ["tg-done", "done"]]) {
      await rejectsWith(
        unblockItem(s.store, id!),
        "InvalidInput",
        `Cannot unblock: item status is '${status}', expected 'blocked'`,
      );
    }
    await rejectsWith(startItem(s.store, "tg-nope"), "ItemNotFound", "Item not found: tg-nope");
  });
});

Deno.test("completeItem() refuses a parent with active children, writing nothing", async () => {
  const s = await setup();
  await put(s, [
    withStatus("tg-p", "doing"),
    withStatus("tg-c1", "todo", { parent: "tg-p" }),
    withStatus("tg-c2", "done", { parent: "tg-p" }),
    withStatus("tg-other", "todo"),
  ]);
  await unchanged(s, () =>
    rejectsWith(
      completeItem(s.store, "tg-p"),
      "ParentHasChildren",
      "Item tg-p has children and cannot be completed: tg-c1, tg-c2",
    ));
  // A done child that is still active counts too; once it is gone, the parent completes.
  await completeItem(s.store, "tg-c1");
  await rejectsWith(
    completeItem(s.store, "tg-p"),
    "ParentHasChildren",
    "Item tg-p has children and cannot be completed: tg-c2",
  );
  await removeItem(s.store, "tg-c2");
  assert.ok((await completeItem(s.store, "tg-p")).changed);
});

// --- claims --------------------------------------------------------------------------------------------

Deno.test("startItem() with a claim sets claimed_by and claimed_at, and a lease with a TTL", async () => {
  const clock = new ManualClock();
  const s = await setup({ clock });
  await seed(s, "tg-a", "tg-b");
  const a = await startItem(s.store, "tg-a", { claim: "agent-1" });
  assert.ok(a.changed);
  assert.equal(a.item.claimed_by, "agent-1");
  assert.equal(a.item.claimed_at, clock.stamp);
  assert.equal(a.item.updated_at, clock.stamp);
  assert.equal(a.item.extensions[CLAIM_LEASE_KEY], undefined, "no TTL, no lease");
  const b = await startItem(s.store, "tg-b", { claim: "agent-2", ttl: "30m" });
  assert.ok(b.changed);
  assert.deepEqual({ ...b.item.extensions[CLAIM_LEASE_KEY] as object }, {
    agent: "agent-2",
    "claimed_at": "2026-01-01T00:00:00Z",
    "expires_at": "2026-01-01T00:30:00Z",
  });
  const c = await startItem(s.store, "tg-a", { claim: "agent-1", ttl: 90_000_000_000n });
  assert.ok(c.changed);
  assert.equal(
    (c.item.extensions[CLAIM_LEASE_KEY] as Record<string, string>)["expires_at"],
    "2026-01-01T00:01:30Z",
    "a TTL in nanoseconds",
  );
  const log = await eventLog(s.mem, s.store.eventsPath);
  assert.deepEqual(log.map((e) => [e.task_id, e.status]), [["tg-a", "doing"], ["tg-b", "doing"]]);
});

Deno.test("startItem() refuses a claim another agent holds (AlreadyClaimed)", async () => {
  const s = await setup();
  await seed(s, "tg-a");
  await startItem(s.store, "tg-a", { claim: "agent-1", ttl: "30m" });
  await unchanged(s, () =>
    rejectsWith(
      startItem(s.store, "tg-a", { claim: "agent-2" }),
      "AlreadyClaimed",
      "Already claimed by agent-1",
    ));
  const it = await s.store.getItem("tg-a");
  assert.equal(it?.claimed_by, "agent-1");
});

Deno.test("startItem() re-claim by the same agent refreshes the claim without an event", async () => {
  const clock = new ManualClock();
  const s = await setup({ clock });
  await seed(s, "tg-a");
  await startItem(s.store, "tg-a", { claim: "agent-1", ttl: "10m" });
  clock.advance(60);
  s.fs.log.length = 0;
  const r = await startItem(s.store, "tg-a", { claim: "agent-1", ttl: "10m" });
  assert.ok(r.changed);
  assert.equal(r.takeover, undefined);
  assert.equal(r.item.claimed_at, "2026-01-01T00:01:00Z");
  assert.equal(r.item.updated_at, "2026-01-01T00:01:00Z");
  assert.equal(
    (r.item.extensions[CLAIM_LEASE_KEY] as Record<string, string>)["expires_at"],
    "2026-01-01T00:11:00Z",
  );
  assert.deepEqual(s.fs.log, ["rewrite tasks.jsonl"], "no event");
  // Without a TTL the lease goes away; an unclaimed doing item is claimed the same way.
  const again = await startItem(s.store, "tg-a", { claim: "agent-1" });
  assert.ok(again.changed && again.item.extensions[CLAIM_LEASE_KEY] === undefined);
  await put(s, [withStatus("tg-free", "doing")]);
  const free = await startItem(s.store, "tg-free", { claim: "agent-2" });
  assert.ok(free.changed && free.item.claimed_by === "agent-2");
  assert.deepEqual(s.fs.log, ["rewrite tasks.jsonl"]);
  assert.equal((await eventLog(s.mem, s.store.eventsPath)).length, 1);
});

Deno.test("startItem() takes over an expired claim with a note event", async () => {
  const clock = new ManualClock();
  const s = await setup({ clock });
  await seed(s, "tg-a");
  await startItem(s.store, "tg-a", { claim: "agent-1", ttl: "10m" });
  clock.advance(9 * 60 + 59);
  await rejectsWith(
    startItem(s.store, "tg-a", { claim: "agent-2" }),
    "AlreadyClaimed",
    "Already claimed by agent-1",
  );
  clock.advance(1); // exactly at the expiry: expired
  s.fs.log.length = 0;
  const r = await startItem(s.store, "tg-a", { claim: "agent-2", ttl: "5m" });
  assert.ok(r.changed);
  assert.deepEqual(r.takeover, { from: "agent-1", expiredAt: "2026-01-01T00:10:00Z" });
  assert.equal(r.item.claimed_by, "agent-2");
  assert.equal(r.item.claimed_at, "2026-01-01T00:10:00Z");
  assert.deepEqual({ ...r.item.extensions[CLAIM_LEASE_KEY] as object }, {
    agent: "agent-2",
    "claimed_at": "2026-01-01T00:10:00Z",
    "expires_at": "2026-01-01T00:15:00Z",
  });
  assert.deepEqual(s.fs.log, ["append events.jsonl", "rewrite tasks.jsonl"]);
  const log = await eventLog(s.mem, s.store.eventsPath);
  assert.deepEqual(log.slice(1).map((e) => [e.type, e.text, e.status, e.ts]), [[
    "note",
    "Claim taken over by agent-2: the claim of agent-1 expired at 2026-01-01T00:10:00Z",
    undefined,
    "2026-01-01T00:10:00.000000Z",
  ]]);
  assert.equal((await s.store.getItem("tg-a"))?.claimed_by, "agent-2");
});

/** Gives an item's claim a lease that expires at `expiresAt`. */
async function updateLease(s: Setup, id: string, expiresAt: string): Promise<void> {
  await updateItem(s.store, id, (it) => {
    it.extensions[CLAIM_LEASE_KEY] = {
      agent: it.claimed_by!,
      "claimed_at": it.claimed_at!,
      "expires_at": expiresAt,
    };
  });
  s.fs.log.length = 0;
}

Deno.test("startItem() writes the take-over note even when the author is slow to resolve", async () => {
  const clock = new ManualClock();
  const s = await setup({
    clock,
    // Like `git config user.email` on the first event of a process.
    author: () => new Promise((resolve) => setTimeout(() => resolve("slow@example.com"), 5)),
  });
  await put(s, [
    withStatus("tg-a", "doing", { claimed_by: "agent-1", claimed_at: "2026-01-01T00:00:00Z" }),
  ]);
  await updateLease(s, "tg-a", "2026-01-01T00:00:01Z");
  clock.advance(2);
  const r = await startItem(s.store, "tg-a", { claim: "agent-2" });
  assert.ok(r.changed && r.takeover?.from === "agent-1");
  const log = await eventLog(s.mem, s.store.eventsPath);
  assert.deepEqual(log.map((e) => [e.type, e.author]), [["note", "slow@example.com"]]);
});

Deno.test("startItem() refuses a TTL without a claim and a TTL it cannot use", async () => {
  const s = await setup();
  await seed(s, "tg-a");
  await unchanged(s, async () => {
    await rejectsWith(
      startItem(s.store, "tg-a", { ttl: "30m" }),
      "InvalidInput",
      "--ttl needs --claim AGENT (only claims expire)",
    );
    await rejectsWith(
      startItem(s.store, "tg-a", { claim: "a", ttl: "soon" }),
      "InvalidInput",
      "Invalid duration 'soon': expected number at 0",
    );
    await rejectsWith(
      startItem(s.store, "tg-a", { claim: "a", ttl: "0s" }),
      "InvalidInput",
      "Invalid duration '0s': a claim TTL must be longer than zero",
    );
    await rejectsWith(
      startItem(s.store, "tg-a", { claim: "a", ttl: 0n }),
      "InvalidInput",
      "A claim TTL must be longer than zero",
    );
    await rejectsWith(
      startItem(s.store, "tg-a", { claim: "a", ttl: "100000y" }),
      "InvalidInput",
      /^Duration too large: /,
    );
  });
});

Deno.test("startItem() takes the claim TTL from config.yaml when none is given", async () => {
  const s = await setup({ clock: new ManualClock() });
  await seed(s, "tg-a", "tg-b", "tg-c");
  await s.mem.writeFile(s.store.configPath, ENC.encode("claim_ttl: 1h\n"));
  const a = await startItem(s.store, "tg-a", { claim: "agent-1" });
  assert.ok(a.changed);
  const lease = a.item.extensions[CLAIM_LEASE_KEY] as Record<string, string>;
  assert.equal(lease["claimed_at"], "2026-01-01T00:00:00Z");
  assert.equal(lease["expires_at"], "2026-01-01T01:00:00Z");
  // An explicit TTL wins; without a claim config.yaml is not used at all.
  const b = await startItem(s.store, "tg-b", { claim: "agent-1", ttl: "5m" });
  assert.ok(b.changed);
  assert.equal(
    (b.item.extensions[CLAIM_LEASE_KEY] as Record<string, string>)["expires_at"],
    "2026-01-01T00:05:00Z",
  );
  await s.mem.writeFile(s.store.configPath, ENC.encode("claim_ttl: bogus\n"));
  const c = await startItem(s.store, "tg-c");
  assert.ok(c.changed && c.item.claimed_by === null);
  await rejectsWith(
    startItem(s.store, "tg-c", { claim: "agent-1" }),
    "InvalidInput",
    "Invalid config.yaml: claim_ttl: invalid duration 'bogus': expected number at 0",
  );
});
