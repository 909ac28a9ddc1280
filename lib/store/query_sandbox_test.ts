import assert from "node:assert/strict";
import { ensureFreshCache } from "./cache.ts";
import { TaskStoreError } from "./errors.ts";
import { newItem } from "./item.ts";
import { importItems } from "./ops/add.ts";
import { type QueryResult, runSandboxedQuery, skipSqlTrivia } from "./query_sandbox.ts";
import { TaskStore } from "./store.ts";
import { xxh3 } from "./xxh3.ts";

const LONG =
  "This sandbox allows SELECT only (plus PRAGMA table_info/index_list/index_info). See `tg query --schema`.";
const FUNCTION = "This sandbox blocks file-access and extension-loading functions.";
const SHORT = "This sandbox allows SELECT only.";
const ACTION = "Query denied by sandbox: statement contains a disallowed action. ";
const FN = "Query denied by sandbox: statement uses a disallowed function or action. ";

/** Statement → the exact error message it must produce. */
const REFUSED: [string, string][] = [
  ["INSERT INTO tasks(id) VALUES ('x')", ACTION + LONG],
  ["insert into task_tags select * from task_tags", ACTION + LONG],
  ["REPLACE INTO tasks(id) VALUES ('x')", ACTION + LONG],
  ["UPDATE tasks SET title = 'x'", ACTION + LONG],
  ["DELETE FROM tasks", ACTION + LONG],
  ["WITH x AS (SELECT 1) DELETE FROM tasks", ACTION + LONG],
  ["DROP TABLE tasks", ACTION + LONG],
  ["DROP INDEX idx_tasks_status", ACTION + LONG],
  ["ALTER TABLE tasks ADD COLUMN z", ACTION + LONG],
  ["CREATE INDEX i ON tasks(title)", ACTION + LONG],
  ["CREATE TRIGGER tr AFTER INSERT ON tasks BEGIN SELECT 1; END", ACTION + LONG],
  ["CREATE TABLE t(x)", FN + FUNCTION],
  ["CREATE TEMP TABLE t(x)", FN + FUNCTION],
  ["CREATE VIEW v AS SELECT 1", FN + FUNCTION],
  ["ATTACH ':memory:' AS m", ACTION + LONG],
  ["DETACH main", ACTION + LONG],
  ["BEGIN", ACTION + LONG],
  ["COMMIT", ACTION + LONG],
  ["SAVEPOINT a", ACTION + LONG],
  ["RELEASE a", ACTION + LONG],
  ["REINDEX", ACTION + LONG],
  ["ANALYZE", ACTION + LONG],
  ["VACUUM", ACTION + SHORT],
  ["PRAGMA user_version", ACTION + LONG],
  ["PRAGMA user_version = 3", ACTION + LONG],
  ["PRAGMA query_only = 0", ACTION + LONG],
  ["PRAGMA writable_schema = 1", ACTION + LONG],
  ["PRAGMA journal_mode = delete", ACTION + LONG],
  ["PRAGMA table_info = tasks", ACTION + LONG],
  ["PRAGMA table_info(tasks, x)", ACTION + LONG],
  ["select * from pragma_user_version", FN + FUNCTION],
  ["SELECT load_extension('x')", FN + FUNCTION],
  ["select LOAD_EXTENSION('x', 'y')", FN + FUNCTION],
];

async function withCache(
  fn: (run: (sql: string) => Promise<QueryResult>, dir: string) => Promise<void>,
): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "golem-sandbox-" });
  try {
    const store = new TaskStore(`${root}/.task-golem`);
    await store.init();
    await importItems(store, {
      active: [newItem("tg-a", "A", "2026-01-01T00:00:00Z", { tags: ["x"] })],
    });
    const cache = await ensureFreshCache(store);
    await fn((sql) => runSandboxedQuery(cache, sql), store.dir);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

async function refusal(run: Promise<unknown>): Promise<TaskStoreError> {
  try {
    await run;
  } catch (e) {
    assert.ok(e instanceof TaskStoreError, `expected TaskStoreError, got ${e}`);
    return e;
  }
  assert.fail("the statement ran");
}

async function digest(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile) out[e.name] = xxh3(await Deno.readFile(`${dir}/${e.name}`)).toString(16);
  }
  return out;
}

