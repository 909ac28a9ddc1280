import assert from "node:assert/strict";
import { PgItem } from "../../adapter/pg_item.ts";
import { FixedClock } from "../../io/clock.ts";
import { MemoryFileSystem } from "../../io/fs.ts";
import { newItem, serializeItem } from "../../store/item.ts";
import { TaskStore } from "../../store/store.ts";
import { defaultConfig, type PgConfig } from "../config/config.ts";
import { MigrationError } from "./legacy_backlog.ts";
import { describePlan, migrateBacklog, type MigrateOptions } from "./migrate.ts";
import { importItems } from "../../store/ops/add.ts";

const ENC = new TextEncoder();

async function setup(files: Record<string, string>) {
  const fs = new MemoryFileSystem();
  await fs.mkdirp("/repo");
  for (const [p, t] of Object.entries(files)) await fs.writeFile(p, ENC.encode(t));
  const store = new TaskStore("/repo/.task-golem", {
    fs,
    clock: new FixedClock({ secs: 1772323200, nanos: 0 }),
  });
  return { fs, store };
}

function opts(
  env: { fs: MemoryFileSystem; store: TaskStore },
  extra: Partial<MigrateOptions> = {},
): MigrateOptions {
  return {
    fs: env.fs,
    store: env.store,
    config: defaultConfig(),
    backlogPath: "/repo/BACKLOG.yaml",
    ...extra,
  };
}

function item(id: string, status: string, extra = ""): string {
  return `  - id: ${id}\n    title: Item ${id}\n    status: ${status}\n` +
    `    created: 2026-02-10T00:00:00.123456789+00:00\n    updated: 2026-02-11T00:00:00Z\n${extra}`;
}

async function bytes(fs: MemoryFileSystem, path: string): Promise<string | null> {
  const b = await fs.readFile(path);
  return b === null ? null : new TextDecoder().decode(b);
}

Deno.test("migrateBacklog() writes active and archived items and creates the store", async () => {
  const env = await setup({
    "/repo/BACKLOG.yaml": "schema_version: 3\nitems:\n" +
      item("WRK-002", "done", "    phase: review\n") +
      item(
        "WRK-001",
        "in_progress",
        "    phase: prd\n    phase_pool: main\n    dependencies: [WRK-002]\n",
      ),
  });
  const report = await migrateBacklog(opts(env));
  assert.equal(report.result!.active.length, 1);
  assert.equal(report.result!.archived.length, 1);
  assert.equal(
    await bytes(env.fs, env.store.tasksPath),
    '{"schema_version":1}\n' +
      '{"id":"WRK-001","title":"Item WRK-001","status":"doing","priority":0,"description":null,' +
      '"tags":[],"dependencies":["WRK-002"],"created_at":"2026-02-10T00:00:00.123456789Z",' +
      '"updated_at":"2026-02-11T00:00:00Z","blocked_reason":null,"blocked_from_status":null,' +
      '"claimed_by":null,"claimed_at":null,"parent":null,"x-pg-phase":"prd","x-pg-phase-pool":"main"}\n',
  );
  const archive = await bytes(env.fs, env.store.archivePath);
  assert.ok(archive!.startsWith('{"schema_version":1}\n{"id":"WRK-002",'));
  assert.ok(archive!.includes('"status":"done"'));
  // The store was created like `tg init` does.
  assert.notEqual(await env.fs.stat(env.store.lockPath), null);
});

Deno.test("migrateBacklog() reports a missing file and writes nothing", async () => {
  const env = await setup({});
  await assert.rejects(
    migrateBacklog(opts(env)),
    (e: unknown) =>
      e instanceof MigrationError && e.code === "NotFound" &&
      e.message === "Backlog file not found: /repo/BACKLOG.yaml",
  );
  assert.equal(await env.fs.stat(env.store.dir), null);
  const env2 = await setup({ "/repo/BACKLOG.yaml": "items: []\n" });
  await assert.rejects(
    migrateBacklog(opts(env2, { inboxPath: "/repo/nope.yaml" })),
    (e: unknown) =>
      e instanceof MigrationError && e.message === "Inbox file not found: /repo/nope.yaml",
  );
});

Deno.test("migrateBacklog() writes nothing on a YAML error, invalid items or an invalid inbox", async () => {
  const cases = [
    "schema_version: 3\nitems: [\n",
    "schema_version: 3\nitems:\n" + item("A", "new") + item("A", "ready"),
    "schema_version: 3\nitems:\n" + item("A", "bogus"),
  ];
  for (const text of cases) {
    const env = await setup({ "/repo/BACKLOG.yaml": text });
    await assert.rejects(migrateBacklog(opts(env)), MigrationError);
    assert.equal(await env.fs.stat(env.store.dir), null);
  }
  const env = await setup({
    "/repo/BACKLOG.yaml": "schema_version: 3\nitems:\n" + item("A", "new"),
    "/repo/BACKLOG_INBOX.yaml": "- title: x\n  size: enormous\n",
  });
  await assert.rejects(migrateBacklog(opts(env)), /Invalid inbox \/repo\/BACKLOG_INBOX\.yaml/);
  assert.equal(await env.fs.stat(env.store.dir), null);
});

