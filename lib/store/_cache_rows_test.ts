import assert from "node:assert/strict";
import { TaskStoreError } from "./errors.ts";
import { type Item, newItem } from "./item.ts";
import type { Status } from "./status.ts";
import { type CacheCell, cacheRows, checkCacheable, ROW_WIDTH } from "./_cache_rows.ts";

interface Spec {
  status?: Status;
  deps?: string[];
  tags?: string[];
  parent?: string | null;
}

function it(id: string, spec: Spec = {}): Item {
  const item = newItem(id, `Title ${id}`, "2026-01-01T00:00:00.120Z", {
    dependencies: spec.deps ?? [],
    tags: spec.tags ?? [],
  });
  item.status = spec.status ?? "todo";
  item.parent = spec.parent ?? null;
  return item;
}

/** task_view rows as objects, keyed by ID. */
function view(items: Item[], archived: string[] = []): Map<string, Record<string, CacheCell>> {
  const { view } = cacheRows(items, new Set(archived));
  const cols = ["id", "title", "status", "priority", "parent", "depth", "ready", "unmet"];
  const out = new Map<string, Record<string, CacheCell>>();
  for (let i = 0; i < view.length; i += ROW_WIDTH.view) {
    const row = Object.fromEntries(cols.map((c, k) => [c, view[i + k]!]));
    out.set(row.id as string, row);
  }
  return out;
}

function storeError(fn: () => unknown): TaskStoreError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof TaskStoreError, `expected TaskStoreError, got ${e}`);
    return e;
  }
  assert.fail("no error");
}

Deno.test("cacheRows() counts archived and active done dependencies as met", () => {
  const v = view([
    it("tg-a", { deps: ["tg-old"] }),
    it("tg-b", { deps: ["tg-d"] }),
    it("tg-c", { deps: ["tg-ghost", "tg-old"] }),
    it("tg-d", { status: "done" }),
    it("tg-e", { deps: ["tg-a"] }),
  ], ["tg-old"]);
  assert.deepEqual([v.get("tg-a")!.ready, v.get("tg-a")!.unmet], [1, 0]);
  assert.deepEqual([v.get("tg-b")!.ready, v.get("tg-b")!.unmet], [1, 0]);
  assert.deepEqual([v.get("tg-c")!.ready, v.get("tg-c")!.unmet], [0, 1]);
  assert.deepEqual([v.get("tg-d")!.ready, v.get("tg-d")!.unmet], [0, 0]);
  assert.deepEqual([v.get("tg-e")!.ready, v.get("tg-e")!.unmet], [0, 1]);
});

Deno.test("cacheRows() never marks a non-todo item ready", () => {
  const v = view([it("tg-a", { status: "doing" }), it("tg-b", { status: "blocked" })]);
  assert.equal(v.get("tg-a")!.ready, 0);
  assert.equal(v.get("tg-b")!.ready, 0);
});

Deno.test("cacheRows() writes each tag and dependency once per task", () => {
  const rows = cacheRows(
    [it("tg-a", { tags: ["x", "y", "x"], deps: ["tg-b", "tg-b", "tg-ghost"] }), it("tg-b")],
    new Set(),
  );
  assert.deepEqual(rows.tags, ["tg-a", "x", "tg-a", "y"]);
  assert.deepEqual(rows.deps, ["tg-a", "tg-b", "tg-a", "tg-ghost"]);
  assert.equal(view([it("tg-a", { deps: ["tg-g", "tg-g"] })]).get("tg-a")!.unmet, 1);
});

Deno.test("cacheRows() depth: 0 for roots and dangling parents, one per level, capped at 64", () => {
  const items = [it("tg-orphan", { parent: "tg-gone" }), it("tg-kid", { parent: "tg-orphan" })];
  for (let k = 0; k < 70; k++) {
    items.push(it(`tg-c${String(k).padStart(2, "0")}`, {
      parent: k === 0 ? null : `tg-c${String(k - 1).padStart(2, "0")}`,
    }));
  }
  items.reverse(); // children before parents in input order
  const v = view(items);
  assert.equal(v.get("tg-orphan")!.depth, 0);
  assert.equal(v.get("tg-kid")!.depth, 1);
  assert.equal(v.get("tg-c00")!.depth, 0);
  assert.equal(v.get("tg-c01")!.depth, 1);
  assert.equal(v.get("tg-c63")!.depth, 63);
  assert.equal(v.get("tg-c64")!.depth, 64);
  assert.equal(v.get("tg-c69")!.depth, 64);
});

Deno.test("cacheRows() stores timestamps with a +00:00 offset and priority as bigint", () => {
  const a = it("tg-a");
  a.priority = -9223372036854775808n;
  a.claimed_at = "2026-02-03T04:05:06Z";
  const { tasks } = cacheRows([a], new Set());
  assert.equal(tasks.length, ROW_WIDTH.tasks);
  assert.equal(tasks[3], -9223372036854775808n);
  assert.equal(tasks[6], "2026-01-01T00:00:00.120+00:00");
  assert.equal(tasks[7], "2026-01-01T00:00:00.120+00:00");
  assert.equal(tasks[11], "2026-02-03T04:05:06+00:00");
});

Deno.test("checkCacheable() refuses duplicate IDs, dependency cycles and parent cycles", () => {
  const dup = storeError(() => checkCacheable([it("tg-a"), it("tg-b"), it("tg-a")]));
  assert.equal(dup.code, "StorageCorruption");
  assert.equal(dup.message, "Storage corruption: duplicate task id in tasks.jsonl: tg-a");
  assert.equal(dup.exitCode, 2);

  const cyc = storeError(() =>
    checkCacheable([
      it("tg-a", { deps: ["tg-b"] }),
      it("tg-b", { deps: ["tg-c"] }),
      it("tg-c", { deps: ["tg-a"] }),
      it("tg-d", { deps: ["tg-d"] }),
    ])
  );
  assert.equal(cyc.code, "CycleDetected");
  assert.equal(
    cyc.message,
    "Dependency cycle detected: dependency cycle(s) in tasks.jsonl: tg-a -> tg-b -> tg-c; tg-d " +
      "(run `tg doctor --fix` to repair)",
  );

  const par = storeError(() =>
    checkCacheable([
      it("tg-a", { parent: "tg-b" }),
      it("tg-b", { parent: "tg-a" }),
      it("tg-e", { parent: "tg-e" }),
    ])
  );
  assert.equal(par.code, "ParentCycle");
  assert.equal(par.message, "Parent cycle detected among: tg-a, tg-b, tg-e");
  assert.equal(par.exitCode, 1);

  checkCacheable([it("tg-a", { deps: ["tg-b"], parent: "tg-b" }), it("tg-b")]);
});
