// `migrate` over every legacy backlog file in the shared fixtures: the item
// count matches, each item's status, phase, assessments, dependencies,
// description and timestamps survive, and a second run changes nothing.

import assert from "node:assert/strict";
import { parseDocument } from "yaml";
import {
  canonicalTimestamp,
  FixedClock,
  type Item,
  MemoryFileSystem,
  PG_KEYS,
  PgItem,
  type PgStatus,
  TaskStore,
} from "../mod.ts";
import { defaultConfig } from "../lib/orchestrator/config/config.ts";
import { MigrationError } from "../lib/orchestrator/migrate/legacy_backlog.ts";
import { migrateBacklog } from "../lib/orchestrator/migrate/migrate.ts";
import { FIXTURES } from "./_helpers.ts";

const DIR = `${FIXTURES}/backlog-yaml`;
const files: string[] = [];
for await (const e of Deno.readDir(DIR)) if (e.isFile) files.push(e.name);
files.sort();

const V1_STATUS: Record<string, PgStatus> = {
  new: "New",
  researching: "Scoping",
  scoped: "Ready",
  scoping: "Scoping",
  ready: "Ready",
  "in_progress": "InProgress",
  done: "Done",
  blocked: "Blocked",
};

function counter(): (buf: Uint8Array) => Uint8Array {
  let n = 0;
  return (buf) => {
    for (let i = 0; i < buf.length; i++) buf[i] = (n * 7 + i * 13) & 0xff;
    n++;
    return buf;
  };
}

async function setup(name: string, text: string) {
  const fs = new MemoryFileSystem();
  await fs.mkdirp("/repo");
  await fs.writeFile(`/repo/${name}`, new TextEncoder().encode(text));
  const store = new TaskStore("/repo/.task-golem", {
    fs,
    clock: new FixedClock({ secs: 1772323200, nanos: 0 }),
  });
  return { fs, store };
}

async function snapshot(fs: MemoryFileSystem, store: TaskStore): Promise<string> {
  const dec = new TextDecoder();
  const a = await fs.readFile(store.tasksPath);
  const b = await fs.readFile(store.archivePath);
  return (a ? dec.decode(a) : "") + "\n--\n" + (b ? dec.decode(b) : "");
}

Deno.test("backlog fixtures: there are 58 files", () => {
  assert.equal(files.length, 58);
});