Deno.test("migrateBacklog() refuses IDs that exist in the store with other content, writing nothing", async () => {
  const env = await setup({
    "/repo/BACKLOG.yaml": "schema_version: 3\nitems:\n" + item("WRK-001", "new") +
      item("WRK-002", "done") + item("WRK-003", "new"),
  });
  await env.store.init();
  await importItems(env.store, {
    active: [newItem("WRK-001", "Someone else's item", "2026-01-01T00:00:00Z")],
    archived: [newItem("WRK-002", "Archived other", "2026-01-01T00:00:00Z")],
  });
  const before = [
    await bytes(env.fs, env.store.tasksPath),
    await bytes(env.fs, env.store.archivePath),
  ];
  await assert.rejects(
    migrateBacklog(opts(env)),
    (e: unknown) =>
      e instanceof MigrationError && e.code === "Conflict" &&
      e.message ===
        "Cannot migrate: items already in the store (nothing was written):\n" +
          "  - WRK-001 already exists in the store with different content\n" +
          "  - WRK-002 already exists in the store with different content",
  );
  assert.deepEqual(
    [await bytes(env.fs, env.store.tasksPath), await bytes(env.fs, env.store.archivePath)],
    before,
  );
});

Deno.test("migrateBacklog() resumes after a crash between the archive append and the save", async () => {
  const text = "schema_version: 3\nitems:\n" + item("WRK-001", "new") + item("WRK-002", "done");
  const env = await setup({ "/repo/BACKLOG.yaml": text });
  // First attempt: only the archive append happened.
  const dry = await migrateBacklog(opts(env, { dryRun: true }));
  await env.store.init();
  await importItems(env.store, { archived: [dry.plan.archived[0]!] });
  const report = await migrateBacklog(opts(env));
  assert.deepEqual(report.result!.active.map((i) => i.id), ["WRK-001"]);
  assert.deepEqual(report.result!.skipped.map((i) => i.id), ["WRK-002"]);
  assert.equal((await env.store.loadArchive()).length, 1);
});

Deno.test("migrateBacklog() keeps existing store items and adds to them", async () => {
  const env = await setup({
    "/repo/BACKLOG.yaml": "schema_version: 3\nitems:\n" + item("WRK-001", "ready"),
  });
  await env.store.init();
  const mine = newItem("tg-abcde", "From tg", "2026-01-01T00:00:00Z");
  mine.extensions["x-other"] = true;
  await importItems(env.store, { active: [mine] });
  await migrateBacklog(opts(env));
  const items = await env.store.loadActive();
  assert.deepEqual(items.map((i) => i.id), ["WRK-001", "tg-abcde"]);
  assert.equal(serializeItem(items[1]!), serializeItem(mine));
});

Deno.test("migrateBacklog() --dry-run plans without writing", async () => {
  const env = await setup({
    "/repo/BACKLOG.yaml": "schema_version: 3\nitems:\n" +
      item("WRK-001", "in_progress", "    phase: build\n") +
      item("WRK-002", "done"),
    "/repo/BACKLOG_INBOX.yaml": "- title: From the inbox\n",
  });
  const report = await migrateBacklog(opts(env, { dryRun: true }));
  assert.equal(report.result, null);
  assert.equal(await env.fs.stat(env.store.dir), null);
  assert.deepEqual(describePlan(report.plan), [
    'WRK-001 → tasks.jsonl  doing/InProgress  phase build  "Item WRK-001"',
    'WRK-002 → archive.jsonl  done/Done  "Item WRK-002"',
    '(inbox) → tasks.jsonl, new ID  todo/New  "From the inbox"',
  ]);
});

Deno.test("migrateBacklog() gives inbox items new IDs with the config prefix, once", async () => {
  const env = await setup({
    "/repo/BACKLOG.yaml": "schema_version: 3\nitems: []\n",
    "/repo/BACKLOG_INBOX.yaml": "- title: One\n  description: ' About one '\n- title: Two\n",
  });
  const config: PgConfig = defaultConfig();
  config.project.prefix = "HAMY";
  let n = 0;
  const random = (buf: Uint8Array) => {
    buf.fill([0, 0, 1][n++] ?? 2); // the second ID collides with the first and is retried
    return buf;
  };
  const report = await migrateBacklog(opts(env, { config, random }));
  assert.deepEqual(report.result!.inbox.map((i) => i.id), ["HAMY-00000", "HAMY-11111"]);
  const one = new PgItem(report.result!.inbox[0]!);
  assert.equal(one.origin(), "inbox");
  assert.equal(one.status(), "New");
  assert.equal(one.nativeDescription, "About one");
  assert.equal(one.createdAt, "2026-03-01T00:00:00Z");
  assert.equal(n, 3);
  const again = await migrateBacklog(opts(env, { config, random }));
  assert.equal(again.result!.inbox.length, 0);
  assert.equal(again.result!.skipped.length, 2);
});

