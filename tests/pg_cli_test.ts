// Black-box tests of `pg`: the real CLI in temporary git repositories.

import assert from "node:assert/strict";
import {
  applyUpdate,
  FixedClock,
  type Item,
  newPgItem,
  PgItem,
  type PgStatus,
  TaskStore,
} from "../mod.ts";
import { FIXTURES, readText, tempRepo } from "./_helpers.ts";
import { commitAll, git, makeStore, pg } from "./_pg.ts";

const CLOCK = new FixedClock({ secs: 1767225600, nanos: 0 });

function pgItem(
  id: string,
  title: string,
  status: PgStatus,
  setup: (pg: PgItem) => void = () => {},
): Item {
  const item = newPgItem(id, title, { now: "2026-01-01T00:00:00Z" });
  const view = new PgItem(item, { clock: CLOCK });
  const path: Record<PgStatus, PgStatus[]> = {
    New: [],
    Scoping: ["Scoping"],
    Ready: ["Scoping", "Ready"],
    InProgress: ["Scoping", "Ready", "InProgress"],
    Done: ["Scoping", "Ready", "InProgress", "Done"],
    Blocked: [],
  };
  for (const to of path[status]) applyUpdate(view, { kind: "TransitionStatus", to });
  setup(view);
  return item;
}

Deno.test("pg --version, --help and usage errors", async () => {
  const repo = await tempRepo(false);
  try {
    const v = await pg(["--version"], repo.dir);
    assert.deepEqual([v.code, v.stdout, v.stderr], [0, "pg 0.1.0\n", ""]);
    const h = await pg(["--help"], repo.dir);
    assert.equal(h.code, 0);
    for (const c of ["init", "status", "advance", "unblock", "migrate", "--root", "--log-level"]) {
      assert.ok(h.stdout.includes(c), c);
    }
    const none = await pg([], repo.dir);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /Usage: pg \[OPTIONS\] <COMMAND>/);
    const bad = await pg(["status", "--nope"], repo.dir);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^error: unexpected argument '--nope' found/);
    assert.equal(bad.stdout, "");
  } finally {
    await repo.cleanup();
  }
});

Deno.test("pg status prints the sorted table and JSON; config and store errors fail", async () => {
  const repo = await tempRepo();
  try {
    await makeStore(repo.dir, [
      pgItem("WRK-001", "A new item", "New"),
      pgItem("WRK-002", "A ready item with a really long title that gets cut", "Ready", (p) => {
        p.setImpact("low");
      }),
      pgItem("WRK-003", "Building", "InProgress", (p) => {
        p.setPhase("build");
        p.setPipelineType("feature");
        p.setImpact("medium");
        p.setSize("large");
        p.setRisk("high");
      }),
      pgItem("WRK-004", "Ready and important", "Ready", (p) => p.setImpact("high")),
      pgItem("WRK-005", "Stuck", "Ready", (p) => {
        applyUpdate(p, { kind: "SetBlocked", reason: "why" });
      }),
      pgItem("tg-zzzzz", "Ünïcödé title of exactly thirty-six", "Scoping", (p) => {
        p.setPhase("research");
      }),
    ]);
    const r = await pg(["status"], repo.dir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      [
        "ID           STATUS       PHASE        PIPELINE   IMPACT   SIZE     RISK     TITLE",
        "-".repeat(94),
        "WRK-003      inprogress   build        feature    medium   large    high     Building",
        "WRK-005      blocked      -            -          -        -        -        Stuck",
        "WRK-004      ready        -            -          high     -        -        Ready and important",
        "WRK-002      ready        -            -          low      -        -        A ready item with a really long t...",
        "tg-zzzzz     scoping      research     -          -        -        -        Ünïcödé title of exactly thirty-six",
        "WRK-001      new          -            -          -        -        -        A new item",
        "",
        "6 item(s) total",
        "",
      ].join("\n"),
    );
    const j = await pg(["status", "--json"], repo.dir);
    const rows = JSON.parse(j.stdout) as { id: string; status: string }[];
    assert.deepEqual(rows.map((x) => [x.id, x.status]), [
      ["WRK-003", "in_progress"],
      ["WRK-005", "blocked"],
      ["WRK-004", "ready"],
      ["WRK-002", "ready"],
      ["tg-zzzzz", "scoping"],
      ["WRK-001", "new"],
    ]);

    await Deno.writeTextFile(`${repo.dir}/phase-golem.toml`, "[execution]\nmax_wip = 0\n");
    const invalid = await pg(["status"], repo.dir);
    assert.deepEqual([invalid.code, invalid.stdout], [1, ""]);
    assert.equal(
      invalid.stderr,
      `Error: Config validation failed in ${repo.dir}/phase-golem.toml:\n  - execution.max_wip must be >= 1\n`,
    );
    const missing = await pg(["--config", "nope.toml", "status"], repo.dir);
    assert.equal(missing.stderr, `Error: Config file not found: ${repo.dir}/nope.toml\n`);
    await Deno.remove(`${repo.dir}/phase-golem.toml`);

    await Deno.writeTextFile(
      `${repo.dir}/.task-golem/tasks.jsonl`,
      '{"schema_version":1}\n{"id":\n',
    );
    const corrupt = await pg(["status"], repo.dir);
    assert.equal(corrupt.code, 1);
    assert.match(
      corrupt.stderr,
      /^Error: Storage corruption: Malformed item on line 2: .*\. Recovery: `git checkout \.task-golem\/tasks\.jsonl`\n$/,
    );
  } finally {
    await repo.cleanup();
  }
});

