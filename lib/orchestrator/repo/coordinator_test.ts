import assert from "node:assert/strict";
import { PgError } from "../../adapter/pg_error.ts";
import { PgItem } from "../../adapter/pg_item.ts";
import { DenoFileSystem } from "../../io/fs.ts";
import { pgAuthor } from "../../adapter/pg_author.ts";
import { DenoProcessRunner } from "../../io/process_runner.ts";
import { importItems } from "../../store/ops/add.ts";
import { TaskStore } from "../../store/store.ts";
import { type CommitRecord, Coordinator, type CoordinatorOptions } from "./coordinator.ts";
import { MemoryLogger } from "../../io/logger.ts";
import {
  item,
  porcelain,
  subjects,
  testClock,
  type TestRepo,
  testRepo,
} from "../../_testing/test_repo.ts";

async function start(
  repo: TestRepo,
  extra: Partial<CoordinatorOptions> = {},
): Promise<{ coord: Coordinator; log: MemoryLogger; commits: CommitRecord[] }> {
  const log = new MemoryLogger();
  const commits: CommitRecord[] = [];
  const coord = await Coordinator.start({
    store: repo.store,
    git: repo.git,
    fs: new DenoFileSystem(),
    clock: testClock(),
    root: repo.dir,
    prefix: "WRK",
    log,
    retryDelaysMs: [1, 1],
    onCommit: (c) => commits.push(c),
    ...extra,
  });
  return { coord, log, commits };
}

async function view(repo: TestRepo, id: string): Promise<PgItem | null> {
  const raw = (await repo.store.loadActive()).find((it) => it.id === id);
  return raw === undefined ? null : new PgItem(raw);
}

async function headFiles(repo: TestRepo): Promise<string[]> {
  return (await repo.sh("show", "--name-only", "--format=", "HEAD")).trim().split("\n").sort();
}

Deno.test("Coordinator snapshots see its own updates and external edits", async () => {
  const repo = await testRepo([item("WRK-001", "New")]);
  try {
    const { coord } = await start(repo);
    await coord.updateItem("WRK-001", [{ kind: "TransitionStatus", to: "Scoping" }]);
    let snap = await coord.snapshot();
    assert.equal(new PgItem(snap[0]!).status(), "Scoping");
    // An edit by another process (tg) is seen at once: nothing is cached.
    await importItems(repo.store, { active: [item("WRK-002", "New")] });
    snap = await coord.snapshot();
    assert.deepEqual(snap.map((i) => i.id), ["WRK-001", "WRK-002"]);
    await assert.rejects(
      () => coord.updateItem("WRK-404", [{ kind: "ClearPhase" }]),
      (e) => e instanceof PgError && e.code === "ItemNotFound" && e.isSkip(),
    );
    assert.equal(coord.isShutDown, false);
  } finally {
    await repo.cleanup();
  }
});

Deno.test("Coordinator.completePhase() destructive: artifacts, item update and store in one commit", async () => {
  const repo = await testRepo([item("WRK-001", "InProgress", { phase: "build", pool: "main" })]);
  try {
    const { coord, commits } = await start(repo);
    await Deno.mkdir(`${repo.dir}/changes/WRK-001_x`, { recursive: true });
    await Deno.writeTextFile(`${repo.dir}/changes/WRK-001_x/spec.md`, "spec\n");
    await Deno.writeTextFile(`${repo.dir}/src.ts`, "export {};\n");
    const out = await coord.completePhase({
      itemId: "WRK-001",
      phase: "build",
      commitSummary: "[WRK-001][build] Add the parser",
      destructive: true,
      updates: [{ kind: "SetPhase", phase: "review" }],
    });
    assert.equal(out.commitError, null);
    assert.equal(out.commit?.message, "[WRK-001][build] Add the parser");
    assert.deepEqual(commits.map((c) => c.kind), ["phase"]);
    assert.equal((await subjects(repo))[0], "[WRK-001][build] Add the parser");
    assert.deepEqual(await headFiles(repo), [
      ".task-golem/tasks.jsonl",
      "changes/WRK-001_x/spec.md",
      "src.ts",
    ]);
    // [Target] the commit holds the item's new phase.
    const committed = await repo.sh("show", "HEAD:.task-golem/tasks.jsonl");
    assert.match(committed, /"x-pg-phase":"review"/);
    assert.equal(await porcelain(repo), "");
  } finally {
    await repo.cleanup();
  }
});

