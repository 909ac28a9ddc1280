// deno-lint-ignore-file no-console
/**
 * `tg query` as a black box: output compared with the upstream binary on the
 * fixture stores, the archived-dependency fix, the sandbox (the store's bytes
 * never change), the timeout, cache rebuilds after our and upstream's writes,
 * queries while writers run, and a store directory we may not write.
 */

import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import {
  copyFixtureStore,
  FIXTURE_STORES,
  type Output,
  run,
  rustTg,
  rustUnavailable,
  tempRepo,
  tg,
  TG_ENTRY,
  tgInProcess,
} from "./_helpers.ts";
import { xxh3 } from "../lib/store/xxh3.ts";

const rustReason = await rustUnavailable();
if (rustReason) console.log(`skipping comparisons with the Rust tg: ${rustReason}`);

const FIXTURES: string[] = [];
for await (const e of Deno.readDir(FIXTURE_STORES)) if (e.isDirectory) FIXTURES.push(e.name);
FIXTURES.sort();

/**
 * Queries whose results the schema-2 fix does not change. (No `avg()` over
 * priorities: SQLite 3.53 sums floats more exactly than upstream's 3.40, so
 * extreme i64 priorities average differently.)
 */
const SAME_AS_UPSTREAM = [
  "select * from tasks order by id",
  "select * from task_tags order by task_id, tag",
  "select * from task_deps order by task_id, dep_id",
  "select id, title, status, priority, parent, depth_from_root from task_view order by id",
  "select status, count(*) as n, sum(priority), max(length(title)), min(created_at) from tasks group by status order by status",
  "select * from tasks where 0",
  "pragma table_info",
  "select 1.5, 1e16, 1e-7, 12.0, -0.0, 9007199254740992, 9007199254740993, -9007199254740993, x'00', null, 9e999, -9e999, 0.1 + 0.2, 'Céline', 'tab\there'",
];

async function withFixture(name: string, fn: (dir: string) => Promise<void>): Promise<void> {
  const repo = await tempRepo(false);
  try {
    await copyFixtureStore(name, repo.dir);
    await fn(repo.dir);
  } finally {
    await repo.cleanup();
  }
}

async function withStore(fn: (dir: string) => Promise<void>): Promise<void> {
  const repo = await tempRepo(false);
  try {
    assert.equal((await tg(["init"], { cwd: repo.dir })).code, 0);
    await fn(repo.dir);
  } finally {
    await repo.cleanup();
  }
}

function ok(r: Output, what: string): Output {
  assert.equal(r.code, 0, `${what}: exit ${r.code}, stderr ${r.stderr}`);
  return r;
}

/** Hashes of every store file except the cache itself. */
async function storeDigest(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for await (const e of Deno.readDir(`${dir}/.task-golem`)) {
    if (e.isFile && !e.name.startsWith("cache.db")) {
      out[e.name] = xxh3(await Deno.readFile(`${dir}/.task-golem/${e.name}`)).toString(16);
    }
  }
  return out;
}

Deno.test({
  name: "tg query prints what the Rust tg prints on every fixture store (human and --json)",
  ignore: rustReason !== null,
  async fn() {
    for (const fixture of FIXTURES) {
      await withFixture(fixture, async (dir) => {
        for (const sql of SAME_AS_UPSTREAM) {
          for (const json of [[], ["--json"]]) {
            // Ours in-process: 90 comparisons (the binary's queries are tested below).
            const ours = await tgInProcess(["query", ...json, sql], { cwd: dir });
            const rust = await rustTg(["query", ...json, sql], { cwd: dir });
            const what = `${fixture}: ${json.join("")} ${sql}`;
            assert.equal(ours.code, rust.code, what);
            assert.equal(ours.stdout, rust.stdout, what);
            assert.equal(ours.stderr, rust.stderr, what);
          }
        }
      });
    }
  },
});