Deno.test("pg advance moves through main phases, reports every refusal, commits when clean", async () => {
  const repo = await tempRepo();
  try {
    await makeStore(repo.dir, [
      pgItem("WRK-001", "In progress", "InProgress", (p) => {
        p.setPhase("spec");
        p.setPhasePool("main");
      }),
      pgItem("WRK-002", "Ready", "Ready"),
      pgItem("WRK-003", "No phase", "InProgress"),
      pgItem("WRK-004", "Last", "InProgress", (p) => p.setPhase("review")),
      pgItem("WRK-005", "Odd phase", "InProgress", (p) => p.setPhase("research")),
      pgItem("WRK-006", "Odd pipeline", "InProgress", (p) => p.setPipelineType("blog")),
    ]);
    await commitAll(repo.dir);
    const tasks = `${repo.dir}/.task-golem/tasks.jsonl`;
    const before = await readText(tasks);
    const refusals: [string[], string][] = [
      [["advance", "WRK-404"], "Item not found: WRK-404"],
      [["advance", "WRK-002"], "Cannot advance WRK-002: status is Ready, expected InProgress"],
      [["advance", "WRK-003"], "Cannot advance WRK-003: no current phase set"],
      [["advance", "WRK-004"], "Cannot advance WRK-004: 'review' is the final phase"],
      [["advance", "WRK-005"], "Current phase 'research' not found in pipeline"],
      [["advance", "WRK-006"], "Pipeline type 'blog' not found in config"],
      [
        ["advance", "WRK-001", "--to", "research"],
        "Invalid phase 'research': expected one of prd, tech-research, design, spec, build, review",
      ],
    ];
    for (const [args, message] of refusals) {
      const r = await pg(args, repo.dir);
      assert.deepEqual(
        [r.code, r.stdout, r.stderr],
        [1, "", `Error: ${message}\n`],
        args.join(" "),
      );
    }
    assert.equal(await readText(tasks), before);

    const next = await pg(["advance", "WRK-001"], repo.dir);
    assert.deepEqual([next.code, next.stdout], [0, "Advanced WRK-001 from spec to build\n"]);
    assert.equal(
      await git(["log", "-1", "--format=%s"], repo.dir),
      "[WRK-001][advance] Advanced to build",
    );
    assert.equal(await git(["status", "--porcelain"], repo.dir), "");

    // A dirty tree: the change is saved but not committed.
    await Deno.writeTextFile(`${repo.dir}/notes.txt`, "wip\n");
    const to = await pg(["advance", "WRK-003", "--to", "design"], repo.dir);
    assert.deepEqual([to.code, to.stdout], [0, "Advanced WRK-003 to design\n"]);
    assert.match(to.stderr, /not committing/);
    assert.equal(
      await git(["log", "-1", "--format=%s"], repo.dir),
      "[WRK-001][advance] Advanced to build",
    );
    const item = (await new TaskStore(`${repo.dir}/.task-golem`).loadActive()).find((i) =>
      i.id === "WRK-003"
    )!;
    assert.equal(item.extensions["x-pg-phase"], "design");
    assert.equal(item.extensions["x-pg-phase-pool"], "main");
  } finally {
    await repo.cleanup();
  }
});