Deno.test("Coordinator.completePhase() on Done archives the item and its events in the same commit", async () => {
  const repo = await testRepo([item("WRK-001", "InProgress", { phase: "review", pool: "main" })]);
  try {
    const store = new TaskStore(repo.store.dir, {
      clock: testClock(),
      author: () =>
        pgAuthor({ env: () => undefined, runner: new DenoProcessRunner(), cwd: repo.dir }),
    });
    const { coord } = await start(repo, { store });
    const out = await coord.completePhase({
      itemId: "WRK-001",
      phase: "review",
      commitSummary: null,
      destructive: true,
      updates: [{ kind: "TransitionStatus", to: "Done" }],
      note: "Phase review: complete — Looks good",
    });
    assert.ok(out.archived);
    // The item's story is in the event log, by pg, and moved with it to the archive log.
    const events = await repo.store.eventsFor("WRK-001");
    assert.deepEqual(events.map((e) => [e.type, e.status ?? e.text, e.author]), [
      ["note", "Phase review: complete — Looks good", "pg (test@test.com)"],
      ["status_transition", "done", "pg (test@test.com)"],
    ]);
    assert.equal(await Deno.readTextFile(`${repo.dir}/.task-golem/events.jsonl`), "");
    assert.equal((await subjects(repo))[0], "[WRK-001][review] Phase output");
    assert.deepEqual(await repo.store.loadActive(), []);
    const archived = await repo.store.loadArchive();
    assert.equal(archived[0]?.id, "WRK-001");
    assert.equal(archived[0]?.status, "done");
    const files = await headFiles(repo);
    assert.ok(files.includes(".task-golem/archive.jsonl"));
    assert.ok(files.includes(".task-golem/events.archive.jsonl"), "the events are committed");
    assert.ok(files.some((f) => f.startsWith("_worklog/")), "archive worklog entry committed");
    const log = await Deno.readTextFile(
      `${repo.dir}/${files.find((f) => f.startsWith("_worklog/"))}`,
    );
    assert.match(log, /- \*\*Outcome:\*\* Archived\n- \*\*Summary:\*\* Item archived/);
    assert.equal(await porcelain(repo), "");
  } finally {
    await repo.cleanup();
  }
});

Deno.test("Coordinator non-destructive phases only stage; batchCommit commits them together", async () => {
  const repo = await testRepo([
    item("WRK-001", "InProgress", { phase: "prd", pool: "main" }),
    item("WRK-002", "InProgress", { phase: "prd", pool: "main" }),
  ]);
  try {
    const { coord, commits } = await start(repo);
    assert.equal(await coord.batchCommit(), null, "no-op when nothing is pending");
    const head = await repo.git.headSha();
    await Deno.writeTextFile(`${repo.dir}/a.md`, "a");
    await coord.completePhase({
      itemId: "WRK-001",
      phase: "prd",
      commitSummary: "Write the PRD",
      destructive: false,
      updates: [{ kind: "SetPhase", phase: "build" }],
    });
    await Deno.writeTextFile(`${repo.dir}/b.md`, "b");
    await coord.completePhase({
      itemId: "WRK-002",
      phase: "prd",
      commitSummary: null,
      destructive: false,
      updates: [{ kind: "SetPhase", phase: "build" }],
    });
    assert.equal(await repo.git.headSha(), head, "nothing committed yet");
    assert.equal(coord.pendingBatch.length, 2);
    const batch = await coord.batchCommit();
    assert.equal(
      batch?.message,
      "[WRK-001][prd] Write the PRD\n\n[WRK-001][prd][WRK-002][prd] Phase outputs",
    );
    assert.equal(coord.pendingBatch.length, 0);
    assert.deepEqual(commits.map((c) => c.kind), ["batch"]);
    assert.deepEqual(await headFiles(repo), [".task-golem/tasks.jsonl", "a.md", "b.md"]);
    assert.equal(await porcelain(repo), "");
  } finally {
    await repo.cleanup();
  }
});

