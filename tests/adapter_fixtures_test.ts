// The adapter against real stores: every item of every fixture store reads
// through PgItem and writes back byte for byte; items changed the way `tg do`,
// `tg todo`, `tg block` and `tg unblock` change them read correctly.

import assert from "node:assert/strict";
import {
  applyUpdate,
  FixedClock,
  type Item,
  newPgItem,
  parseActiveFile,
  parseArchiveFile,
  PG_KEYS,
  PgItem,
  type PgStatus,
  serializeItem,
} from "../mod.ts";
import { encodeItemsFile, sortById } from "../lib/store/jsonl.ts";
import {
  applyBlock,
  applyDo,
  applyDone,
  applyTodo,
  applyUnblock,
} from "../lib/store/transitions.ts";
import { FIXTURE_STORES } from "./_helpers.ts";
import { advanceTo } from "../lib/_testing/pg_item_fixtures.ts";

const STORES = new URL(`file://${FIXTURE_STORES}/`);

function readAll(item: Item, warn: (m: string) => void): unknown[] {
  const pg = new PgItem(item, { warn });
  return [
    pg.status(),
    pg.phase(),
    pg.phasePool(),
    pg.size(),
    pg.complexity(),
    pg.risk(),
    pg.impact(),
    pg.requiresHumanReview(),
    pg.pipelineType(),
    pg.origin(),
    pg.blockedType(),
    pg.blockedFromStatus(),
    pg.unblockContext(),
    pg.lastPhaseCommit(),
    pg.description(),
    pg.assessments(),
    pg.id,
    pg.title,
    pg.tags,
    pg.dependencies,
    pg.createdAt,
    pg.updatedAt,
    pg.blockedReason,
    pg.nativeDescription,
  ];
}

const storeDirs: string[] = [];
for await (const e of Deno.readDir(STORES)) if (e.isDirectory) storeDirs.push(e.name);
storeDirs.sort();

Deno.test("fixture stores: there are five to check", () => {
  assert.equal(storeDirs.length, 5);
});

for (const dir of storeDirs) {
  for (const file of ["tasks.jsonl", "archive.jsonl", "archive-pruned.jsonl"]) {
    const path = new URL(`${dir}/${file}`, STORES);
    let bytes: Uint8Array;
    try {
      bytes = Deno.readFileSync(path);
    } catch {
      continue;
    }
    Deno.test(`fixture ${dir}/${file}: every item reads through PgItem and writes back byte-identical`, () => {
      const active = file === "tasks.jsonl";
      const items = active ? parseActiveFile(bytes) : parseArchiveFile(bytes, (m) => {
        throw new Error(m);
      });
      const warnings: string[] = [];
      for (const item of items) readAll(item, (m) => warnings.push(m));
      const out = encodeItemsFile(active ? sortById([...items]) : items);
      assert.equal(new TextDecoder().decode(out), new TextDecoder().decode(bytes));
      if (dir.startsWith("phase-golem-")) {
        // Real phase-golem data is clean: no value needs a warning.
        assert.deepEqual(warnings, []);
      } else {
        // Items blocked with `tg block` fall back to the native blocked-from status.
        for (const w of warnings) assert.match(w, /using native blocked_from_status/);
      }
    });
  }
}

Deno.test("fixture phase-golem stores: statuses map as recorded", () => {
  const seen = new Map<string, PgStatus>();
  for (const dir of storeDirs.filter((d) => d.startsWith("phase-golem-"))) {
    const items = parseActiveFile(Deno.readFileSync(new URL(`${dir}/tasks.jsonl`, STORES)));
    for (const item of items) {
      const pg = new PgItem(item);
      const s = pg.status();
      seen.set(`${dir}/${item.id}`, s);
      const ext = item.extensions[PG_KEYS.status];
      if (item.status === "todo") {
        assert.equal(s, ext === "scoping" ? "Scoping" : ext === "ready" ? "Ready" : "New");
      }
      if (item.status === "blocked") {
        // pg wrote both the exact and the lossy blocked-from status.
        assert.notEqual(pg.blockedFromStatus(), null);
      }
    }
  }
  assert.ok([...seen.values()].includes("InProgress"));
  assert.ok([...seen.values()].includes("Blocked"));
  assert.ok([...seen.values()].includes("New"));
});

// ---------------------------------------------------------------------------
// Items changed by tg commands

const NOW = "2026-03-01T00:00:00Z";

