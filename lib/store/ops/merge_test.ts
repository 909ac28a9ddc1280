import assert from "node:assert/strict";
import { FixedClock } from "../../io/clock.ts";
import { detectAllParentCycles } from "../graph.ts";
import type { Item } from "../item.ts";
import {
  eventLog,
  item,
  rejectsWith,
  seed,
  type Setup,
  setup,
  START,
  withFields,
  writesNothing,
} from "../../_testing/store_fixtures.ts";
import { importItems } from "./add.ts";
import { mergeItem } from "./merge.ts";
import { startItem } from "./status.ts";

/** A clock a minute after the seeded items' timestamps. */
const LATER = new FixedClock({ secs: START.secs + 60, nanos: 0 });

async function active(s: Setup): Promise<Map<string, Item>> {
  return new Map((await s.store.loadActive()).map((it) => [it.id, it]));
}

Deno.test("mergeItem() unites dependencies and tags without references to either item", async () => {
  const s = await setup({ clock: LATER });
  await importItems(s.store, {
    active: [
      withFields("tg-s", { tags: ["auth", "ui"], dependencies: ["tg-d1", "tg-t", "tg-d2"] }),
      withFields("tg-t", { tags: ["ui", "core"], dependencies: ["tg-d2", "tg-s"] }),
      item("tg-d1"),
      item("tg-d2"),
    ],
  });
  const { source, target } = await mergeItem(s.store, "tg-s", "tg-t");
  assert.equal(source.id, "tg-s");
  assert.deepEqual(target.tags, ["ui", "core", "auth"]);
  assert.deepEqual(target.dependencies, ["tg-d2", "tg-d1"]);
  assert.equal(target.updated_at, "2026-01-01T00:01:00Z");
  const saved = await active(s);
  assert.deepEqual(saved.get("tg-t"), target);
  assert.deepEqual([...saved.keys()], ["tg-d1", "tg-d2", "tg-t"]);
});

Deno.test("mergeItem() makes dependents stop depending on the source", async () => {
  const s = await setup({ clock: LATER });
  await importItems(s.store, {
    active: [
      item("tg-s"),
      item("tg-t"),
      withFields("tg-x", { dependencies: ["tg-s", "tg-y"] }),
      withFields("tg-y", { dependencies: ["tg-s"] }),
      withFields("tg-z", { title: 'says "tg-s" in its title' }),
    ],
  });
  await mergeItem(s.store, "tg-s", "tg-t");
  const saved = await active(s);
  assert.deepEqual(saved.get("tg-x")!.dependencies, ["tg-y"]);
  assert.deepEqual(saved.get("tg-y")!.dependencies, []);
  assert.equal(saved.get("tg-x")!.updated_at, "2026-01-01T00:01:00Z");
  assert.deepEqual(saved.get("tg-z"), withFields("tg-z", { title: 'says "tg-s" in its title' }));
});

Deno.test("mergeItem() moves the source's children to the target", async () => {
  const s = await setup();
  await importItems(s.store, {
    active: [
      withFields("tg-s", { parent: "tg-g" }),
      item("tg-g"),
      item("tg-t"),
      withFields("tg-c1", { parent: "tg-s" }),
      withFields("tg-c2", { parent: "tg-s" }),
      withFields("tg-other", { parent: "tg-g" }),
    ],
  });
  await mergeItem(s.store, "tg-s", "tg-t");
  const saved = await active(s);
  assert.equal(saved.get("tg-c1")!.parent, "tg-t");
  assert.equal(saved.get("tg-c2")!.parent, "tg-t");
  assert.equal(saved.get("tg-other")!.parent, "tg-g");
  assert.equal(saved.get("tg-t")!.parent, null);
});

Deno.test("mergeItem() gives a target below the source the source's parent", async () => {
  const s = await setup();
  await importItems(s.store, {
    active: [
      withFields("tg-s", { parent: "tg-g" }),
      item("tg-g"),
      withFields("tg-t", { parent: "tg-s" }),
      withFields("tg-c", { parent: "tg-s" }),
    ],
  });
  await mergeItem(s.store, "tg-s", "tg-t");
  const saved = await active(s);
  assert.equal(saved.get("tg-t")!.parent, "tg-g");
  assert.equal(saved.get("tg-c")!.parent, "tg-t");
});