Deno.test("tg query: task_view.is_ready agrees with tg ready (archived dependencies count as met)", async () => {
  for (const fixture of FIXTURES) {
    await withFixture(fixture, async (dir) => {
      const sql = "select id from task_view where is_ready = 1 order by id";
      const view = JSON.parse(ok(await tg(["query", "--json", sql], { cwd: dir }), sql).stdout);
      const fromView = view.rows.map((r: string[]) => r[0]);
      const ready = JSON.parse(ok(await tg(["ready", "--json"], { cwd: dir }), "ready").stdout)
        .map((i: { id: string }) => i.id).sort();
      assert.deepEqual(fromView, ready, fixture);
    });
  }
  // The generated fixture has an item whose only dependency is archived:
  // upstream's cache calls it blocked, tg ready (and our cache) ready.
  await withFixture("tg-0.3.0-generated", async (dir) => {
    const sql = "select is_ready, unmet_dep_count from task_view where id = 'tg-n3ajq'";
    assert.equal(
      ok(await tg(["query", sql], { cwd: dir }), sql).stdout,
      "is_ready  unmet_dep_count\n1         0              \n",
    );
    if (rustReason === null) {
      assert.equal(
        (await rustTg(["query", sql], { cwd: dir })).stdout,
        "is_ready  unmet_dep_count\n0         1              \n",
      );
    }
  });
});

Deno.test("tg query refuses every forbidden statement (exit 1) and never changes the store", async () => {
  await withFixture("tg-0.3.0-generated", async (dir) => {
    ok(await tg(["query", "select 1"], { cwd: dir }), "warm-up");
    const before = await storeDigest(dir);
    const cacheBefore = xxh3(await Deno.readFile(`${dir}/.task-golem/cache.db`));
    const statements = [
      "insert into tasks(id) values ('x')",
      "update tasks set title = 'x'",
      "delete from task_view",
      "drop table tasks",
      "create table t(x)",
      "create index i on tasks(title)",
      "alter table tasks rename to t",
      "attach 'other.db' as o",
      "begin immediate",
      "savepoint s",
      "vacuum",
      "vacuum into 'copy.db'",
      "reindex",
      "analyze",
      "pragma user_version = 7",
      "pragma journal_mode = wal",
      "pragma query_only = off",
      "select load_extension('libx')",
    ];
    for (const sql of statements) {
      const r = await tg(["query", sql], { cwd: dir });
      assert.equal(r.code, 1, sql);
      assert.match(r.stderr, /^Error: Query denied by sandbox: statement (contains|uses) /, sql);
      assert.equal(r.stdout, "", sql);
      const j = await tg(["query", "--json", sql], { cwd: dir });
      const err = JSON.parse(j.stderr);
      assert.equal(err["exit_code"], 1);
      assert.ok(err.error.startsWith("Query denied by sandbox: "), sql);
    }
    assert.deepEqual(await storeDigest(dir), before);
    assert.equal(xxh3(await Deno.readFile(`${dir}/.task-golem/cache.db`)), cacheBefore);
    for (const f of ["other.db", "copy.db", ".task-golem/copy.db", ".task-golem/other.db"]) {
      assert.equal(await Deno.stat(`${dir}/${f}`).catch(() => null), null, f);
    }
    const syntax = await tg(["--json", "query", "select x"], { cwd: dir });
    assert.equal(syntax.code, 1);
    assert.equal(
      syntax.stderr,
      '{"error":"Query syntax error: no such column: x","exit_code":1}\n',
    );
  });
});

Deno.test("tg query --timeout stops a statement that never ends (exit 1)", async () => {
  await withStore(async (dir) => {
    const forever = "with recursive c(x) as (select 1 union all select x + 1 from c) " +
      "select count(*) from c";
    const t0 = performance.now();
    const r = await tg(["query", "--timeout", "1", forever], { cwd: dir });
    const ms = performance.now() - t0;
    assert.equal(r.code, 1);
    assert.equal(r.stderr, "Error: Query exceeded timeout of 1s. Use --timeout N to extend.\n");
    assert.equal(r.stdout, "");
    assert.ok(ms >= 1000 && ms < 4000, `took ${ms} ms`);
    const zero = await tg(["--json", "query", "--timeout", "0", "select 1"], { cwd: dir });
    assert.equal(zero.code, 1);
    assert.equal(
      zero.stderr,
      '{"error":"Query exceeded timeout of 0s. Use --timeout N to extend.","exit_code":1}\n',
    );
  });
});

