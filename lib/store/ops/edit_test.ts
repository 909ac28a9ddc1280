import assert from "node:assert/strict";
import { FixedClock } from "../../io/clock.ts";
import {
  item,
  lines,
  rejectsWith,
  seed,
  setup,
  START,
  withFields,
  writesNothing,
} from "../../_testing/store_fixtures.ts";
import { importItems } from "./add.ts";
import { addDependency, editItem, removeDependency } from "./edit.ts";

Deno.test("editItem() applies every change, bumps updated_at, and writes no event", async () => {
  const s = await setup({ clock: new FixedClock({ secs: START.secs + 60, nanos: 0 }) });
  const old = item("tg-old");
  old.status = "done";
  await importItems(s.store, {
    active: [
      withFields("tg-a", { tags: ["keep", "drop"], dependencies: ["tg-b", "tg-c"] }),
      item("tg-b"),
      item("tg-c"),
      item("tg-p"),
    ],
    archived: [old],
  });
  s.fs.log.length = 0;
  const edited = await editItem(s.store, {
    id: "a", // typed input, resolved in the active scope
    title: "New title",
    priority: -2n,
    description: "Described",
    rmDeps: ["tg-b", "c"],
    addDeps: ["old", "tg-b"],
    addTags: ["new", "keep"],
    rmTags: ["drop"],
    sets: ["x-phase=build", "x-n=3"],
    parent: "p",
  });
  assert.equal(edited.id, "tg-a");
  assert.equal(edited.title, "New title");
  assert.equal(edited.priority, -2n);
  assert.equal(edited.description, "Described");
  assert.deepEqual(edited.dependencies, ["tg-old", "tg-b"]);
  assert.deepEqual(edited.tags, ["keep", "new"]);
  assert.deepEqual({ ...edited.extensions }, { "x-phase": "build", "x-n": 3n });
  assert.equal(edited.parent, "tg-p");
  assert.equal(edited.created_at, "2026-01-01T00:00:00Z");
  assert.equal(edited.updated_at, "2026-01-01T00:01:00Z");
  assert.deepEqual(s.fs.log, ["rewrite tasks.jsonl"]);
  assert.equal(await s.mem.readFile(s.store.eventsPath), null);
  assert.deepEqual(await s.store.getItem("tg-a"), edited);
});

Deno.test("editItem() without changes still bumps updated_at and rewrites", async () => {
  const s = await setup({ clock: new FixedClock({ secs: START.secs + 60, nanos: 0 }) });
  await seed(s, "tg-a", "tg-b");
  const before = await lines(s.mem, s.store.tasksPath);
  const it = await editItem(s.store, { id: "tg-a" });
  assert.equal(it.updated_at, "2026-01-01T00:01:00Z");
  const after = await lines(s.mem, s.store.tasksPath);
  assert.deepEqual(s.fs.log, ["rewrite tasks.jsonl"]);
  assert.equal(
    after[1],
    before[1]!.replace(
      '"updated_at":"2026-01-01T00:00:00Z"',
      '"updated_at":"2026-01-01T00:01:00Z"',
    ),
  );
  assert.equal(after[2], before[2], "other lines stay as they were");
});

Deno.test("editItem() clears the parent", async () => {
  const s = await setup();
  await importItems(s.store, { active: [item("tg-p"), withFields("tg-c", { parent: "tg-p" })] });
  const it = await editItem(s.store, { id: "tg-c", parentClear: true });
  assert.equal(it.parent, null);
  assert.equal((await s.store.getItem("tg-c"))?.parent, null);
});

Deno.test("editItem() checks every change first and writes nothing when one fails", async () => {
  const s = await setup();
  const old = item("tg-old");
  old.status = "done";
  await importItems(s.store, {
    active: [
      withFields("tg-a", { dependencies: ["tg-b"] }),
      item("tg-b"),
      withFields("tg-c", { parent: "tg-a" }),
    ],
    archived: [old],
  });
  await writesNothing(s, async () => {
    await rejectsWith(
      editItem(s.store, { id: "tg-a", title: "Fine", addDeps: ["tg-a"] }),
      "InvalidInput",
      "Item cannot depend on itself: tg-a",
    );
    await rejectsWith(
      editItem(s.store, { id: "tg-b", addTags: ["t"], addDeps: ["tg-a"] }),
      "CycleDetected",
      "Dependency cycle detected: Adding dependency tg-b -> tg-a would create a cycle",
    );
    await rejectsWith(
      editItem(s.store, { id: "tg-a", parent: "tg-a" }),
      "ParentSelfReference",
      "Item tg-a cannot be its own parent",
    );
    await rejectsWith(
      editItem(s.store, { id: "tg-a", parent: "tg-c" }),
      "ParentCycle",
      "Parent cycle detected among: tg-a, tg-c",
    );
    await rejectsWith(
      editItem(s.store, { id: "tg-a", parent: "tg-old" }),
      "ItemNotFound",
      "Item not found: tg-old",
    );
    await rejectsWith(
      editItem(s.store, { id: "tg-a", rmDeps: ["tg-gone"] }),
      "ItemNotFound",
      "Item not found: tg-gone",
    );
    await rejectsWith(
      editItem(s.store, { id: "tg-a", sets: ["=1"] }),
      "InvalidInput",
      "Extension key cannot be empty",
    );
    await rejectsWith(
      editItem(s.store, { id: "tg-old", title: "x" }),
      "ItemNotFound",
      "Item not found: tg-old",
    );
    await rejectsWith(
      editItem(s.store, { id: "tg-a", title: "" }),
      "InvalidInput",
      "Title cannot be empty",
    );
  });
});

Deno.test("addDependency() and removeDependency() are edits of one dependency", async () => {
  const s = await setup();
  await seed(s, "tg-a", "tg-b");
  const added = await addDependency(s.store, "a", "b");
  assert.deepEqual(added.dependencies, ["tg-b"]);
  const again = await addDependency(s.store, "tg-a", "tg-b");
  assert.deepEqual(again.dependencies, ["tg-b"], "an existing dependency is skipped");
  await rejectsWith(
    addDependency(s.store, "tg-b", "tg-a"),
    "CycleDetected",
    "Dependency cycle detected: Adding dependency tg-b -> tg-a would create a cycle",
  );
  const removed = await removeDependency(s.store, "tg-a", "b");
  assert.deepEqual(removed.dependencies, []);
  assert.deepEqual((await s.store.getItem("tg-a"))?.dependencies, []);
  assert.equal(await s.mem.readFile(s.store.eventsPath), null);
});