function pgItem(status: PgStatus): { item: Item; pg: PgItem; warnings: string[] } {
  const item = newPgItem("WRK-a1b2c", "Shared item", { now: "2026-01-01T00:00:00Z" });
  item.extensions["x-other-tool"] = { keep: true };
  const warnings: string[] = [];
  const pg = new PgItem(item, {
    warn: (m) => warnings.push(m),
    clock: new FixedClock({ secs: 1767225600, nanos: 0 }),
  });
  advanceTo(pg, status);
  return { item, pg, warnings };
}

function reread(item: Item): Item {
  return parseActiveFile(
    new TextEncoder().encode(`{"schema_version":1}\n${serializeItem(item)}\n`),
  )[0]!;
}

Deno.test("tg do on a Scoping item makes it InProgress despite the leftover x-pg-status", () => {
  const { item } = pgItem("Scoping");
  applyDo(item, null, NOW);
  const after = reread(item);
  assert.equal(after.extensions[PG_KEYS.status], "scoping");
  const warnings: string[] = [];
  assert.equal(new PgItem(after, { warn: (m) => warnings.push(m) }).status(), "InProgress");
  assert.deepEqual(warnings, []);
  assert.deepEqual({ ...(after.extensions["x-other-tool"] as object) }, { keep: true });
});

Deno.test("tg todo on an InProgress item makes it New", () => {
  const { item } = pgItem("InProgress");
  applyTodo(item, NOW);
  assert.equal(new PgItem(reread(item)).status(), "New");
});

Deno.test("tg do --claim then tg done on a Ready item reads as Done", () => {
  const { item } = pgItem("Ready");
  applyDo(item, "agent", NOW);
  assert.equal(new PgItem(reread(item)).status(), "InProgress");
  applyDone(item, NOW);
  assert.equal(new PgItem(reread(item)).status(), "Done");
});

Deno.test("tg block on a pg item falls back to the native blocked-from status (Target)", () => {
  for (const [start, restored] of [["Ready", "New"], ["InProgress", "InProgress"]] as const) {
    const { item } = pgItem(start);
    applyBlock(item, "waiting", NOW);
    const after = reread(item);
    const warnings: string[] = [];
    const pg = new PgItem(after, { warn: (m) => warnings.push(m) });
    assert.equal(pg.status(), "Blocked");
    assert.equal(pg.blockedReason, "waiting");
    assert.equal(pg.blockedFromStatus(), restored);
    assert.equal(warnings.length, 1);
    // pg unblock then restores that status.
    assert.ok(applyUpdate(pg, { kind: "Unblock" }));
    assert.equal(pg.status(), restored);
    assert.equal(after.blocked_reason, null);
  }
});

Deno.test("tg unblock of a pg-blocked item leaves a stale extension that reads as absent", () => {
  const { item, pg } = pgItem("InProgress");
  assert.ok(applyUpdate(pg, { kind: "SetBlocked", reason: "agent failed" }));
  applyUnblock(item, NOW);
  const after = reread(item);
  assert.equal(after.extensions[PG_KEYS.blockedFromStatus], "in_progress");
  const warnings: string[] = [];
  const view = new PgItem(after, { warn: (m) => warnings.push(m) });
  assert.equal(view.status(), "InProgress");
  assert.equal(view.blockedFromStatus(), null);
  assert.deepEqual(warnings, [
    "Item WRK-a1b2c: x-pg-blocked-from-status extension is stale (native field cleared), treating as absent",
  ]);
});

Deno.test("tg unblock of an item pg blocked from Scoping returns it to todo = New", () => {
  const { item, pg } = pgItem("Scoping");
  assert.ok(applyUpdate(pg, { kind: "SetBlocked", reason: "question" }));
  applyUnblock(item, NOW);
  assert.equal(new PgItem(reread(item)).status(), "New");
});

Deno.test("tg block of a pg-blocked-then-unblocked item uses the new native status", () => {
  const { item, pg } = pgItem("Ready");
  assert.ok(applyUpdate(pg, { kind: "SetBlocked", reason: "q" }));
  applyUnblock(item, NOW); // todo, stale x-pg-blocked-from-status "ready"
  applyBlock(item, "again", NOW); // native blocked_from_status todo, extension still "ready"
  // The extension is authoritative again while the native field is set.
  assert.equal(new PgItem(reread(item)).blockedFromStatus(), "Ready");
});
