// deno-lint-ignore-file no-console
/**
 * `tg doctor [--fix]` on corrupted copies of the fixture stores: every
 * injected problem is found (the same report as the Rust peer, in sorted
 * order), `--fix` repairs what can be repaired after writing backups, a
 * second run finds nothing, and the exit code says whether problems remain.
 */

import assert from "node:assert/strict";
import { FIXTURE_STORES, rustUnavailable, tg } from "./_helpers.ts";
import { eventLine, HEADER, itemLine, storeFile, storeNames, storeRepo, twin } from "./_stores.ts";

const RUST_SKIP = await rustUnavailable();
if (RUST_SKIP) console.log(`skipping Rust comparisons: ${RUST_SKIP}`);

const FIXTURES: string[] = [];
for await (const e of Deno.readDir(FIXTURE_STORES)) if (e.isDirectory) FIXTURES.push(e.name);
FIXTURES.sort();

interface Issue {
  type: string;
  severity: string;
  message: string;
  details?: string;
}

interface Report {
  issues: Issue[];
  summary: { total: number; "by_type": Record<string, number> };
  remaining?: Issue[];
}

/** Adds a dependency on `tg-ghost` to line `at` of a tasks file. */
function addDanglingDep(tasks: string, at: number): string {
  const lines = tasks.split("\n");
  lines[at] = lines[at]!.replace(
    /"dependencies":\[(\]?)/,
    (_m, close: string) => `"dependencies":["tg-ghost"${close === "]" ? "]" : ","}`,
  );
  return lines.join("\n");
}

/** The line index (≥ 1) of the first item that is nobody's parent. */
function childlessLine(file: string): number {
  const lines = file.split("\n");
  const parents = new Set([...file.matchAll(/"parent":"([^"]*)"/g)].map((m) => m[1]));
  return lines.findIndex((l, i) => i > 0 && l !== "" && !parents.has(/"id":"([^"]*)"/.exec(l)![1]));
}

/**
 * Injects every problem `--fix` can repair into a copy of a fixture: a torn
 * tasks line, an item in both files with events in the active log (one also
 * in the archive log), a dangling dependency, an unreadable archive line,
 * an archived item with a missing parent, a short `.gitignore`.
 */
async function corrupt(dir: string): Promise<{ both: string; depender: string }> {
  const d = `${dir}/.task-golem`;
  const tasks = await Deno.readTextFile(`${d}/tasks.jsonl`);
  const at = childlessLine(tasks);
  const bothLine = tasks.split("\n")[at]!.replace(/"status":"[a-z]+"/, '"status":"done"');
  const both = /"id":"([^"]*)"/.exec(bothLine)![1]!;
  const other = at === 1 ? 2 : 1;
  const depender = /"id":"([^"]*)"/.exec(tasks.split("\n")[other]!)![1]!;
  await Deno.writeTextFile(
    `${d}/tasks.jsonl`,
    addDanglingDep(tasks, other) + '{"id":"tg-torn","title":"x\n',
  );
  await Deno.writeTextFile(
    `${d}/archive.jsonl`,
    bothLine + "\n" + itemLine("tg-orphan-kid", { status: "done", parent: "tg-gone" }) +
      itemLine("tg-caps", { status: "Done" }),
    { append: true },
  );
  await Deno.writeTextFile(`${d}/.gitignore`, "cache.db\n");
  const dup = eventLine(both, "2026-01-05T00:00:00.000000Z", "note", "in both logs");
  await Deno.writeTextFile(
    `${d}/events.jsonl`,
    dup + eventLine(both, "2026-01-06T00:00:00.000000Z", "note", "only in the active log"),
    { append: true },
  );
  await Deno.writeTextFile(`${d}/events.archive.jsonl`, dup, { append: true });
  return { both, depender };
}

function sortIssues(issues: Issue[]): Issue[] {
  return [...issues].sort((a, b) =>
    (a.type + a.message) < (b.type + b.message)
      ? -1
      : (a.type + a.message) > (b.type + b.message)
      ? 1
      : 0
  );
}