Deno.test("migrateBacklog() repairs phase-less Scoping and InProgress items (Fix B24)", async () => {
  const warnings: string[] = [];
  const env = await setup({
    "/repo/BACKLOG.yaml": "schema_version: 3\nitems:\n" +
      item("S", "scoping") + item("I", "in_progress") +
      item("B", "blocked", "    blocked_from_status: scoping\n") +
      item("P", "scoping", "    pipeline_type: blog\n") +
      item("U", "scoping", "    pipeline_type: nope\n"),
  });
  const config = defaultConfig();
  config.pipelines.blog = {
    pre_phases: [],
    phases: [{ name: "draft", workflows: [], is_destructive: false, staleness: "ignore" }],
  };
  await migrateBacklog(opts(env, { config, warn: (m) => warnings.push(m) }));
  const got = new Map((await env.store.loadActive()).map((i) => [i.id, new PgItem(i)]));
  const row = (
    id: string,
  ) => [got.get(id)!.status(), got.get(id)!.phase(), got.get(id)!.phasePool()];
  assert.deepEqual(row("S"), ["Scoping", "research", "pre"]);
  assert.deepEqual(row("I"), ["InProgress", "prd", "main"]);
  assert.deepEqual(row("B"), ["Blocked", "research", "pre"]);
  assert.deepEqual(row("P"), ["Ready", null, null]);
  assert.deepEqual(row("U"), ["Scoping", null, null]);
  assert.ok(warnings.includes("Item U: pipeline 'nope' not found in config; no phase set"));
});

Deno.test("migrateBacklog() drops blocked_from_status done/blocked and on unblocked items", async () => {
  const warnings: string[] = [];
  const env = await setup({
    "/repo/BACKLOG.yaml": "schema_version: 3\nitems:\n" +
      item("A", "blocked", "    blocked_from_status: done\n") +
      item("B", "ready", "    blocked_from_status: new\n    blocked_reason: old reason\n"),
  });
  await migrateBacklog(opts(env, { warn: (m) => warnings.push(m) }));
  const [a, b] = await env.store.loadActive();
  assert.equal(a!.blocked_from_status, null);
  assert.equal(a!.extensions["x-pg-blocked-from-status"], undefined);
  assert.equal(b!.blocked_from_status, null);
  assert.equal(b!.blocked_reason, "old reason");
  assert.deepEqual(warnings, [
    "Item A: blocked_from_status 'done' dropped",
    "Item B: blocked_from_status of an item that is not blocked dropped",
  ]);
});

Deno.test("migrateBacklog() maps every field to its native or x-pg place", async () => {
  const env = await setup({
    "/repo/BACKLOG.yaml": "schema_version: 3\nitems:\n" +
      item(
        "WRK-009",
        "blocked",
        "    phase: spec\n    size: small\n    complexity: low\n    risk: medium\n    impact: high\n" +
          "    requires_human_review: true\n    origin: WRK-001/review\n" +
          "    blocked_from_status: in_progress\n    blocked_reason: Needs a decision\n" +
          "    blocked_type: decision\n    unblock_context: earlier notes\n    tags: [a, b]\n" +
          "    pipeline_type: feature\n    phase_pool: main\n    last_phase_commit: 215d95e\n" +
          "    description:\n      context: C\n      problem: P\n",
      ),
  });
  await migrateBacklog(opts(env));
  const [it] = await env.store.loadActive();
  assert.equal(
    serializeItem(it!),
    '{"id":"WRK-009","title":"Item WRK-009","status":"blocked","priority":0,"description":"C",' +
      '"tags":["a","b"],"dependencies":[],"created_at":"2026-02-10T00:00:00.123456789Z",' +
      '"updated_at":"2026-02-11T00:00:00Z","blocked_reason":"Needs a decision",' +
      '"blocked_from_status":"doing","claimed_by":null,"claimed_at":null,"parent":null,' +
      '"x-pg-blocked-from-status":"in_progress","x-pg-blocked-type":"decision",' +
      '"x-pg-complexity":"low","x-pg-description":{"context":"C","impact":"","problem":"P",' +
      '"sizing_rationale":"","solution":""},"x-pg-impact":"high",' +
      '"x-pg-last-phase-commit":"215d95e","x-pg-origin":"WRK-001/review","x-pg-phase":"spec",' +
      '"x-pg-phase-pool":"main","x-pg-pipeline-type":"feature",' +
      '"x-pg-requires-human-review":true,"x-pg-risk":"medium","x-pg-size":"small",' +
      '"x-pg-unblock-context":"earlier notes"}',
  );
});
