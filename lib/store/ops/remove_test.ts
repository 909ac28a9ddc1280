import assert from "node:assert/strict";
import {
  eventLog,
  item,
  lines,
  rejectsWith,
  seed,
  setup,
  withFields,
  writesNothing,
} from "../../_testing/store_fixtures.ts";
import { importItems } from "./add.ts";
import { removeItem } from "./remove.ts";
import { startItem } from "./status.ts";

const DEPENDED_ON =
  "Use --force to remove anyway, or --force --clear-deps to also remove this ID " +
  "from dependents' dep lists";

Deno.test("removeItem() drops the item, writes no event, and leaves its events", async () => {
  const s = await setup();
  await seed(s, "tg-abc", "tg-b");
  await startItem(s.store, "tg-abc");
  const before = await lines(s.mem, s.store.tasksPath);
  s.fs.log.length = 0;
  assert.deepEqual(await removeItem(s.store, "ab"), { id: "tg-abc", clearedDepsFrom: [] });
  assert.deepEqual(s.fs.log, ["rewrite tasks.jsonl"]);
  assert.deepEqual(await lines(s.mem, s.store.tasksPath), [before[0], before[2]]);
  assert.deepEqual(await s.store.loadArchive(), [], "not archived");
  assert.deepEqual((await eventLog(s.mem, s.store.eventsPath)).map((e) => e.task_id), ["tg-abc"]);
});

Deno.test("removeItem() refuses an item with active children, even with force", async () => {
  const s = await setup();
  await importItems(s.store, {
    active: [
      item("tg-p"),
      withFields("tg-c1", { parent: "tg-p" }),
      withFields("tg-c2", { parent: "tg-p", status: "done" }),
    ],
  });
  await writesNothing(s, async () => {
    for (const options of [{}, { force: true }, { force: true, clearDeps: true }]) {
      await rejectsWith(
        removeItem(s.store, "tg-p", options),
        "ParentHasChildren",
        "Item tg-p has children and cannot be removed: tg-c1, tg-c2",
      );
    }
  });
});

Deno.test("removeItem() refuses an item others depend on unless forced", async () => {
  const s = await setup();
  await importItems(s.store, {
    active: [
      item("tg-a"),
      withFields("tg-b", { dependencies: ["tg-a"] }),
      withFields("tg-c", { dependencies: ["tg-x", "tg-a"] }),
    ],
  });
  await writesNothing(s, async () => {
    for (const options of [{}, { clearDeps: true }]) {
      await rejectsWith(
        removeItem(s.store, "tg-a", options),
        "DependentExists",
        `Item tg-a is depended on by: tg-b, tg-c. ${DEPENDED_ON}`,
      );
    }
  });
  // --force alone leaves the references dangling.
  const forced = await removeItem(s.store, "tg-a", { force: true });
  assert.deepEqual(forced, { id: "tg-a", clearedDepsFrom: [] });
  const left = await s.store.loadActive();
  assert.deepEqual(left.map((it) => [it.id, it.dependencies]), [
    ["tg-b", ["tg-a"]],
    ["tg-c", ["tg-x", "tg-a"]],
  ]);
});

Deno.test("removeItem() with force and clearDeps clears the dependents' lists", async () => {
  const s = await setup();
  await importItems(s.store, {
    active: [
      item("tg-a"),
      withFields("tg-b", { dependencies: ["tg-a"], updated_at: "2025-06-01T00:00:00Z" }),
      withFields("tg-c", { dependencies: ["tg-x", "tg-a"] }),
      withFields("tg-d", { dependencies: ["tg-x"] }),
    ],
  });
  const before = await lines(s.mem, s.store.tasksPath);
  const r = await removeItem(s.store, "tg-a", { force: true, clearDeps: true });
  assert.deepEqual(r, { id: "tg-a", clearedDepsFrom: ["tg-b", "tg-c"] });
  const left = await s.store.loadActive();
  assert.deepEqual(left.map((it) => [it.id, it.dependencies, it.updated_at]), [
    ["tg-b", [], "2025-06-01T00:00:00Z"], // updated_at is not bumped
    ["tg-c", ["tg-x"], "2026-01-01T00:00:00Z"],
    ["tg-d", ["tg-x"], "2026-01-01T00:00:00Z"],
  ]);
  assert.equal((await lines(s.mem, s.store.tasksPath))[3], before[4], "tg-d stays as it was");
  assert.equal(await s.mem.readFile(s.store.eventsPath), null);
});

Deno.test("removeItem() does not see archived items", async () => {
  const s = await setup();
  const old = item("tg-old");
  old.status = "done";
  await importItems(s.store, { archived: [old] });
  await writesNothing(
    s,
    () => rejectsWith(removeItem(s.store, "tg-old"), "ItemNotFound", "Item not found: tg-old"),
  );
});