Deno.test("mergeItem() does not make a parent cycle when the target is deeper below the source", async () => {
  const s = await setup();
  await importItems(s.store, {
    active: [
      item("tg-s"),
      withFields("tg-c", { parent: "tg-s" }), // the child on the way down to the target
      withFields("tg-t", { parent: "tg-c" }),
      withFields("tg-k", { parent: "tg-s" }),
    ],
  });
  await mergeItem(s.store, "tg-s", "tg-t");
  const items = await s.store.loadActive();
  assert.deepEqual(detectAllParentCycles(items), []);
  const saved = await active(s);
  assert.equal(saved.get("tg-c")!.parent, null, "it takes the source's parent");
  assert.equal(saved.get("tg-t")!.parent, "tg-c");
  assert.equal(saved.get("tg-k")!.parent, "tg-t");
});

Deno.test("mergeItem() archives the source as it is, with its events and both notes", async () => {
  const s = await setup();
  await seed(s, "tg-s", "tg-t", "tg-u");
  await startItem(s.store, "tg-s", { claim: "agent-1" });
  await startItem(s.store, "tg-u");
  s.fs.log.length = 0;
  const { source } = await mergeItem(s.store, "tg-s", "tg-t");
  assert.equal(source.status, "doing", "status unchanged");
  assert.equal(source.claimed_by, "agent-1");
  assert.deepEqual(s.fs.log, [
    "append events.jsonl",
    "append events.jsonl",
    "append archive.jsonl",
    "rewrite tasks.jsonl",
    "append events.archive.jsonl",
    "append events.archive.jsonl",
    "rewrite events.jsonl",
  ]);
  assert.deepEqual((await s.store.loadArchive()).map((it) => [it.id, it.status]), [[
    "tg-s",
    "doing",
  ]]);
  assert.deepEqual(
    (await eventLog(s.mem, s.store.eventsArchivePath)).map((
      e,
    ) => [e.task_id, e.type, e.status ?? e.text]),
    [["tg-s", "status_transition", "doing"], ["tg-s", "note", "Merged into tg-t"]],
  );
  assert.deepEqual(
    (await eventLog(s.mem, s.store.eventsPath)).map((e) => [e.task_id, e.type, e.status ?? e.text]),
    [["tg-u", "status_transition", "doing"], ["tg-t", "note", "Merged tg-s into this item"]],
  );
});

Deno.test("mergeItem() runs combine first and saves what it changed", async () => {
  const s = await setup();
  await importItems(s.store, {
    active: [
      withFields("tg-s", { description: "from the source", tags: ["a"] }),
      withFields("tg-t", { description: "target" }),
    ],
  });
  const seen: string[] = [];
  await mergeItem(s.store, "tg-s", "tg-t", {
    combine: (source, target) => {
      seen.push(`${source.id}->${target.id}`, target.tags.join(","));
      target.description = `${target.description}\n${source.description}`;
      target.extensions["x-merged"] = source.id;
    },
  });
  assert.deepEqual(seen, ["tg-s->tg-t", ""], "before the store's own steps");
  const t = await s.store.getItem("tg-t");
  assert.equal(t?.description, "target\nfrom the source");
  assert.equal(t?.extensions["x-merged"], "tg-s");
  assert.deepEqual(t?.tags, ["a"]);
});

Deno.test("mergeItem() refuses a self-merge and missing items, writing nothing", async () => {
  const s = await setup();
  const old = withFields("tg-old", { status: "done" });
  await importItems(s.store, { active: [item("tg-a"), item("tg-b")], archived: [old] });
  await writesNothing(s, async () => {
    await rejectsWith(
      mergeItem(s.store, "tg-a", "tg-a"),
      "InvalidInput",
      "Cannot merge item tg-a into itself",
    );
    await rejectsWith(
      mergeItem(s.store, "tg-x", "tg-a"),
      "ItemNotFound",
      "Item not found: Source item tg-x not found",
    );
    await rejectsWith(
      mergeItem(s.store, "tg-a", "tg-y"),
      "ItemNotFound",
      "Item not found: Target item tg-y not found",
    );
    await rejectsWith(
      mergeItem(s.store, "tg-old", "tg-a"),
      "ItemNotFound",
      /Source item tg-old not found/,
    );
    await rejectsWith(mergeItem(s.store, "a", "tg-b"), "ItemNotFound", /Source item a not found/);
    await assert.rejects(
      mergeItem(s.store, "tg-a", "tg-b", {
        combine: () => {
          throw new Error("cannot combine");
        },
      }),
      /cannot combine/,
    );
  });
  assert.equal(await s.mem.readFile(s.store.eventsPath), null);
});