Deno.test("tg query rebuilds the cache after our writes and after the Rust tg's writes", async () => {
  await withStore(async (dir) => {
    const count = async () =>
      ok(await tg(["--verbose", "query", "select count(*) from tasks"], { cwd: dir }), "count");
    let r = await count();
    assert.match(r.stderr, /^rebuilding cache \(\d+ ms\)\n$/);
    assert.equal(r.stdout, "count(*)\n0       \n");
    r = await count();
    assert.equal(r.stderr, "", "a fresh cache is not rebuilt");
    ok(await tg(["add", "first"], { cwd: dir }), "add");
    r = await count();
    assert.match(r.stderr, /^rebuilding cache/);
    assert.equal(r.stdout, "count(*)\n1       \n");
    if (rustReason !== null) return;
    ok(await rustTg(["add", "from rust"], { cwd: dir }), "rust add");
    r = await count();
    assert.match(r.stderr, /^rebuilding cache/);
    assert.equal(r.stdout, "count(*)\n2       \n");
    // Upstream rebuilds our v2 cache as v1 and we rebuild it back: both keep working.
    const rq = await rustTg(
      ["query", "select value from _cache_meta where key = 'schema_version'"],
      {
        cwd: dir,
      },
    );
    assert.equal(rq.stdout, "value\n1    \n");
    r = await tg(["query", "select value from _cache_meta where key = 'schema_version'"], {
      cwd: dir,
    });
    assert.equal(r.stdout, "value\n2    \n");
  });
});

Deno.test({
  name: "tg query's XXH3 stamp of tasks.jsonl equals the one the Rust tg stores",
  ignore: rustReason !== null,
  async fn() {
    await withFixture("tg-0.3.0-generated", async (dir) => {
      ok(await rustTg(["query", "select 1"], { cwd: dir }), "rust query");
      const db = new DatabaseSync(`${dir}/.task-golem/cache.db`, { readOnly: true });
      const row = db.prepare("select value from _cache_meta where key = 'jsonl_xxh3'").get() as {
        value: string;
      };
      db.close();
      const bytes = await Deno.readFile(`${dir}/.task-golem/tasks.jsonl`);
      assert.equal(xxh3(bytes).toString(), row.value);
    });
  },
});

Deno.test("tg query answers while our and the Rust tg's writers run", async () => {
  await withStore(async (dir) => {
    const writers: Promise<Output>[] = [];
    for (let i = 0; i < 6; i++) {
      writers.push(tg(["add", `ours ${i}`], { cwd: dir }));
      if (rustReason === null) writers.push(rustTg(["add", `rust ${i}`], { cwd: dir }));
    }
    const queries: Promise<Output>[] = [];
    for (let i = 0; i < 6; i++) {
      queries.push(tg(["query", "--json", "select count(*) from task_view"], { cwd: dir }));
    }
    const [w, q] = await Promise.all([Promise.all(writers), Promise.all(queries)]);
    for (const r of w) ok(r, "writer");
    let last = -1;
    for (const r of q) {
      ok(r, "query");
      const n = JSON.parse(r.stdout).rows[0][0];
      assert.ok(n >= 0 && n <= writers.length, `count ${n}`);
      last = Math.max(last, n);
    }
    const final = JSON.parse(
      ok(await tg(["query", "--json", "select count(*) from tasks"], { cwd: dir }), "final")
        .stdout,
    );
    assert.equal(final.rows[0][0], writers.length);
  });
});