Deno.test("runSandboxedQuery() refuses every write, DDL, attach, transaction and pragma change", async () => {
  await withCache(async (run, dir) => {
    const before = await digest(dir);
    for (const [sql, message] of REFUSED) {
      const e = await refusal(run(sql));
      assert.equal(e.code, "QueryDenied", sql);
      assert.equal(e.message, message, sql);
      assert.equal(e.exitCode, 1);
    }
    assert.deepEqual(await digest(dir), before, "no file of the store changed");
    assert.deepEqual((await run("SELECT count(*) FROM tasks")).rows, [[1n]]);
  });
});

Deno.test("runSandboxedQuery() refuses VACUUM INTO without creating the file", async () => {
  await withCache(async (run, dir) => {
    const target = `${dir}/../stolen.db`;
    const e = await refusal(run(`VACUUM INTO '${target}'`));
    assert.equal(e.message, ACTION + SHORT);
    assert.equal(await Deno.stat(target).catch(() => null), null);
  });
});

Deno.test("runSandboxedQuery() allows reads, CTEs, VALUES, EXPLAIN, the schema table and the three pragmas", async () => {
  await withCache(async (run) => {
    assert.deepEqual((await run("SELECT id, title FROM tasks")).rows, [["tg-a", "A"]]);
    assert.deepEqual(
      (await run(
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3) " +
          "SELECT x FROM c",
      )).rows,
      [[1n], [2n], [3n]],
    );
    assert.deepEqual((await run("VALUES (1, 2.5, 'a', NULL)")).rows, [[1n, 2.5, "a", null]]);
    assert.ok((await run("EXPLAIN SELECT 1")).rows.length > 0);
    assert.ok((await run("SELECT name FROM sqlite_master")).rows.length > 10);
    assert.ok((await run("SELECT name FROM sqlite_schema")).rows.length > 10);
    assert.equal((await run("PRAGMA table_info")).rows.length, 0);
    const info = await run("PRAGMA table_info(tasks)");
    assert.deepEqual(info.columns, ["cid", "name", "type", "notnull", "dflt_value", "pk"]);
    assert.equal(info.rows.length, 12);
    assert.equal((await run("pragma main.table_info('task_view');")).rows.length, 8);
    assert.equal((await run("PRAGMA index_list(tasks)")).rows.length, 4);
    assert.deepEqual((await run("PRAGMA index_info(idx_tasks_status)")).rows, [[0n, 2n, "status"]]);
    assert.equal((await run("SELECT * FROM pragma_table_info('tasks')")).rows.length, 12);
    assert.deepEqual((await run("select upper('x'), length(x'0102')")).rows, [["X", 2n]]);
    assert.deepEqual((await run("/* a */ ; SELECT 2; -- trailing")).rows, [[2n]]);
  });
});

Deno.test("runSandboxedQuery() reports syntax errors, several statements and empty SQL", async () => {
  await withCache(async (run) => {
    const cases: [string, string][] = [
      ["select x", "Query syntax error: no such column: x"],
      ["SELECT 1; SELECT 2", "Query syntax error: Multiple statements provided"],
      ["", "Query syntax error: bad parameter or other API misuse"],
      ["  ;; -- nothing", "Query syntax error: bad parameter or other API misuse"],
      ["select readfile('/etc/passwd')", "Query syntax error: no such function: readfile"],
      ["select writefile('x', 'y')", "Query syntax error: no such function: writefile"],
      ["select edit('x')", "Query syntax error: no such function: edit"],
    ];
    for (const [sql, message] of cases) {
      const e = await refusal(run(sql));
      assert.equal(e.code, "QuerySyntax", sql);
      assert.equal(e.message, message, sql);
    }
  });
});

Deno.test("runSandboxedQuery() refuses a cache of another schema version", async () => {
  await withCache(async (_run, dir) => {
    const { DatabaseSync } = await import("node:sqlite");
    const db = new DatabaseSync(`${dir}/cache.db`);
    db.exec("UPDATE _cache_meta SET value = '1' WHERE key = 'schema_version'");
    db.close();
    const e = await refusal(
      runSandboxedQuery({ path: `${dir}/cache.db`, image: null }, "SELECT 1"),
    );
    assert.equal(e.code, "CacheSchemaVersionMismatch");
    assert.equal(
      e.message,
      "Cache schema version mismatch (stored: 1, expected: 2); rebuild required",
    );
  });
});

Deno.test("skipSqlTrivia() skips blanks, comments and semicolons only", () => {
  assert.equal(skipSqlTrivia(" ;\n-- c\n/* d */ select", 0), 16);
  assert.equal(skipSqlTrivia("/* open", 0), 7);
  assert.equal(skipSqlTrivia("- 1", 0), 0);
  assert.equal(skipSqlTrivia("'--'", 0), 0);
});
