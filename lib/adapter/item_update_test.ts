import assert from "node:assert/strict";
import { type Item, serializeItem } from "../store/item.ts";
import { rawItem, T0, T1, view } from "../_testing/pg_item_fixtures.ts";
import { applyUpdate, type ItemUpdate } from "./item_update.ts";
import { newPgItem, PG_KEYS, PgItem } from "./pg_item.ts";
import { PG_STATUSES, type PgStatus } from "./pg_status.ts";
import { isValidTransition } from "./pg_status.ts";

/** An item in the given pg status, blocked ones with full block data. */
function itemIn(status: PgStatus): Item {
  const item = newPgItem("WRK-001", "Item", { now: T0, status });
  item.extensions["x-foreign"] = "kept";
  if (status === "Blocked") {
    item.blocked_reason = "why";
    item.blocked_from_status = "todo";
    item.extensions[PG_KEYS.blockedFromStatus] = "ready";
    item.extensions[PG_KEYS.blockedType] = "decision";
    item.extensions[PG_KEYS.unblockContext] = "old notes";
  }
  return item;
}

for (const from of PG_STATUSES) {
  for (const to of PG_STATUSES) {
    const valid = isValidTransition(from, to);
    Deno.test(
      `applyUpdate(TransitionStatus) ${from} -> ${to} ${valid ? "applies" : "is skipped"}`,
      () => {
        const item = itemIn(from);
        const before = serializeItem(item);
        const { pg, warnings } = view(item);
        const applied = applyUpdate(pg, { kind: "TransitionStatus", to });
        assert.equal(applied, valid);
        if (!valid) {
          assert.deepEqual(warnings, [
            `Item WRK-001: invalid transition ${from} -> ${to}, skipping`,
          ]);
          assert.equal(serializeItem(item), before);
          return;
        }
        assert.equal(pg.status(), to);
        assert.equal(item.updated_at, T1);
        assert.equal(item.extensions["x-foreign"], "kept");
        if (to === "Blocked") {
          // The previous status is saved in both places.
          assert.equal(pg.blockedFromStatus(), from);
          assert.equal(item.blocked_from_status, from === "InProgress" ? "doing" : "todo");
        }
        if (from === "Blocked") {
          assert.equal(item.blocked_from_status, null);
          assert.equal(item.blocked_reason, null);
          for (
            const k of [PG_KEYS.blockedFromStatus, PG_KEYS.blockedType, PG_KEYS.unblockContext]
          ) {
            assert.equal(Object.hasOwn(item.extensions, k), false, k);
          }
        }
        assert.deepEqual(warnings, []);
      },
    );
  }
}

Deno.test("applyUpdate(SetPhase / SetPhasePool / ClearPhase) set and remove the phase keys", () => {
  const item = itemIn("InProgress");
  const { pg } = view(item);
  assert.ok(applyUpdate(pg, { kind: "SetPhase", phase: "build" }));
  assert.ok(applyUpdate(pg, { kind: "SetPhasePool", pool: "main" }));
  assert.equal(pg.phase(), "build");
  assert.equal(pg.phasePool(), "main");
  assert.equal(item.updated_at, T1);
  assert.ok(applyUpdate(pg, { kind: "ClearPhase" }));
  assert.equal(Object.hasOwn(item.extensions, PG_KEYS.phase), false);
  assert.equal(Object.hasOwn(item.extensions, PG_KEYS.phasePool), false);
});

for (const from of PG_STATUSES) {
  const ok = from !== "Done" && from !== "Blocked";
  Deno.test(`applyUpdate(SetBlocked) from ${from} ${ok ? "blocks" : "is skipped"}`, () => {
    const item = itemIn(from);
    const before = serializeItem(item);
    const { pg, warnings } = view(item);
    assert.equal(applyUpdate(pg, { kind: "SetBlocked", reason: "Agent failed" }), ok);
    if (!ok) {
      assert.deepEqual(warnings, [`Item WRK-001: cannot block from ${from}, skipping`]);
      assert.equal(serializeItem(item), before);
      return;
    }
    assert.equal(pg.status(), "Blocked");
    assert.equal(item.status, "blocked");
    assert.equal(item.blocked_reason, "Agent failed");
    assert.equal(pg.blockedFromStatus(), from);
    assert.equal(Object.hasOwn(item.extensions, PG_KEYS.status), false);
    assert.deepEqual(warnings, []);
  });
}

Deno.test("applyUpdate(Unblock) restores the saved status and clears the block data", () => {
  for (const saved of ["New", "Scoping", "Ready", "InProgress"] as const) {
    const item = itemIn(saved);
    const { pg, warnings } = view(item);
    applyUpdate(pg, { kind: "SetBlocked", reason: "r" });
    pg.setBlockedType("clarification");
    pg.setUnblockContext("n");
    assert.ok(applyUpdate(pg, { kind: "Unblock" }));
    assert.equal(pg.status(), saved);
    assert.equal(item.blocked_reason, null);
    assert.equal(item.blocked_from_status, null);
    for (const k of [PG_KEYS.blockedFromStatus, PG_KEYS.blockedType, PG_KEYS.unblockContext]) {
      assert.equal(Object.hasOwn(item.extensions, k), false);
    }
    assert.deepEqual(warnings, []);
  }
});