for (const name of files) {
  const text = Deno.readTextFileSync(`${DIR}/${name}`);
  const raw = parseDocument(text, { schema: "core" }).toJS();
  const isInbox = Array.isArray(raw);

  if (name.includes("-v99-")) {
    Deno.test(`migrate ${name}: rejected, nothing written`, async () => {
      const { fs, store } = await setup("BACKLOG.yaml", text);
      await assert.rejects(
        migrateBacklog({ fs, store, config: defaultConfig(), backlogPath: "/repo/BACKLOG.yaml" }),
        (e: unknown) =>
          e instanceof MigrationError && e.code === "Version" &&
          e.message === "Unsupported schema_version 99 in /repo/BACKLOG.yaml (expected 3)",
      );
      assert.equal(await fs.stat(store.dir), null);
    });
    continue;
  }

  if (isInbox) {
    Deno.test(`migrate ${name} (inbox): every titled entry becomes a New inbox item`, async () => {
      const { fs, store } = await setup("BACKLOG.yaml", "schema_version: 3\nitems: []\n");
      await fs.writeFile("/repo/BACKLOG_INBOX.yaml", new TextEncoder().encode(text));
      const run = () =>
        migrateBacklog({
          fs,
          store,
          config: defaultConfig(),
          backlogPath: "/repo/BACKLOG.yaml",
          random: counter(),
        });
      const report = await run();
      const entries = (raw as { title?: string }[]).filter((e) => (e.title ?? "").trim() !== "");
      assert.equal(report.inboxPath, "/repo/BACKLOG_INBOX.yaml");
      assert.equal(report.result!.inbox.length, entries.length);
      const items = await store.loadActive();
      assert.equal(items.length, entries.length);
      for (const entry of entries as Record<string, unknown>[]) {
        const item = items.find((i) => i.title === entry.title)!;
        assert.ok(item, String(entry.title));
        assert.match(item.id, /^WRK-[0-9a-z]{5}$/);
        const pg = new PgItem(item);
        assert.equal(pg.status(), "New");
        assert.equal(pg.origin(), "inbox");
        assert.equal(pg.size(), entry.size ?? null);
        assert.equal(pg.risk(), entry.risk ?? null);
        assert.equal(pg.impact(), entry.impact ?? null);
        assert.equal(pg.pipelineType(), entry.pipeline_type ?? null);
        assert.deepEqual(item.dependencies, entry.dependencies ?? []);
        assert.equal(item.description, (entry.description as string | undefined)?.trim() ?? null);
        assert.equal(pg.description()?.context ?? null, item.description);
      }
      const before = await snapshot(fs, store);
      const again = await run();
      assert.equal(again.result!.inbox.length, 0);
      assert.equal(again.result!.skipped.length, entries.length);
      assert.equal(await snapshot(fs, store), before);
    });
    continue;
  }

  Deno.test(`migrate ${name}: every item survives, a second run changes nothing`, async () => {
    const { fs, store } = await setup("BACKLOG.yaml", text);
    const warnings: string[] = [];
    const report = await migrateBacklog({
      fs,
      store,
      config: defaultConfig(),
      backlogPath: "/repo/BACKLOG.yaml",
      warn: (m) => warnings.push(m),
    });
    const rawItems = ((raw ?? {}).items ?? []) as Record<string, unknown>[];
    const active = await store.loadActive();
    const archived = await store.loadArchive();
    assert.equal(active.length + archived.length, rawItems.length);
    assert.equal(report.result!.active.length, active.length);
    assert.equal(report.result!.archived.length, archived.length);
    const byId = new Map<string, [Item, "active" | "archive"]>();
    for (const i of active) byId.set(i.id, [i, "active"]);
    for (const i of archived) byId.set(i.id, [i, "archive"]);
    const version = (raw?.schema_version as number | undefined) ?? 1;
    for (const r of rawItems) {
      const id = r.id as string;
      const found = byId.get(id);
      assert.ok(found, `${id} missing`);
      const [item, where] = found;
      const pg = new PgItem(item);
      const status = V1_STATUS[r.status as string]!;
      assert.equal(pg.status(), status, id);
      assert.equal(where, status === "Done" ? "archive" : "active", id);
      assert.equal(item.title, r.title);
      assert.equal(item.created_at, canonicalTimestamp(r.created as string));
      assert.equal(item.updated_at, canonicalTimestamp(r.updated as string));
      assert.deepEqual(item.dependencies, r.dependencies ?? []);
      assert.deepEqual(item.tags, r.tags ?? []);
      for (const k of ["size", "complexity", "risk", "impact"] as const) {
        assert.equal(pg[k](), r[k] ?? null, `${id} ${k}`);
      }
      assert.equal(pg.requiresHumanReview(), r.requires_human_review === true);
      assert.equal(pg.origin(), r.origin ?? null);
      assert.equal(pg.blockedReason, r.blocked_reason ?? null);
      assert.equal(pg.blockedType(), r.blocked_type ?? null);
      assert.equal(pg.lastPhaseCommit(), r.last_phase_commit ?? null);
      assert.equal(pg.pipelineType(), version === 1 ? "feature" : r.pipeline_type ?? null);
      // The phase survives unless the upgrade or the phase repair had to change it.
      const rawPhase = (r.phase as string | undefined) ?? null;
      const repaired = rawPhase === null &&
        (status === "Scoping" || status === "InProgress" ||
          (status === "Blocked" && ["scoping", "researching", "in_progress"].includes(
            r.blocked_from_status as string,
          )));
      if (r.status === "researching" || repaired) {
        const expected = status === "InProgress" ||
            (status === "Blocked" && r.blocked_from_status === "in_progress")
          ? ["prd", "main"]
          : ["research", "pre"];
        assert.deepEqual([pg.phase(), pg.phasePool()], expected, `${id} repaired phase`);
      } else {
        assert.equal(pg.phase(), rawPhase, `${id} phase`);
        const pool = version === 1
          ? (status === "InProgress" && rawPhase !== null ? "main" : null)
          : r.phase_pool ?? null;
        assert.equal(pg.phasePool(), pool, `${id} pool`);
      }
      if (status === "Blocked" && r.blocked_from_status) {
        assert.equal(pg.blockedFromStatus(), V1_STATUS[r.blocked_from_status as string]);
      }
      const d = r.description;
      if (typeof d === "object" && d !== null) {
        const o = d as Record<string, string>;
        const fields = ["context", "problem", "solution", "impact", "sizing_rationale"] as const;
        const expected = Object.fromEntries(fields.map((f) => [f, o[f] ?? ""]));
        if (fields.every((f) => expected[f] === "")) assert.equal(pg.description(), null);
        else assert.deepEqual(pg.description(), expected, `${id} description`);
        assert.equal(item.description, expected.context || null);
      } else if (typeof d === "string") {
        assert.notEqual(pg.description(), null);
        assert.equal(item.description, pg.description()!.context || null);
      } else {
        assert.equal(pg.description(), null);
        assert.equal(item.description, null);
      }
      // Nothing else is written: no claims, priority 0.
      assert.equal(item.priority, 0n);
      assert.equal(item.claimed_by, null);
      for (const k of Object.keys(item.extensions)) {
        assert.ok(
          Object.values(PG_KEYS).includes(k as never) || k.startsWith("x-pg-legacy-"),
          `${id}: ${k}`,
        );
      }
    }
    // Idempotent: the second run writes nothing and skips every item.
    const before = await snapshot(fs, store);
    const again = await migrateBacklog({
      fs,
      store,
      config: defaultConfig(),
      backlogPath: "/repo/BACKLOG.yaml",
    });
    assert.equal(again.result!.active.length + again.result!.archived.length, 0);
    assert.equal(again.result!.skipped.length, rawItems.length);
    assert.equal(await snapshot(fs, store), before);
  });
}