Deno.test("Coordinator never commits a file staged by someone else before the run", async () => {
  const repo = await testRepo([item("WRK-001", "InProgress", { phase: "build", pool: "main" })]);
  try {
    await Deno.writeTextFile(`${repo.dir}/foreign.txt`, "not pg's\n");
    await repo.sh("add", "foreign.txt");
    const { coord, log } = await start(repo);
    assert.deepEqual([...coord.foreignStaged], ["foreign.txt"]);
    assert.ok(log.at("WARN").some((l) => l.includes("foreign.txt")));
    await Deno.writeTextFile(`${repo.dir}/agent.txt`, "agent output\n");
    await coord.completePhase({
      itemId: "WRK-001",
      phase: "build",
      commitSummary: "Build",
      destructive: true,
      updates: [{ kind: "SetPhase", phase: "review" }],
    });
    assert.deepEqual(await headFiles(repo), [".task-golem/tasks.jsonl", "agent.txt"]);
    assert.equal(await porcelain(repo), "A  foreign.txt\n", "still staged, never committed");
    await coord.writeWorklog({
      id: "WRK-001",
      title: "T",
      phase: "x",
      outcome: "Blocked",
      summary: "s",
    });
    const halt = await coord.haltCommit("AllDoneOrBlocked");
    assert.ok(halt !== null);
    assert.equal(halt.message, "[phase-golem] Save task state on halt (AllDoneOrBlocked)");
    assert.ok(!(await headFiles(repo)).includes("foreign.txt"));
    assert.equal(await porcelain(repo), "A  foreign.txt\n");
  } finally {
    await repo.cleanup();
  }
});

Deno.test("Coordinator: a rejected commit is reported, the store stays the truth", async () => {
  const repo = await testRepo([item("WRK-001", "InProgress", { phase: "build", pool: "main" })]);
  try {
    await Deno.mkdir(`${repo.dir}/.hooks`);
    await Deno.writeTextFile(
      `${repo.dir}/.hooks/pre-commit`,
      "#!/bin/sh\necho 'lint failed' >&2\nexit 1\n",
    );
    await Deno.chmod(`${repo.dir}/.hooks/pre-commit`, 0o755);
    await repo.sh("config", "core.hooksPath", ".hooks");
    const { coord, log, commits } = await start(repo);
    const head = await repo.git.headSha();
    await Deno.writeTextFile(`${repo.dir}/x.ts`, "x");
    const out = await coord.completePhase({
      itemId: "WRK-001",
      phase: "build",
      commitSummary: "Build",
      destructive: true,
      updates: [{ kind: "SetPhase", phase: "review" }],
    });
    assert.equal(out.commit, null);
    assert.match(out.commitError ?? "", /lint failed/);
    assert.ok(
      log.at("WARN").some((l) =>
        l.startsWith("CompletePhase commit failed (JSONL state preserved): ")
      ),
    );
    assert.equal(commits.length, 0);
    assert.equal(await repo.git.headSha(), head);
    assert.equal((await view(repo, "WRK-001"))?.phase(), "review", "store updated anyway");
    assert.equal(coord.isShutDown, false);
    // The halt commit fails the same way: a warning, not an error.
    assert.equal(await coord.haltCommit("AllDoneOrBlocked"), null);
    assert.ok(log.at("WARN").some((l) => l.startsWith("Shutdown commit skipped: ")));
  } finally {
    await repo.cleanup();
  }
});