Deno.test("pg unblock restores the status, records notes, approves guardrail blocks", async () => {
  const repo = await tempRepo();
  try {
    await makeStore(repo.dir, [
      pgItem("WRK-001", "Was in progress", "InProgress", (p) => {
        p.setPhase("build");
        p.setLastPhaseCommit("abc123");
        applyUpdate(p, { kind: "SetBlocked", reason: "Agent failed" });
      }),
      pgItem("WRK-002", "Guardrail", "Scoping", (p) => {
        p.setPhase("research");
        p.setPhasePool("pre");
        p.setRequiresHumanReview(true);
        applyUpdate(p, {
          kind: "SetBlocked",
          reason: "Requires human review before entering pipeline",
        });
      }),
      pgItem("WRK-003", "Not blocked", "New"),
    ]);
    await commitAll(repo.dir);
    const notBlocked = await pg(["unblock", "WRK-003"], repo.dir);
    assert.deepEqual([notBlocked.code, notBlocked.stderr], [
      1,
      "Error: Cannot unblock WRK-003: status is New, expected Blocked\n",
    ]);
    const r = await pg(["unblock", "WRK-001", "--notes", "Try the other API"], repo.dir);
    assert.deepEqual([r.code, r.stdout], [0, "Unblocked WRK-001 -- restored to InProgress\n"]);
    assert.equal(await git(["log", "-1", "--format=%s"], repo.dir), "[WRK-001][unblock] Unblocked");
    const g = await pg(["unblock", "WRK-002"], repo.dir);
    assert.deepEqual([g.code, g.stdout], [0, "Unblocked WRK-002 -- restored to Ready\n"]);
    const items = new Map(
      (await new TaskStore(`${repo.dir}/.task-golem`).loadActive()).map((i) => [i.id, i]),
    );
    const one = new PgItem(items.get("WRK-001")!);
    assert.equal(one.unblockContext(), "Try the other API");
    assert.equal(one.lastPhaseCommit(), null);
    assert.equal(one.blockedReason, null);
    assert.equal(one.phase(), "build");
    const two = new PgItem(items.get("WRK-002")!);
    assert.deepEqual([two.status(), two.phase(), two.requiresHumanReview()], [
      "Ready",
      null,
      false,
    ]);
  } finally {
    await repo.cleanup();
  }
});

Deno.test("pg migrate imports the v1 fixture; status shows the YAML's items; a rerun is a no-op", async () => {
  const repo = await tempRepo();
  try {
    const src = `${FIXTURES}/backlog-yaml/02da0f6-20260216-v1-tests_fixtures_backlog_v1_full.yaml`;
    await Deno.copyFile(src, `${repo.dir}/BACKLOG.yaml`);
    await Deno.writeTextFile(`${repo.dir}/.gitignore`, ".phase-golem/\n");
    await commitAll(repo.dir);
    const dry = await pg(["migrate", "--dry-run"], repo.dir);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(
      dry.stdout,
      /^WRK-001 → tasks\.jsonl {2}doing\/InProgress {2}phase build \(main\)/,
    );
    assert.match(dry.stdout, /Dry run: 5 items would be migrated .*nothing written\n$/);
    assert.equal(await readText(`${repo.dir}/.task-golem/tasks.jsonl`), null);

    const m = await pg(["migrate", "--commit"], repo.dir);
    assert.equal(m.code, 0, m.stderr);
    assert.match(
      m.stdout,
      /^Migrated 5 items from .*\/BACKLOG\.yaml \(4 active, 1 archived, 0 from inbox\)\n/,
    );
    assert.match(m.stderr, /Item WRK-004: status 'researching' upgraded to 'scoping'/);
    assert.equal(
      await git(["log", "-1", "--format=%s"], repo.dir),
      "[phase-golem] Migrate legacy backlog to task-golem (5 items)",
    );
    assert.equal(await git(["status", "--porcelain"], repo.dir), "");

    const s = await pg(["status"], repo.dir);
    const lines = s.stdout.split("\n").slice(2, 6).map((l) => l.split(/\s+/).slice(0, 3).join(" "));
    assert.deepEqual(lines, [
      "WRK-001 inprogress build",
      "WRK-003 blocked research",
      "WRK-005 ready -",
      "WRK-004 scoping research",
    ]);
    assert.match(s.stdout, /\n4 item\(s\) total\n$/);
    assert.match(
      (await readText(`${repo.dir}/.task-golem/archive.jsonl`))!,
      /"id":"WRK-002".*"status":"done"/,
    );

    const tasks = await readText(`${repo.dir}/.task-golem/tasks.jsonl`);
    const again = await pg(["migrate"], repo.dir);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /^Migrated 0 items .*\nSkipped 5 items already in the store\n/);
    assert.equal(again.stderr, "");
    assert.equal(await readText(`${repo.dir}/.task-golem/tasks.jsonl`), tasks);
  } finally {
    await repo.cleanup();
  }
});