Deno.test("migrate the v1 fixture: the §10.2 scenario 16 expectations", async () => {
  const name = files.find((f) => f.includes("-v1-"))!;
  const { fs, store } = await setup("BACKLOG.yaml", await Deno.readTextFile(`${DIR}/${name}`));
  await migrateBacklog({ fs, store, config: defaultConfig(), backlogPath: "/repo/BACKLOG.yaml" });
  const active = new Map((await store.loadActive()).map((i) => [i.id, i]));
  const archived = await store.loadArchive();
  const w1 = active.get("WRK-001")!;
  assert.equal(w1.status, "doing");
  assert.deepEqual(
    [
      w1.extensions[PG_KEYS.phase],
      w1.extensions[PG_KEYS.phasePool],
      w1.extensions[PG_KEYS.pipelineType],
    ],
    ["build", "main", "feature"],
  );
  assert.deepEqual(w1.dependencies, ["WRK-002"]);
  assert.deepEqual(archived.map((i) => [i.id, i.status]), [["WRK-002", "done"]]);
  const w3 = active.get("WRK-003")!;
  assert.equal(w3.status, "blocked");
  assert.equal(w3.extensions[PG_KEYS.blockedFromStatus], "scoping");
  assert.equal(w3.blocked_from_status, "todo");
  const w4 = new PgItem(active.get("WRK-004")!);
  assert.deepEqual([w4.status(), w4.phase(), w4.phasePool()], ["Scoping", "research", "pre"]);
  assert.equal(new PgItem(active.get("WRK-005")!).status(), "Ready");
});

Deno.test("migrate the unknown-fields fixture keeps the unknown item field as x-pg-legacy-*", async () => {
  const name = files.find((f) => f.includes("unknown_fields"))!;
  const { fs, store } = await setup("BACKLOG.yaml", await Deno.readTextFile(`${DIR}/${name}`));
  const warnings: string[] = [];
  await migrateBacklog({
    fs,
    store,
    config: defaultConfig(),
    backlogPath: "/repo/BACKLOG.yaml",
    warn: (m) => warnings.push(m),
  });
  const [item] = await store.loadActive();
  assert.equal(item!.extensions["x-pg-legacy-future_field_on_item"], 42n);
  assert.deepEqual(warnings, [
    "Ignoring unknown top-level key(s) in /repo/BACKLOG.yaml: some_future_field",
    "Item WRK-001: unknown field(s) future_field_on_item kept as x-pg-legacy-future_field_on_item",
  ]);
});