Deno.test("Coordinator head, ancestry, phase start and worklog", async () => {
  const repo = await testRepo([item("WRK-001", "InProgress", { phase: "build", pool: "main" })]);
  try {
    const { coord } = await start(repo);
    const head = await coord.headSha();
    assert.equal(head, await repo.git.headSha());
    assert.equal(await coord.isAncestor(head), true);
    await coord.recordPhaseStart("WRK-001", head);
    assert.equal((await view(repo, "WRK-001"))?.lastPhaseCommit(), head);
    await coord.writeWorklog({
      id: "WRK-001",
      title: "Item WRK-001",
      phase: "build",
      outcome: "Complete",
      summary: "Built it",
    });
    const files = (await Array.fromAsync(Deno.readDir(`${repo.dir}/_worklog`))).map((e) => e.name);
    assert.deepEqual(files, ["2026-01.md"]);
    const text = await Deno.readTextFile(`${repo.dir}/_worklog/2026-01.md`);
    assert.match(
      text,
      /^## 2026-01-01T00:00:00(\.\d+)?\+00:00 — WRK-001 \(Item WRK-001\)\n\n- \*\*Phase:\*\* build\n- \*\*Outcome:\*\* Complete\n- \*\*Summary:\*\* Built it\n\n---\n\n$/,
    );
  } finally {
    await repo.cleanup();
  }
});

Deno.test("Coordinator.completePhase() on Done keeps a parent with active children until they are done", async () => {
  const parent = item("WRK-001", "InProgress", { phase: "review", pool: "main" });
  const child = item("WRK-002", "New");
  child.parent = "WRK-001";
  const repo = await testRepo([parent, child]);
  try {
    const { coord, log } = await start(repo);
    const out = await coord.completePhase({
      itemId: "WRK-001",
      phase: "review",
      commitSummary: null,
      destructive: true,
      updates: [{ kind: "TransitionStatus", to: "Done" }],
    });
    assert.equal(out.archived, false);
    assert.equal((await view(repo, "WRK-001"))?.status(), "Done");
    assert.deepEqual(await repo.store.loadArchive(), []);
    assert.ok(log.at("INFO").some((l) => l.includes("until its children are done (WRK-002)")));
    assert.deepEqual((await repo.store.eventsFor("WRK-001")).map((e) => e.status), ["done"]);
    assert.equal(await porcelain(repo), "");
  } finally {
    await repo.cleanup();
  }
});

Deno.test("Coordinator.updateItem() writes status changes and notes to the event log", async () => {
  const repo = await testRepo([item("WRK-001", "Ready", { phase: "build", pool: "main" })]);
  try {
    const { coord } = await start(repo);
    await coord.updateItem("WRK-001", [{ kind: "TransitionStatus", to: "InProgress" }]);
    await coord.updateItem("WRK-001", [{ kind: "SetBlocked", reason: "x".repeat(3000) }], {
      note: "Phase build: blocked — needs a decision",
    });
    await coord.unblockItem("WRK-001", "go ahead");
    const events = await repo.store.eventsFor("WRK-001");
    assert.deepEqual(events.map((e) => [e.type, e.status ?? e.text]), [
      ["status_transition", "doing"],
      ["note", "Phase build: blocked — needs a decision"],
      ["status_transition", "blocked"],
      ["status_transition", "doing"],
    ]);
    const blocked = events[2]!;
    assert.ok(
      blocked.text.endsWith("…") && blocked.text.length < 2048,
      "long reasons are shortened",
    );
    assert.equal((await view(repo, "WRK-001"))?.blockedReason, null);
  } finally {
    await repo.cleanup();
  }
});

