import assert from "node:assert/strict";
import { newItem } from "../../../lib/store/item.ts";
import {
  type BoardSnapshot,
  buildCard,
  buildDetail,
  diffSnapshots,
  historyTotals,
  isEmptyPatch,
  readyIds,
  recentDone,
} from "./board_data.ts";

const T = "2026-01-01T00:00:00Z";

function snap(items: BoardSnapshot["items"], version: number): BoardSnapshot {
  return { version, now: T, items, done: [], doneTotal: 0, ready: [], error: null, run: null };
}

Deno.test("buildCard() shows pg's view for pg items, or for every item of a pg project", () => {
  const plain = newItem("tg-a", "Plain", T, { tags: ["x"], priority: 9007199254740993n });
  const card = buildCard(plain, { pgProject: false });
  assert.equal(card.pg, null);
  assert.equal(card.priority, "9007199254740993", "priorities keep every digit");
  assert.equal(buildCard(plain, { pgProject: true }).pg?.status, "new");
  const pg = newItem("WRK-1", "Managed", T, {
    extensions: {
      "x-pg-status": "scoping",
      "x-pg-phase": "research",
      "x-pg-size": "small",
      "x-pg-history": [{
        phase: "triage",
        outcome: "complete",
        "started_at": T,
        "duration_ms": 1500n,
        attempts: 1n,
        "cost_usd": 0.25,
      }],
    },
  });
  const c = buildCard(pg, { pgProject: false });
  assert.deepEqual(
    [c.pg?.status, c.pg?.phase, c.pg?.size, c.pg?.runs, c.pg?.costUsd, c.pg?.durationMs],
    ["scoping", "research", "small", 1, 0.25, 1500],
  );
});

Deno.test("diffSnapshots() sends the changed cards, the removed IDs and a new order only when needed", () => {
  const [a, b, c] = ["tg-a", "tg-b", "tg-c"].map((id) =>
    buildCard(newItem(id, id, T), { pgProject: false })
  ) as [ReturnType<typeof buildCard>, ReturnType<typeof buildCard>, ReturnType<typeof buildCard>];
  const b2 = { ...b, title: "changed" };
  let p = diffSnapshots(snap([a, b], 1), snap([a, b2], 2));
  assert.deepEqual([p.from, p.version, p.upsert, p.remove, p.order], [1, 2, [b2], [], undefined]);
  p = diffSnapshots(snap([a, b], 2), snap([a, b, c], 3));
  assert.deepEqual([p.upsert, p.order], [[c], undefined], "an appended item needs no order");
  p = diffSnapshots(snap([a, b, c], 3), snap([a, c], 4));
  assert.deepEqual([p.upsert, p.remove, p.order], [[], ["tg-b"], undefined]);
  p = diffSnapshots(snap([b, a], 4), snap([c, a, b], 5));
  assert.deepEqual(p.order, ["tg-c", "tg-a", "tg-b"]);
  assert.ok(isEmptyPatch(diffSnapshots(snap([a], 5), snap([a], 6))));
  const ready = diffSnapshots(snap([a], 6), { ...snap([a], 7), ready: ["tg-a"] });
  assert.deepEqual(ready.ready, ["tg-a"]);
});

Deno.test("readyIds() and recentDone() order like tg ready and the archive's last changes", () => {
  const a = newItem("tg-a", "A", T, { priority: 1n });
  const b = newItem("tg-b", "B", T, { priority: 5n, dependencies: ["tg-a"] });
  const c = newItem("tg-c", "C", T, { priority: 3n, dependencies: ["tg-old"] });
  assert.deepEqual(readyIds([a, b, c], new Set(["tg-old"])), ["tg-c", "tg-a"]);
  const old = newItem("tg-x", "X", T);
  old.updated_at = "2026-01-03T00:00:00Z";
  const older = newItem("tg-y", "Y", T);
  assert.deepEqual(recentDone([older, old, old], 5).map((it) => it.id), ["tg-x", "tg-y"]);
});

Deno.test("buildDetail() names relations by location, and keeps hostile text as data", () => {
  const parent = buildCard(newItem("tg-p", "Parent", T), { pgProject: false });
  const child = buildCard(newItem("tg-c", "<b>Child</b>", T, { dependencies: ["tg-i"] }), {
    pgProject: false,
  });
  const item = newItem("tg-i", "<script>x</script>", T, {
    dependencies: ["tg-done", "tg-gone"],
    extensions: { "x-note": "n", "x-pg-phase": "build" },
  });
  item.parent = "tg-p";
  child.parent = "tg-i";
  const d = buildDetail({
    item,
    archived: false,
    cards: [parent, child],
    archivedRef: (id) => (id === "tg-done" ? { title: "Done", status: "done" } : undefined),
    ready: false,
    events: [{ v: 1, "task_id": "tg-i", ts: T, author: "me", type: "note", text: "<i>hi</i>" }],
    pgProject: false,
    now: T,
  });
  assert.equal(d.card.title, "<script>x</script>");
  assert.deepEqual(d.deps.map((r) => [r.id, r.location]), [
    ["tg-done", "archived"],
    ["tg-gone", "missing"],
  ]);
  assert.deepEqual(d.parent, { id: "tg-p", title: "Parent", status: "todo", location: "active" });
  assert.deepEqual(d.children.map((r) => r.title), ["<b>Child</b>"]);
  assert.deepEqual(d.dependents.map((r) => r.id), ["tg-c"]);
  assert.deepEqual(d.extensions, { "x-note": '"n"' }, "pg's own fields are shown apart");
  assert.equal(d.events[0]!.text, "<i>hi</i>");
});

Deno.test("historyTotals() sums the phase histories per phase and per item", () => {
  const run = (phase: string, ms: bigint, cost?: number) => ({
    phase,
    outcome: "complete",
    "started_at": T,
    "duration_ms": ms,
    attempts: 1n,
    ...(cost === undefined ? {} : { "cost_usd": cost }),
  });
  const a = newItem("WRK-a", "A", T, {
    extensions: { "x-pg-history": [run("prd", 1000n, 0.5), run("build", 3000n, 1.5)] },
  });
  const b = newItem("WRK-b", "B", T, { extensions: { "x-pg-history": [run("build", 2000n)] } });
  const t = historyTotals([a, b, newItem("tg-c", "C", T)]);
  assert.deepEqual([t.all.runs, t.all.durationMs, t.all.costUsd], [3, 6000, 2]);
  assert.deepEqual(t.byPhase.map((p) => [p.key, p.runs, p.costUsd]), [
    ["build", 2, 1.5],
    ["prd", 1, 0.5],
  ]);
  assert.deepEqual(t.byItem.map((i) => [i.key, i.title]), [["WRK-a", "A"], ["WRK-b", "B"]]);
});