Deno.test("pg migrate refuses bad input with an exact error and writes nothing", async () => {
  const repo = await tempRepo();
  try {
    const fixtures = `${FIXTURES}/backlog-yaml`;
    const cases: [string | null, RegExp][] = [
      [null, /^Error: Backlog file not found: .*\/BACKLOG\.yaml\n$/],
      [
        await Deno.readTextFile(
          `${fixtures}/02da0f6-20260216-v99-tests_fixtures_backlog_wrong_version.yaml`,
        ),
        /^Error: Unsupported schema_version 99 in .*\/BACKLOG\.yaml \(expected 3\)\n$/,
      ],
      [
        "schema_version: 3\nitems: [\n",
        /^Error: Failed to parse .*BACKLOG\.yaml:\n {2}- .* at line \d+, column \d+\n$/,
      ],
      [
        "schema_version: 3\nitems:\n- {id: A, title: T, status: new, created: 2026-01-01T00:00:00Z, updated: 2026-01-01T00:00:00Z}\n" +
        "- {id: A, title: U, status: new, created: 2026-01-01T00:00:00Z, updated: 2026-01-01T00:00:00Z}\n",
        /^Error: Invalid backlog .*BACKLOG\.yaml:\n {2}- item A: duplicate ID \(items #1 and #2\)\n$/,
      ],
    ];
    for (const [text, expected] of cases) {
      if (text === null) await Deno.remove(`${repo.dir}/BACKLOG.yaml`).catch(() => {});
      else await Deno.writeTextFile(`${repo.dir}/BACKLOG.yaml`, text);
      const r = await pg(["migrate"], repo.dir);
      assert.equal(r.code, 1);
      assert.match(r.stderr, expected);
      assert.equal(r.stdout, "");
      assert.equal(await readText(`${repo.dir}/.task-golem/tasks.jsonl`), null);
    }
  } finally {
    await repo.cleanup();
  }
});

Deno.test("pg migrate waits for nobody: a held run lock is an error", async () => {
  const repo = await tempRepo();
  try {
    await Deno.mkdir(`${repo.dir}/.phase-golem`);
    await Deno.writeTextFile(`${repo.dir}/BACKLOG.yaml`, "schema_version: 3\nitems: []\n");
    const file = await Deno.open(`${repo.dir}/.phase-golem/phase-golem.lock`, {
      create: true,
      write: true,
    });
    try {
      await file.lock(true);
      await Deno.writeTextFile(`${repo.dir}/.phase-golem/phase-golem.pid`, `${Deno.pid}\n`);
      const r = await pg(["migrate"], repo.dir);
      assert.deepEqual([r.code, r.stderr], [
        1,
        `Error: Another phase-golem instance is running (PID ${Deno.pid})\n`,
      ]);
    } finally {
      file.close();
    }
  } finally {
    await repo.cleanup();
  }
});