Deno.test("Coordinator.ingestFollowUps() creates unique New items and skips bad titles", async () => {
  const repo = await testRepo([item("WRK-001", "InProgress")]);
  try {
    let n = 0;
    // A random source that collides once with WRK-001's shape, then counts up.
    const random = (buf: Uint8Array) => {
      buf.fill(n++ % 32);
      return buf;
    };
    const store = new TaskStore(repo.store.dir, { clock: testClock(), random });
    const { coord, log } = await start(repo, { store });
    const out = await coord.ingestFollowUps([
      { title: "  Add tests  " },
      { title: "Docs", context: "Explain the flags", suggestedSize: "small", suggestedRisk: "low" },
      { title: "two\nlines" },
      { title: "   " },
    ], "WRK-001/build");
    assert.equal(out.ids.length, 2);
    assert.equal(new Set(out.ids).size, 2);
    for (const id of out.ids) assert.match(id, /^WRK-[0-9a-z]{5}$/);
    assert.equal(out.skipped.length, 2);
    assert.equal(
      log.at("WARN").filter((l) => l.startsWith("Skipping follow-up from WRK-001/build")).length,
      2,
    );
    const a = (await view(repo, out.ids[0]!))!;
    assert.equal(a.title, "Add tests");
    assert.equal(a.status(), "New");
    assert.equal(a.origin(), "WRK-001/build");
    const b = (await view(repo, out.ids[1]!))!;
    assert.equal(b.size(), "small");
    assert.equal(b.risk(), "low");
    assert.equal(b.description()?.context, "Explain the flags");
    assert.equal(b.nativeDescription, "Explain the flags");
    assert.deepEqual(await coord.ingestFollowUps([], "x"), { ids: [], skipped: [] });
  } finally {
    await repo.cleanup();
  }
});

Deno.test("Coordinator.mergeItem() folds the source into the target and archives it", async () => {
  const a = item("WRK-001", "Ready", { tags: ["x"], deps: ["WRK-009"], description: "Original" });
  const b = item("WRK-002", "New", {
    tags: ["x", "y"],
    deps: ["WRK-001", "WRK-008"],
    description: "Dup ctx",
  });
  const c = item("WRK-003", "New", { deps: ["WRK-002"] });
  const repo = await testRepo([a, b, c]);
  try {
    const { coord } = await start(repo);
    await coord.mergeItem("WRK-002", "WRK-001");
    const target = (await view(repo, "WRK-001"))!;
    assert.equal(
      target.description()?.context,
      "Original\n[Merged from WRK-002] Title: Item WRK-002. Context: Dup ctx",
    );
    assert.equal(target.nativeDescription, target.description()?.context);
    assert.deepEqual(target.dependencies, ["WRK-009", "WRK-008"]);
    assert.deepEqual(target.tags, ["x", "y"], "[Target] tags transferred");
    assert.deepEqual((await view(repo, "WRK-003"))!.dependencies, []);
    assert.equal(await view(repo, "WRK-002"), null);
    assert.equal((await repo.store.loadArchive())[0]?.id, "WRK-002");
    await assert.rejects(
      () => coord.mergeItem("WRK-001", "WRK-001"),
      (e) =>
        e instanceof PgError &&
        e.message === "Cycle detected: Cannot merge item WRK-001 into itself",
    );
    await assert.rejects(
      () => coord.mergeItem("WRK-404", "WRK-001"),
      /Source item WRK-404 not found/,
    );
    await assert.rejects(
      () => coord.mergeItem("WRK-001", "WRK-404"),
      /Target item WRK-404 not found/,
    );
  } finally {
    await repo.cleanup();
  }
});

Deno.test("Coordinator.unblockItem() restores the status or refuses a non-blocked item", async () => {
  const repo = await testRepo([
    item("WRK-001", "Blocked", { blockedFrom: "Scoping" }),
    item("WRK-002", "New"),
  ]);
  try {
    const { coord } = await start(repo);
    await coord.unblockItem("WRK-001", "Use the v2 API");
    const pg = (await view(repo, "WRK-001"))!;
    assert.equal(pg.status(), "Scoping");
    assert.equal(pg.unblockContext(), "Use the v2 API");
    await assert.rejects(
      () => coord.unblockItem("WRK-002"),
      (e) => e instanceof PgError && e.code === "InvalidTransition",
    );
  } finally {
    await repo.cleanup();
  }
});

Deno.test("Coordinator: an external lock holder leads to LockTimeout after the retries", async () => {
  const repo = await testRepo([item("WRK-001", "New")]);
  try {
    const store = new TaskStore(repo.store.dir, { lockTimeoutMs: 20 });
    const { coord, log } = await start(repo, { store });
    let release!: () => void;
    const held = repo.store.lock(() => new Promise<void>((r) => (release = r)));
    await new Promise((r) => setTimeout(r, 20));
    await assert.rejects(
      () => coord.updateItem("WRK-001", [{ kind: "ClearPhase" }]),
      (e) => e instanceof PgError && e.code === "LockTimeout",
    );
    assert.equal(
      log.at("WARN").filter((l) => l.startsWith("Store operation failed (attempt")).length,
      2,
    );
    release();
    await held;
    await coord.updateItem("WRK-001", [{ kind: "ClearPhase" }]);
  } finally {
    await repo.cleanup();
  }
});