for (const fixture of FIXTURES) {
  Deno.test(`tg doctor on a corrupted copy of ${fixture}: finds each problem, --fix repairs it with backups, a second run is clean`, async () => {
    const t = await twin(fixture);
    try {
      const clean = await t.tg(["doctor"]);
      assert.deepEqual([clean.code, clean.stdout], [0, "No issues found. Store is healthy.\n"]);
      const { both, depender } = await corrupt(t.ours.dir);
      if (t.rust) await corrupt(t.rust.dir);
      const before = new Map<string, string | null>();
      for (const f of ["tasks.jsonl", "archive.jsonl", "events.jsonl"]) {
        before.set(f, await storeFile(t.ours, f));
      }

      const found = await t.tg(["--json", "doctor"]);
      assert.equal(found.code, 1, "issues found: exit 1");
      const report = JSON.parse(found.stdout) as Report;
      const types = report.issues.map((i) => i.type);
      assert.deepEqual(
        [...new Set(types)].sort(),
        [
          "dangling_dep",
          "events_dup_across_active_and_archive",
          "events_in_active_for_archived_task",
          "gitignore_missing",
          "invalid_status",
          "items_in_both",
          "jsonl_syntax",
          "parent_dangling_archive",
        ],
      );
      const msg = (type: string) =>
        report.issues.filter((i) => i.type === type).map((i) => i.message);
      assert.deepEqual(msg("items_in_both"), [
        `Item '${both}' exists in both tasks.jsonl and archive.jsonl (partial tg done failure)`,
      ]);
      assert.ok(
        msg("dangling_dep").includes(
          `Item '${depender}' depends on 'tg-ghost' which is not in active or archive`,
        ),
      );
      assert.deepEqual(msg("events_in_active_for_archived_task"), [
        `${
          before.get("events.jsonl")!.split(`"task_id":"${both}"`).length - 1
        } event(s) in events.jsonl for archived task '${both}' — will be moved on --fix`,
      ]);
      assert.deepEqual(msg("events_dup_across_active_and_archive"), [
        `1 event(s) for task '${both}' appear in both events.jsonl and events.archive.jsonl — will be removed from active on --fix`,
      ]);
      assert.equal(report.summary.total, report.issues.length);
      assert.deepEqual(
        Object.keys(report.summary.by_type),
        Object.keys(report.summary.by_type).sort(),
      );
      if (t.rust) {
        const rust = JSON.parse((await t.rustTg(["--json", "doctor"])).stdout) as Report;
        assert.deepEqual(sortIssues(report.issues), sortIssues(rust.issues));
      }
      // the human report: one line per issue, then the hint; the exit code says problems remain
      const human = await t.tg(["doctor"]);
      assert.equal(human.code, 1);
      assert.match(human.stdout, new RegExp(`^Found ${report.issues.length} issue\\(s\\):\\n`));
      assert.ok(human.stdout.endsWith("\nRun with --fix to attempt automatic repairs.\n"));
      assert.equal(
        human.stderr,
        `Error: ${report.issues.length} issue(s) found (see the report above)\n`,
      );
      if (t.rust) {
        assert.equal((await t.rustTg(["doctor"])).code, 0, "upstream exits 0 whatever it finds");
      }

      const fix = await t.tg(["doctor", "--fix"]);
      assert.equal(fix.code, 0, fix.stderr);
      // dropped: the torn tasks line and the unreadable archive line; items_in_both 1, dangling
      // dep 1, archive parent 1, gitignore 1; events: 1 duplicate dropped, the others moved
      const nEvents = before.get("events.jsonl")!.split(`"task_id":"${both}"`).length - 1;
      assert.ok(
        fix.stdout.startsWith(`Fixed ${6 + nEvents} issues. Backups created.\n`),
        fix.stdout,
      );
      assert.ok(fix.stdout.endsWith("\nAfter repairs: no issues remain.\n"), fix.stdout);
      assert.match(
        fix.stderr,
        /Warning: dropped unreadable line \d+ of tasks\.jsonl \(kept in the backup\): \{"id":"tg-torn"/,
      );
      assert.match(
        fix.stderr,
        /Warning: dropped unreadable line \d+ of archive\.jsonl \(kept in the backup\): .*"Done"/,
      );

      const names = await storeNames(t.ours);
      for (const f of ["tasks.jsonl", "archive.jsonl", "events.jsonl"]) {
        const bak = names.filter((n) => n.startsWith(`${f}.bak.`));
        assert.equal(bak.length, 1, `one backup of ${f}: ${names}`);
        assert.match(bak[0]!, /\.bak\.\d{8}T\d{6}Z$/);
        assert.equal(
          await storeFile(t.ours, bak[0]!),
          before.get(f),
          `${f} backup holds the corrupted bytes`,
        );
      }
      const again = await t.tg(["doctor"]);
      assert.deepEqual([again.code, again.stdout, again.stderr], [
        0,
        "No issues found. Store is healthy.\n",
        "",
      ]);
      // the repaired store is readable by every command, and by the Rust peer
      assert.equal((await t.tg(["list"])).code, 0);
      assert.equal((await t.tg(["ready"])).code, 0);
      const tasks = (await storeFile(t.ours, "tasks.jsonl"))!;
      assert.ok(!tasks.includes(`"id":"${both}"`), "the archived copy wins");
      assert.ok(!tasks.includes("tg-ghost"));
      const events = (await storeFile(t.ours, "events.archive.jsonl"))!;
      assert.equal(events.split("in both logs").length - 1, 1, "the duplicate is not copied twice");
      assert.ok(events.includes("only in the active log"));
      if (t.rust) {
        const r = await t.rustTg(["doctor"], {});
        assert.equal(r.code, 0);
        await Deno.copyFile(
          `${t.ours.dir}/.task-golem/tasks.jsonl`,
          `${t.rust.dir}/.task-golem/tasks.jsonl`,
        );
        await Deno.copyFile(
          `${t.ours.dir}/.task-golem/archive.jsonl`,
          `${t.rust.dir}/.task-golem/archive.jsonl`,
        );
        await Deno.copyFile(
          `${t.ours.dir}/.task-golem/events.jsonl`,
          `${t.rust.dir}/.task-golem/events.jsonl`,
        );
        await Deno.copyFile(
          `${t.ours.dir}/.task-golem/events.archive.jsonl`,
          `${t.rust.dir}/.task-golem/events.archive.jsonl`,
        );
        await Deno.copyFile(
          `${t.ours.dir}/.task-golem/.gitignore`,
          `${t.rust.dir}/.task-golem/.gitignore`,
        );
        const rr = await t.rustTg(["doctor"]);
        assert.equal(rr.stdout, "No issues found. Store is healthy.\n", "the Rust peer agrees");
      }
    } finally {
      await t.cleanup();
    }
  });
}

/** A store with the problems doctor reports but cannot repair. */
function unfixable() {
  return {
    "tasks.jsonl": HEADER +
      itemLine("tg-a1", { dependencies: ["tg-a2"] }) +
      itemLine("tg-a2", { dependencies: ["tg-a3"] }) +
      itemLine("tg-a3", { dependencies: ["tg-a1"] }) +
      itemLine("tg-dup") + itemLine("tg-dup") +
      itemLine("tg-p1", { parent: "tg-p2" }) + itemLine("tg-p2", { parent: "tg-p1" }) +
      itemLine("tg-pd", { parent: "tg-nowhere" }) +
      itemLine("tg-self", { dependencies: ["tg-self"] }) +
      itemLine("tg-st", { status: "doing" }),
    "archive.jsonl": HEADER,
    "events.jsonl":
      eventLine("tg-st", "2026-01-02T00:00:00.123456Z", "status_transition", "", "blocked") +
      eventLine("tg-zz", "2026-01-02T00:00:00.000000Z", "note", "orphan") +
      eventLine("tg-yy", "2026-01-02T00:00:00.000000Z", "note", "orphan") +
      "bad event\n" +
      '{"v":1,"task_id":"tg-st","ts":"2026-01-01T00:00:00Z","author":"x","type":"bogus","text":""}\n' +
      '{"v":7,"anything":"goes"}\n' + '{"no_version":true}\n',
  };
}

Deno.test("tg doctor reports what it cannot repair in a sorted, deterministic order; --fix leaves it and exits 1", async () => {
  const t = await twin(unfixable());
  try {
    const r = await t.tg(["doctor"]);
    assert.equal(r.code, 1);
    assert.equal(
      r.stdout,
      `Found 10 issue(s):
  [error] duplicate_id: Duplicate ID 'tg-dup' found 2 times in tasks.jsonl
  [error] dependency_cycle: Dependency cycle detected: tg-a1 → tg-a2 → tg-a3
  [error] dependency_cycle: Dependency cycle detected: tg-self
  [error] parent_cycle: Parent cycle detected: tg-p1 → tg-p2
  [error] parent_dangling_active: Item 'tg-pd' has parent 'tg-nowhere' which is not an active task
  [error] events_malformed: events.jsonl:4: invalid JSON: expected value at line 1 column 1
  [error] events_malformed: events.jsonl:5: malformed event: unknown variant \`bogus\`, expected \`status_transition\` or \`note\`
  [warning] events_drift_status_mismatch: Task 'tg-st' status 'doing' disagrees with most-recent status_transition event 'blocked' at 2026-01-02 00:00:00.123456 UTC
  [warning] events_orphan: Orphan events for task_id 'tg-yy' (1 event(s); task not in active, archive, or pruned)
  [warning] events_orphan: Orphan events for task_id 'tg-zz' (1 event(s); task not in active, archive, or pruned)

Run with --fix to attempt automatic repairs.
`,
    );
    if (t.rust) {
      const rust = (await t.rustTg(["doctor"])).stdout.split("\n").filter((l) =>
        l.startsWith("  [")
      );
      const ours = r.stdout.split("\n").filter((l) => l.startsWith("  ["));
      // same issues; upstream's cycle rotation, hash order and parser details differ
      const norm = (l: string) =>
        l.replace(/events\.jsonl:(\d+): (invalid JSON|malformed event): .*/, "events.jsonl:$1: $2")
          .replace(/detected: .*/, "detected");
      assert.deepEqual(rust.map(norm).sort(), ours.map(norm).sort());
    }
    const before = await storeFile(t.ours, "tasks.jsonl");
    const fix = await t.tg(["--json", "doctor", "--fix"]);
    assert.equal(fix.code, 1);
    const report = JSON.parse(fix.stdout) as Report;
    assert.equal(report.remaining!.length, 10);
    assert.deepEqual(report.remaining, report.issues);
    assert.match(fix.stderr, /^Fixed 0 issues$/m);
    assert.match(
      fix.stderr,
      /\{"error":"7 issue\(s\) remain after repairs \(see the report above\)","exit_code":1\}\n$/,
    );
    assert.equal(
      await storeFile(t.ours, "tasks.jsonl"),
      before,
      "no tasks repair applies: not rewritten",
    );
    // events.jsonl: nothing to move, so every line (malformed and other versions too) is untouched
    assert.equal(await storeFile(t.ours, "events.jsonl"), unfixable()["events.jsonl"]);
  } finally {
    await t.cleanup();
  }
});

Deno.test("tg doctor finds non-x- extension keys and unsupported headers (upstream misses both) and --fix refuses to rewrite such a file", async () => {
  const tasks = '{"schema_version":2}\n' + itemLine("tg-a", { dependencies: ["tg-ghost"] });
  const repo = await storeRepo({
    "tasks.jsonl": tasks,
    "archive.jsonl": HEADER +
      itemLine("tg-b", { status: "done" }).replace('"parent":null', '"parent":null,"note":1'),
  });
  try {
    const r = await tg(["--json", "doctor"], { cwd: repo.dir });
    assert.equal(r.code, 1);
    const issues = (JSON.parse(r.stdout) as Report).issues;
    assert.deepEqual(issues.map((i) => [i.type, i.severity, i.message]), [
      ["schema_header", "error", "tasks.jsonl:1: Unsupported schema version 2 (max supported: 1)"],
      [
        "invalid_extension_key",
        "error",
        "archive.jsonl:2: Extension key 'note' must start with 'x-' prefix. Rename to 'x-note' or remove it.",
      ],
      [
        "dangling_dep",
        "warning",
        "Item 'tg-a' depends on 'tg-ghost' which is not in active or archive",
      ],
    ]);
    const fix = await tg(["doctor", "--fix"], { cwd: repo.dir });
    assert.equal(fix.code, 1);
    assert.match(
      fix.stderr,
      /Warning: tasks\.jsonl was not repaired: its first line is not a supported header/,
    );
    assert.equal(
      await storeFile(repo, "tasks.jsonl"),
      tasks,
      "unsupported header: file left alone",
    );
    assert.match(fix.stdout, /After repairs, 3 issue\(s\) remain \(repair these by hand\):\n/);
  } finally {
    await repo.cleanup();
  }
});

Deno.test("tg doctor --fix rewrites tasks.jsonl only when a tasks repair applies, and keeps items with bad keys verbatim", async () => {
  const odd = itemLine("tg-odd", { dependencies: ["tg-ghost"] }).replace(
    '"parent":null',
    '"parent":null,"legacy":true',
  );
  const tasks = HEADER + itemLine("tg-a") + odd;
  const repo = await storeRepo({ "tasks.jsonl": tasks, "archive.jsonl": HEADER, ".gitignore": "" });
  try {
    const fix = await tg(["doctor", "--fix"], { cwd: repo.dir });
    assert.equal(fix.code, 1, "the bad key and the dep it blocks remain");
    assert.match(fix.stdout, /^Fixed 1 issues\. Backups created\.\n/); // .gitignore only
    assert.equal(
      await storeFile(repo, "tasks.jsonl"),
      tasks,
      "not rewritten for a .gitignore repair",
    );
    assert.equal(
      await storeFile(repo, ".gitignore"),
      "cache.db\ncache.db-journal\ncache.db.tmp-*\n",
    );
    // now a repair applies (an item in both files): the rewrite keeps tg-odd's line as it was
    await Deno.writeTextFile(
      `${repo.dir}/.task-golem/archive.jsonl`,
      HEADER + itemLine("tg-a", { status: "done" }),
    );
    const fix2 = await tg(["doctor", "--fix"], { cwd: repo.dir });
    assert.match(fix2.stdout, /^Fixed 1 issues\./);
    assert.equal(await storeFile(repo, "tasks.jsonl"), HEADER + odd);
    const names = await storeNames(repo);
    assert.equal(
      names.filter((n) => n.startsWith("tasks.jsonl.bak.")).length,
      2,
      `earlier backups are kept: ${names}`,
    );
  } finally {
    await repo.cleanup();
  }
});

Deno.test("tg doctor reports unreadable files and lines like upstream", async () => {
  const repo = await storeRepo({
    "tasks.jsonl": "not json\n" + itemLine("tg-a"),
    "archive.jsonl": new Uint8Array([...new TextEncoder().encode(HEADER), 0xff, 0xfe, 0x0a]),
  });
  try {
    const r = await tg(["doctor"], { cwd: repo.dir });
    assert.equal(r.code, 1);
    assert.equal(
      r.stdout.split("\n").slice(0, 3).join("\n"),
      "Found 2 issue(s):\n  [error] jsonl_syntax: tasks.jsonl:1: invalid schema header\n" +
        "  [error] jsonl_syntax: archive.jsonl:2: read error: stream did not contain valid UTF-8",
    );
    await Deno.remove(`${repo.dir}/.task-golem/tasks.jsonl`);
    await Deno.mkdir(`${repo.dir}/.task-golem/tasks.jsonl`);
    const dir = await tg(["doctor"], { cwd: repo.dir });
    assert.match(dir.stdout, /\[error\] jsonl_syntax: Cannot open tasks\.jsonl: .+/);
  } finally {
    await repo.cleanup();
  }
});

Deno.test("tg doctor --fix on a healthy store changes nothing and writes no backup", async () => {
  const repo = await storeRepo("tg-0.3.0-generated");
  try {
    const before = await storeNames(repo);
    const r = await tg(["doctor", "--fix"], { cwd: repo.dir });
    assert.deepEqual([r.code, r.stdout], [0, "No issues found. Store is healthy.\n"]);
    assert.deepEqual(await storeNames(repo), before);
  } finally {
    await repo.cleanup();
  }
});

Deno.test("tg doctor --fix moves an archived task's events and keeps every other events line byte for byte", async () => {
  const enc = new TextEncoder();
  const odd = new Uint8Array([
    ...enc.encode('{"v":1,"task_id":"tg-a","text":"'),
    0xff,
    0xfe,
    ...enc.encode('"}'),
  ]);
  const keepLines = [
    enc.encode(eventLine("tg-a", "2026-01-01T00:00:00.000000Z", "note", "stays").trimEnd()),
    odd,
    enc.encode('{"v":3,"task_id":"tg-z","future":"format"}'),
  ];
  const moved = eventLine("tg-z", "2026-01-02T00:00:00.000000Z", "note", "moves");
  const events = new Uint8Array([
    ...keepLines[0]!,
    0x0a,
    ...enc.encode(moved),
    ...keepLines[1]!,
    0x0a,
    ...keepLines[2]!,
    0x0a,
  ]);
  const repo = await storeRepo({
    "tasks.jsonl": HEADER + itemLine("tg-a"),
    "archive.jsonl": HEADER + itemLine("tg-z", { status: "done" }),
    "events.jsonl": events,
  });
  try {
    const r = await tg(["doctor", "--fix"], { cwd: repo.dir });
    assert.match(r.stdout, /^Fixed 1 issues\./);
    const after = await Deno.readFile(`${repo.dir}/.task-golem/events.jsonl`);
    assert.deepEqual(
      [...after],
      [...keepLines[0]!, 0x0a, ...keepLines[1]!, 0x0a, ...keepLines[2]!, 0x0a],
    );
    assert.equal(await storeFile(repo, "events.archive.jsonl"), moved);
  } finally {
    await repo.cleanup();
  }
});

Deno.test("tg doctor --fix reloads tasks.jsonl under the lock: a write that lands after detection is kept", async () => {
  const repo = await storeRepo({
    "tasks.jsonl": HEADER + itemLine("tg-a", { dependencies: ["tg-ghost"] }),
    "archive.jsonl": HEADER,
  });
  try {
    const lock = await Deno.open(`${repo.dir}/.task-golem/tasks.lock`, { read: true, write: true });
    await lock.lock(true);
    const pending = tg(["doctor", "--fix"], { cwd: repo.dir });
    // detection and backups need no lock; wait until the backup shows doctor is at the lock
    for (let i = 0; i < 100; i++) {
      if ((await storeNames(repo)).some((n) => n.startsWith("tasks.jsonl.bak."))) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    // a concurrent writer (we hold the lock for it) adds an item
    await Deno.writeTextFile(`${repo.dir}/.task-golem/tasks.jsonl`, itemLine("tg-new"), {
      append: true,
    });
    lock.close();
    const r = await pending;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      await storeFile(repo, "tasks.jsonl"),
      HEADER + itemLine("tg-a") + itemLine("tg-new"),
    );
  } finally {
    await repo.cleanup();
  }
});

Deno.test("tg doctor exits 0 when only informational warnings remain (orphan events after tg rm)", async () => {
  const t = await twin({
    "tasks.jsonl": HEADER + itemLine("tg-kept"),
    "archive.jsonl": HEADER,
    "events.jsonl": eventLine(
      "tg-gone",
      "2026-01-02T00:00:00.000000Z",
      "note",
      "from an rm'd item",
    ),
  });
  try {
    const r = await t.tg(["doctor"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\[warning\] events_orphan: Orphan events for task_id 'tg-gone'/);
    assert.equal(r.stderr, "");
  } finally {
    await t.cleanup();
  }
});

Deno.test("tg doctor counts the tasks of an archive-pruned.jsonl without a header line as known (no orphan events)", async () => {
  const pruned = itemLine("tg-old1", { status: "done" }) + itemLine("tg-old2", { status: "done" });
  for (const prunedFile of [pruned, HEADER + pruned]) {
    const t = await twin({
      "tasks.jsonl": HEADER + itemLine("tg-kept"),
      "archive.jsonl": HEADER,
      "archive-pruned.jsonl": prunedFile,
      "events.archive.jsonl":
        eventLine("tg-old1", "2026-01-02T00:00:00.000000Z", "status_transition", "", "done") +
        eventLine("tg-old2", "2026-01-03T00:00:00.000000Z", "note", "kept") +
        eventLine("tg-lost", "2026-01-04T00:00:00.000000Z", "note", "really orphaned"),
    });
    try {
      const r = await t.tg(["doctor", "--json"]);
      const report = JSON.parse(r.stdout) as Report;
      const orphans = report.issues.filter((i) => i.type === "events_orphan");
      assert.deepEqual(orphans.map((i) => i.details), ["tg-lost"], r.stdout);
      if (t.rust !== null) {
        const rust = JSON.parse((await t.rustTg(["doctor", "--json"])).stdout) as Report;
        assert.deepEqual(
          rust.issues.filter((i) => i.type === "events_orphan").map((i) => i.details),
          ["tg-lost"],
        );
      }
    } finally {
      await t.cleanup();
    }
  }
});