Deno.test("applyUpdate(Unblock) restores New when no status was saved", () => {
  const item = rawItem("blocked", {}, { blocked_reason: "x" });
  const { pg } = view(item);
  assert.ok(applyUpdate(pg, { kind: "Unblock" }));
  assert.equal(pg.status(), "New");
  assert.equal(item.extensions[PG_KEYS.status], "new");
});

Deno.test("applyUpdate(Unblock) of a tg-blocked doing item restores InProgress (fallback)", () => {
  const item = rawItem("blocked", {}, { blocked_from_status: "doing" });
  const { pg, warnings } = view(item);
  assert.ok(applyUpdate(pg, { kind: "Unblock" }));
  assert.equal(pg.status(), "InProgress");
  assert.equal(warnings.length, 1);
});

Deno.test("applyUpdate(Unblock) of a non-blocked item is skipped with a warning", () => {
  for (const from of PG_STATUSES.filter((s) => s !== "Blocked")) {
    const item = itemIn(from);
    const before = serializeItem(item);
    const { pg, warnings } = view(item);
    assert.equal(applyUpdate(pg, { kind: "Unblock" }), false);
    assert.deepEqual(warnings, [`Item WRK-001: cannot unblock from ${from}, skipping`]);
    assert.equal(serializeItem(item), before);
  }
});

Deno.test("applyUpdate(UpdateAssessments) overwrites only the assessments given", () => {
  const item = rawItem("todo", {
    [PG_KEYS.size]: "large",
    [PG_KEYS.complexity]: "high",
    [PG_KEYS.risk]: "high",
    [PG_KEYS.impact]: "low",
  });
  const { pg } = view(item);
  assert.ok(
    applyUpdate(pg, { kind: "UpdateAssessments", assessments: { size: "small", risk: "low" } }),
  );
  assert.deepEqual(pg.assessments(), {
    size: "small",
    complexity: "high",
    risk: "low",
    impact: "low",
  });
  assert.ok(applyUpdate(pg, {
    kind: "UpdateAssessments",
    assessments: { complexity: "medium", impact: "high" },
  }));
  assert.deepEqual(pg.assessments(), {
    size: "small",
    complexity: "medium",
    risk: "low",
    impact: "high",
  });
});

Deno.test("applyUpdate(SetPipelineType / SetLastPhaseCommit / SetDescription)", () => {
  const item = rawItem("todo");
  const { pg } = view(item);
  const updates: ItemUpdate[] = [
    { kind: "SetPipelineType", pipelineType: "blog-post" },
    { kind: "SetLastPhaseCommit", sha: "abc123" },
    {
      kind: "SetDescription",
      description: {
        context: "ctx",
        problem: "p",
        solution: "s",
        impact: "i",
        sizing_rationale: "r",
      },
    },
  ];
  for (const u of updates) assert.ok(applyUpdate(pg, u));
  assert.equal(pg.pipelineType(), "blog-post");
  assert.equal(pg.lastPhaseCommit(), "abc123");
  assert.equal(pg.description()?.sizing_rationale, "r");
  assert.equal(item.description, "ctx");
  assert.equal(item.updated_at, T1);
});

Deno.test("applyUpdate() never drops unknown fields, whatever the update", () => {
  const all: ItemUpdate[] = [
    { kind: "TransitionStatus", to: "Scoping" },
    { kind: "SetPhase", phase: "research" },
    { kind: "SetPhasePool", pool: "pre" },
    { kind: "UpdateAssessments", assessments: { size: "medium" } },
    { kind: "SetBlocked", reason: "r" },
    { kind: "Unblock" },
    { kind: "TransitionStatus", to: "Ready" },
    { kind: "TransitionStatus", to: "InProgress" },
    { kind: "ClearPhase" },
    { kind: "SetPipelineType", pipelineType: "feature" },
    { kind: "SetLastPhaseCommit", sha: "deadbeef" },
    {
      kind: "SetDescription",
      description: { context: "", problem: "", solution: "", impact: "", sizing_rationale: "" },
    },
    { kind: "TransitionStatus", to: "Done" },
  ];
  const item = rawItem("todo", { "x-tg-thing": [1n, 2.5, "s"], "x-pgx": null }, {
    priority: 3n,
    parent: "tg-p",
  });
  const pg = new PgItem(item);
  for (const u of all) assert.ok(applyUpdate(pg, u), u.kind);
  assert.equal(pg.status(), "Done");
  const line = serializeItem(item);
  assert.ok(line.includes('"priority":3'));
  assert.ok(line.includes('"parent":"tg-p"'));
  assert.ok(line.includes('"x-pgx":null'));
  assert.ok(line.includes('"x-tg-thing":[1,2.5,"s"]'));
});