Deno.test("tg query works in a store directory it may not write: the cache is built in memory", async () => {
  await withStore(async (dir) => {
    ok(await tg(["add", "one"], { cwd: dir }), "add");
    ok(await tg(["query", "select 1"], { cwd: dir }), "builds cache.db");
    ok(await tg(["add", "two"], { cwd: dir }), "makes cache.db stale");
    const elsewhere = await Deno.makeTempDir();
    try {
      const r = await run(Deno.execPath(), [
        "run",
        "--quiet",
        "--allow-read",
        `--allow-write=${elsewhere}`,
        "--allow-env",
        "--allow-run=git",
        TG_ENTRY,
        "--verbose",
        "query",
        "select title from tasks order by title",
      ], { cwd: dir });
      ok(r, "read-only query");
      assert.equal(r.stdout, "title\none  \ntwo  \n", "not the stale cache.db");
      assert.equal(
        r.stderr.split("\n")[0],
        `note: cache directory ${dir}/.task-golem unwritable; using in-memory cache for this invocation`,
      );
    } finally {
      await Deno.remove(elsewhere, { recursive: true });
    }
  });
});

Deno.test("tg query --schema needs no store; a missing SQL string is an input error", async () => {
  const repo = await tempRepo(false);
  try {
    const r = ok(await tg(["query", "--schema"], { cwd: repo.dir }), "--schema");
    assert.ok(r.stdout.startsWith("# task-golem cache schema (v2)\n\n> "));
    assert.ok(r.stdout.includes("CREATE TABLE task_view (\n"));
    assert.ok(r.stdout.endsWith(".\n\n"));
    const none = await tg(["query"], { cwd: repo.dir });
    assert.equal(none.code, 1);
    assert.equal(none.stderr, "Error: tg query requires a SQL string (or pass --schema)\n");
    const noStore = await tg(["query", "select 1"], { cwd: repo.dir });
    assert.equal(noStore.code, 1);
    assert.match(noStore.stderr, /^Error: No task-golem project found/);
  } finally {
    await repo.cleanup();
  }
});

Deno.test("tg query reports a store the cache cannot hold with upstream's errors", async () => {
  await withStore(async (dir) => {
    ok(await tg(["add", "a"], { cwd: dir }), "add a");
    ok(await tg(["add", "b"], { cwd: dir }), "add b");
    const path = `${dir}/.task-golem/tasks.jsonl`;
    const lines = (await Deno.readTextFile(path)).trimEnd().split("\n");
    await Deno.writeTextFile(path, [...lines, lines[1]!].join("\n") + "\n");
    const id = JSON.parse(lines[1]!).id;
    const r = await tg(["query", "select 1"], { cwd: dir });
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr.split("\n")[0],
      `Error: Storage corruption: duplicate task id in tasks.jsonl: ${id}`,
    );
    if (rustReason === null) {
      assert.equal(
        (await rustTg(["query", "select 1"], { cwd: dir })).stderr.split("\n")[0],
        r.stderr.split("\n")[0],
      );
    }
  });
});

Deno.test("tg doctor compares cache.db with a fresh build; --fix installs one tg query uses as is", async () => {
  await withStore(async (dir) => {
    ok(await tg(["add", "a"], { cwd: dir }), "add");
    ok(await tg(["query", "select 1"], { cwd: dir }), "query");
    ok(await tg(["add", "b"], { cwd: dir }), "add");
    const found = await tg(["doctor"], { cwd: dir });
    assert.match(
      found.stdout,
      /\[warning\] cache_drift: Cache disagrees with fresh rebuild: row count in tasks \(1 vs 2\)/,
    );
    ok(await tg(["doctor", "--fix"], { cwd: dir }), "doctor --fix");
    ok(await tg(["doctor"], { cwd: dir }), "doctor after the fix");
    const r = ok(await tg(["--verbose", "query", "select count(*) from tasks"], { cwd: dir }), "q");
    assert.equal(r.stderr, "", "the installed cache is fresh");
    assert.equal(r.stdout, "count(*)\n2       \n");
    const names = [];
    for await (const e of Deno.readDir(`${dir}/.task-golem`)) names.push(e.name);
    assert.deepEqual(names.filter((n) => n.startsWith("cache.db")), ["cache.db"]);
  });
});