Deno.test("Coordinator: a missing store reads empty; a corrupt one aborts the start", async () => {
  const repo = await testRepo();
  try {
    await Deno.remove(`${repo.dir}/.task-golem`, { recursive: true });
    const { coord } = await start(repo);
    assert.deepEqual(await coord.snapshot(), []);
  } finally {
    await repo.cleanup();
  }
  const bad = await testRepo();
  try {
    await Deno.writeTextFile(
      `${bad.dir}/.task-golem/tasks.jsonl`,
      '{"schema_version":1}\nnot json\n',
    );
    await assert.rejects(
      () => start(bad),
      (e) =>
        e instanceof PgError && e.code === "StorageCorruption" && /git checkout/.test(e.message),
    );
  } finally {
    await bad.cleanup();
  }
});

Deno.test("Coordinator shuts down on a fatal error; later commands fail", async () => {
  const repo = await testRepo([item("WRK-001", "New")]);
  try {
    const { coord, log } = await start(repo);
    await Deno.writeTextFile(`${repo.dir}/.task-golem/tasks.jsonl`, '{"schema_version":7}\n');
    await assert.rejects(() => coord.snapshot(), (e) => e instanceof PgError && e.isFatal());
    assert.ok(coord.isShutDown);
    assert.ok(log.at("ERROR").includes("Fatal coordinator error — shutting down handler loop"));
    await assert.rejects(
      () => coord.headSha(),
      (e) =>
        e instanceof PgError &&
        e.message === "Internal panic in storage thread: coordinator shut down",
    );
    assert.equal(await coord.haltCommit("ShutdownRequested"), null);
    assert.ok(log.at("WARN").includes("Shutdown commit skipped: coordinator shut down"));
  } finally {
    await repo.cleanup();
  }
});

Deno.test("Coordinator stops when tasks.jsonl is deleted mid-run and never commits the deletion", async () => {
  const repo = await testRepo([item("WRK-001", "InProgress", { phase: "build", pool: "main" })]);
  try {
    const { coord } = await start(repo);
    const head = await repo.git.headSha();
    await Deno.remove(`${repo.dir}/.task-golem/tasks.jsonl`);
    await Deno.writeTextFile(`${repo.dir}/artifact.md`, "x");
    await assert.rejects(
      () =>
        coord.completePhase({
          itemId: "WRK-001",
          phase: "build",
          commitSummary: null,
          destructive: true,
          updates: [],
        }),
      (e) => e instanceof PgError && e.isFatal() && /disappeared during the run/.test(e.message),
    );
    assert.equal(await coord.haltCommit("ShutdownRequested"), null);
    assert.equal(await repo.git.headSha(), head);
    assert.ok(!(await porcelain(repo)).includes("D  .task-golem"), "deletion never staged");
  } finally {
    await repo.cleanup();
  }
});

Deno.test("Coordinator serializes commands in arrival order", async () => {
  const repo = await testRepo([item("WRK-001", "New")]);
  try {
    const { coord } = await start(repo);
    const order: string[] = [];
    await Promise.all([
      coord.updateItem("WRK-001", [{ kind: "SetPhase", phase: "a" }]).then(() => order.push("a")),
      coord.snapshot().then((s) => order.push(`snap:${new PgItem(s[0]!).phase()}`)),
      coord.updateItem("WRK-001", [{ kind: "SetPhase", phase: "b" }]).then(() => order.push("b")),
      coord.snapshot().then((s) => order.push(`snap:${new PgItem(s[0]!).phase()}`)),
    ]);
    assert.deepEqual(order, ["a", "snap:a", "b", "snap:b"]);
  } finally {
    await repo.cleanup();
  }
});
