import assert from "node:assert/strict";
import { TaskStoreError } from "./errors.ts";
import {
  checkNewDependency,
  comparePriorityThenCreated,
  computeReadyQueue,
  detectAllCycles,
  detectAllParentCycles,
  reparent,
  sortByPriority,
  validateParent,
  wouldCreateCycle,
} from "./graph.ts";
import { type Item, newItem } from "./item.ts";
import type { Status } from "./status.ts";

interface Spec {
  status?: Status;
  deps?: string[];
  priority?: bigint;
  created?: string;
  parent?: string | null;
}

function it(id: string, spec: Spec = {}): Item {
  const item = newItem(id, id, spec.created ?? "2026-01-01T00:00:00Z", {
    dependencies: spec.deps ?? [],
    priority: spec.priority ?? 0n,
  });
  item.status = spec.status ?? "todo";
  item.parent = spec.parent ?? null;
  return item;
}

function ids(items: readonly Item[]): string[] {
  return items.map((i) => i.id);
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

// --- readiness: tg.md §2.9 ---------------------------------------------------------

Deno.test("computeReadyQueue() counts an archived dependency as met", () => {
  const q = computeReadyQueue([it("tg-a", { deps: ["tg-old"] })], new Set(["tg-old"]));
  assert.deepEqual(ids(q.ready), ["tg-a"]);
  assert.deepEqual(q.warnings, []);
});

Deno.test("computeReadyQueue() counts an active done dependency as met", () => {
  const q = computeReadyQueue(
    [it("tg-a", { deps: ["tg-d"] }), it("tg-d", { status: "done" })],
    new Set(),
  );
  assert.deepEqual(ids(q.ready), ["tg-a"]);
});

Deno.test("computeReadyQueue() treats active todo, doing and blocked dependencies as unmet", () => {
  for (const status of ["todo", "doing", "blocked"] as const) {
    const q = computeReadyQueue(
      [it("tg-a", { deps: ["tg-d"] }), it("tg-d", { status })],
      new Set(),
    );
    assert.deepEqual(ids(q.ready), status === "todo" ? ["tg-d"] : [], status);
    assert.deepEqual(q.warnings, [], "no warning: the dependency exists");
  }
});

Deno.test("computeReadyQueue() warns once per item about a dependency found nowhere", () => {
  const q = computeReadyQueue(
    [
      it("tg-a", { deps: ["tg-gone", "tg-gone2"] }),
      it("tg-b", { deps: ["tg-gone"] }),
      it("tg-c", { deps: ["tg-a", "tg-gone"] }),
    ],
    new Set(),
  );
  assert.deepEqual(ids(q.ready), []);
  assert.deepEqual(q.warnings, [
    "Warning: item tg-a has unmet dependency 'tg-gone' (not found in active or archive)",
    "Warning: item tg-b has unmet dependency 'tg-gone' (not found in active or archive)",
  ]);
});

Deno.test("computeReadyQueue() stops at the first unmet dependency", () => {
  // tg-x exists (todo), so the scan stops there and the absent one is never reached.
  const q = computeReadyQueue([it("tg-a", { deps: ["tg-x", "tg-gone"] }), it("tg-x")], new Set());
  assert.deepEqual(q.warnings, []);
  // After met dependencies, the absent one is reached.
  const r = computeReadyQueue([it("tg-a", { deps: ["tg-old", "tg-gone"] })], new Set(["tg-old"]));
  assert.deepEqual(r.warnings, [
    "Warning: item tg-a has unmet dependency 'tg-gone' (not found in active or archive)",
  ]);
});

Deno.test("computeReadyQueue() lists only todo items", () => {
  const q = computeReadyQueue(
    [
      it("tg-a", { status: "doing" }),
      it("tg-b", { status: "blocked" }),
      it("tg-c", { status: "done" }),
      it("tg-d"),
    ],
    new Set(),
  );
  assert.deepEqual(ids(q.ready), ["tg-d"]);
});

Deno.test("computeReadyQueue() orders by priority desc, then created_at asc, stably", () => {
  const q = computeReadyQueue(
    [
      it("tg-1", { priority: 0n, created: "2026-01-02T00:00:00Z" }),
      it("tg-2", { priority: 5n, created: "2026-01-03T00:00:00Z" }),
      it("tg-3", { priority: 0n, created: "2026-01-01T00:00:00.5Z" }),
      it("tg-4", { priority: -1n, created: "2026-01-01T00:00:00Z" }),
      it("tg-5", { priority: 0n, created: "2026-01-01T00:00:00.5Z" }),
      it("tg-6", { priority: 5n, created: "2026-01-03T00:00:00Z" }),
      it("tg-7", { priority: 0n, created: "2026-01-01T00:00:00Z" }),
      it("tg-8", { priority: 9223372036854775807n, created: "2030-01-01T00:00:00Z" }),
    ],
    new Set(),
  );
  assert.deepEqual(ids(q.ready), ["tg-8", "tg-2", "tg-6", "tg-7", "tg-3", "tg-5", "tg-1", "tg-4"]);
});

Deno.test("sortByPriority() compares created_at as instants, not strings", () => {
  // As strings, "…00Z" sorts after "…00.5Z" ('Z' > '.'), which is wrong.
  const a = it("tg-a", { created: "2026-01-01T00:00:00.500Z" });
  const b = it("tg-b", { created: "2026-01-01T00:00:00Z" });
  assert.deepEqual(ids(sortByPriority([a, b])), ["tg-b", "tg-a"]);
  assert.ok(comparePriorityThenCreated(b, a) < 0);
  assert.ok(comparePriorityThenCreated(it("x", { priority: 2n }), it("y", { priority: 1n })) < 0);
  assert.equal(comparePriorityThenCreated(it("x"), it("y")), 0);
});

Deno.test("sortByPriority() orders like a stable sort by comparePriorityThenCreated()", () => {
  let seed = 7;
  const rand = (n: number) => { // mulberry32
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
  const fractions = ["", ".500", ".123456", ".000001", ".999999999", ".100000001"];
  const cases: Item[][] = [];
  for (let c = 0; c < 200; c++) {
    const n = rand(40);
    const manyPriorities = c % 10 === 9; // more than fit in one key character
    const items: Item[] = [];
    for (let i = 0; i < n; i++) {
      const priority = manyPriorities
        ? BigInt(i * 7 - 100)
        : c % 7 === 0
        ? [9223372036854775807n, -9223372036854775808n, 0n][rand(3)]!
        : BigInt(rand(4) - 1);
      const fraction = c % 3 === 0 ? ".25" : fractions[rand(fractions.length)]!;
      const created = `2026-01-0${1 + rand(2)}T00:00:0${rand(2)}${fraction}Z`;
      items.push(it(`tg-${c}-${i}`, { priority, created }));
    }
    cases.push(items);
  }
  const pad = (v: number, w: number) => String(v).padStart(w, "0");
  // From 4096 items on, numeric keys are sorted. Times from year 0 to 9999
  // leave few bits for nanoseconds there: close ones share a key.
  for (let c = 0; c < 12; c++) {
    const items: Item[] = [];
    for (let i = 0; i < 5000; i++) {
      const year = c % 2 === 0 ? [1, 9999][rand(2)]! : rand(10000);
      const second = ["59", "60", "00"][rand(3)];
      const fraction = [".000000001", ".000000002", ".999999999", ".500", ""][rand(5)];
      const created = `${pad(year, 4)}-12-31T23:59:${second}${fraction}Z`;
      const priority = BigInt(c % 3 === 2 ? rand(300) : rand(3));
      items.push(it(`tg-w${c}-${i}`, { priority, created }));
    }
    cases.push(items);
  }
  // many distinct priorities
  cases.push(Array.from({ length: 300 }, (_, i) => it(`tg-p${i}`, { priority: BigInt(i % 250) })));
  // many items in the same second
  cases.push(
    Array.from(
      { length: 5000 },
      (_, i) =>
        it(`tg-s${i}`, { created: `2026-01-01T00:00:00.${String(i % 700).padStart(3, "0")}Z` }),
    ),
  );
  // not canonical (the comparator's view of it is kept)
  cases.push([
    it("tg-x", { created: "2026-01-01T00:00:00+00:00" }),
    it("tg-y", { created: "2026-01-01T00:00:00.5Z" }),
  ]);
  cases.push([
    it("tg-x", { created: "2026-01-01T00:00:00.500Z" }),
    it("tg-y", { created: "2026-01-01T00:00:00.5Z" }),
    it("tg-z", { created: "2026-01-01T00:00:00.4Z" }),
  ]);
  cases.push([
    it("tg-x", { created: "2026-01-01T00:00:00.5x0Z" }),
    it("tg-y", { created: "2026-01-01T00:00:00.500Z" }),
    it("tg-z", { created: "2026-01-01T00:00:00.400Z" }),
  ]);
  for (const items of cases) {
    const expected = [...items].sort(comparePriorityThenCreated);
    const before = ids(items);
    assert.deepEqual(ids(sortByPriority(items)), ids(expected));
    assert.deepEqual(ids(items), before, "the input is not reordered");
  }
});

// --- dependency cycles -------------------------------------------------------------------

Deno.test("wouldCreateCycle() finds paths from the new dependency back to the source", () => {
  const items = [it("a", { deps: ["b"] }), it("b", { deps: ["c"] }), it("c"), it("d")];
  assert.equal(wouldCreateCycle(items, "c", "a"), true);
  assert.equal(wouldCreateCycle(items, "c", "b"), true);
  assert.equal(wouldCreateCycle(items, "a", "c"), false);
  assert.equal(wouldCreateCycle(items, "d", "a"), false);
  assert.equal(wouldCreateCycle(items, "a", "a"), true);
  // Dependencies on unknown IDs are dead ends, not errors.
  assert.equal(wouldCreateCycle([it("a", { deps: ["ghost"] })], "b", "a"), false);
});

Deno.test("checkNewDependency() throws CycleDetected with the upstream text", () => {
  const items = [it("tg-a", { deps: ["tg-b"] }), it("tg-b")];
  const e = storeError(() => checkNewDependency(items, "tg-b", "tg-a"));
  assert.equal(e.code, "CycleDetected");
  assert.equal(e.exitCode, 1);
  assert.equal(
    e.message,
    "Dependency cycle detected: Adding dependency tg-b -> tg-a would create a cycle",
  );
  assert.doesNotThrow(() => checkNewDependency(items, "tg-a", "tg-b"));
});

Deno.test("detectAllCycles() reports every dependency cycle, self-loops included", () => {
  const items = [
    it("a", { deps: ["b"] }),
    it("b", { deps: ["a"] }),
    it("c", { deps: ["c"] }),
    it("d", { deps: ["e", "ghost"] }),
    it("e"),
  ];
  assert.deepEqual(detectAllCycles(items), [["a", "b"], ["c"]]);
  assert.deepEqual(detectAllCycles([it("x"), it("y", { deps: ["x"] })]), []);
});

// --- parents: tg.md §2.8 ------------------------------------------------------------------

Deno.test("validateParent() rejects the item itself", () => {
  const e = storeError(() => validateParent([it("tg-a")], "tg-a", "tg-a"));
  assert.equal(e.code, "ParentSelfReference");
  assert.equal(e.exitCode, 1);
  assert.equal(e.message, "Item tg-a cannot be its own parent");
});

Deno.test("validateParent() rejects a parent that is not active", () => {
  const e = storeError(() => validateParent([it("tg-a")], "tg-a", "tg-archived"));
  assert.equal(e.code, "ParentDangling");
  assert.equal(e.exitCode, 1);
  assert.equal(e.message, "Parent 'tg-archived' for item tg-a not found in active items");
});

Deno.test("validateParent() names only the two IDs of a cycle, whatever its length", () => {
  const items = [
    it("tg-a"),
    it("tg-b", { parent: "tg-a" }),
    it("tg-c", { parent: "tg-b" }),
    it("tg-d", { parent: "tg-c" }),
  ];
  const e = storeError(() => validateParent(items, "tg-a", "tg-d"));
  assert.equal(e.code, "ParentCycle");
  assert.equal(e.exitCode, 1);
  assert.equal(e.message, "Parent cycle detected among: tg-a, tg-d");
  assert.doesNotThrow(() => validateParent(items, "tg-d", "tg-a"));
  assert.equal(
    storeError(() => validateParent(items, "tg-b", "tg-d")).message,
    "Parent cycle detected among: tg-b, tg-d",
  );
});

Deno.test("validateParent() terminates on an existing parent loop", () => {
  const items = [it("x", { parent: "y" }), it("y", { parent: "x" }), it("z")];
  assert.doesNotThrow(() => validateParent(items, "z", "x"));
});

Deno.test("reparent() sets or clears the parent and bumps updated_at", () => {
  const items = [it("tg-a"), it("tg-b")];
  reparent(items, "tg-b", "tg-a", "2026-02-01T00:00:00Z");
  assert.equal(items[1]!.parent, "tg-a");
  assert.equal(items[1]!.updated_at, "2026-02-01T00:00:00Z");
  assert.equal(items[0]!.updated_at, "2026-01-01T00:00:00Z");
  reparent(items, "tg-b", null, "2026-02-02T00:00:00Z");
  assert.equal(items[1]!.parent, null);
  assert.equal(items[1]!.updated_at, "2026-02-02T00:00:00Z");
});

Deno.test("reparent() changes nothing when validation fails", () => {
  const items = [it("tg-a"), it("tg-b", { parent: "tg-a" })];
  const e = storeError(() => reparent(items, "tg-a", "tg-b", "2026-03-01T00:00:00Z"));
  assert.equal(e.code, "ParentCycle");
  assert.equal(items[0]!.parent, null);
  assert.equal(items[0]!.updated_at, "2026-01-01T00:00:00Z");
  assert.equal(storeError(() => reparent(items, "tg-zz", null, "x")).code, "ItemNotFound");
});

Deno.test("detectAllParentCycles() reports parent loops once", () => {
  const items = [
    it("a", { parent: "b" }),
    it("b", { parent: "c" }),
    it("c", { parent: "a" }),
    it("d", { parent: "a" }),
    it("e", { parent: "e" }),
    it("f", { parent: "ghost" }),
  ];
  assert.deepEqual(detectAllParentCycles(items), [["a", "b", "c"], ["e"]]);
});
