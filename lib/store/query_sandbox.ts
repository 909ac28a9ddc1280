/**
 * Runs one user SQL statement against the query cache inside a sandbox:
 * the database is opened read-only with `query_only`, `trusted_schema=OFF`
 * and SQLite's defensive flag, and an authorizer denies everything except
 * reading.
 *
 * Allowed: `SELECT` (with CTEs, `VALUES`, `EXPLAIN`), reading any table
 * (`sqlite_master` included), recursive CTEs, and every function except
 * `load_extension`, `readfile`, `writefile`, `edit` and `fts3_tokenizer`;
 * `PRAGMA table_info` / `index_list` / `index_info` without an argument or
 * with one name in parentheses (upstream denied the argument form). Every
 * other action (writes, DDL, `ATTACH`, transactions, `VACUUM`, pragma
 * assignments…) is refused with `QueryDenied`.
 *
 * Synchronous and unbounded: callers that need a timeout run it in a worker
 * (see `tg query`).
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
import { TaskStoreError } from "./errors.ts";
import { CACHE_SCHEMA_VERSION } from "./cache_schema.ts";

/** A cell of a result: `null`, an integer, a real, text or a blob. */
export type QueryValue = null | bigint | number | string | Uint8Array;

/** The result of a query. */
export interface QueryResult {
  /** Column names (duplicates possible). */
  columns: string[];
  /** Rows, each with one value per column. */
  rows: QueryValue[][];
}

/** Where the cache is: a file, or a serialized in-memory database. */
export interface QuerySource {
  /** Path of `cache.db` (opened read-only), or `null`. */
  path: string | null;
  /** Serialized database when `path` is `null`. */
  image: Uint8Array | null;
}

/** SQLite authorizer action codes and results (stable values of the C API). */
const AUTH = {
  OK: 0,
  DENY: 1,
  PRAGMA: 19,
  READ: 20,
  SELECT: 21,
  FUNCTION: 31,
  RECURSIVE: 33,
} as const;
/**
 * Refusals reported as "uses a disallowed function or action", as upstream
 * reports them: functions and `CREATE [TEMP] TABLE/VIEW` (2, 4, 6, 8).
 */
const FUNCTION_LIKE: ReadonlySet<number> = new Set([AUTH.FUNCTION, 2, 4, 6, 8]);
/** SQLite refuses these at the `sqlite_master` write, before their own action code. */
const CREATE_TABLE_OR_VIEW = /^create\s+(?:temp(?:orary)?\s+)?(?:table|view)\b/i;

/** Parts of the `node:sqlite` API that Deno has but its type definitions lack. */
interface SandboxApi {
  enableDefensive(active: boolean): void;
  setAuthorizer(
    callback: (code: number, a1: string | null, a2: string | null) => number,
  ): void;
}
interface ArrayStatement {
  setReturnArrays(enabled: boolean): void;
}

const DENIED_FUNCTIONS: ReadonlySet<string> = new Set([
  "load_extension",
  "readfile",
  "writefile",
  "edit",
  "fts3_tokenizer",
]);
const ALLOWED_PRAGMAS: ReadonlySet<string> = new Set(["table_info", "index_list", "index_info"]);

const LONG_HINT =
  "This sandbox allows SELECT only (plus PRAGMA table_info/index_list/index_info). See `tg query --schema`.";
const FUNCTION_HINT = "This sandbox blocks file-access and extension-loading functions.";
const SHORT_HINT = "This sandbox allows SELECT only.";

function denied(action: string, hint: string): TaskStoreError {
  return new TaskStoreError("QueryDenied", `Query denied by sandbox: ${action}. ${hint}`, {
    detail: action,
  });
}

function syntax(message: string): TaskStoreError {
  return new TaskStoreError("QuerySyntax", `Query syntax error: ${message}`, { detail: message });
}

/**
 * Index of the first character after whitespace, comments (`-- …`, `/* … *\/`)
 * and statement separators starting at `i`.
 */
export function skipSqlTrivia(sql: string, i: number): number {
  const n = sql.length;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (c === 0x3b || c === 0x20 || (c >= 0x09 && c <= 0x0d)) {
      i++;
    } else if (c === 0x2d && sql.charCodeAt(i + 1) === 0x2d) {
      const nl = sql.indexOf("\n", i + 2);
      i = nl < 0 ? n : nl + 1;
    } else if (c === 0x2f && sql.charCodeAt(i + 1) === 0x2a) {
      const end = sql.indexOf("*/", i + 2);
      i = end < 0 ? n : end + 2;
    } else {
      break;
    }
  }
  return i;
}

const NAME = String
  .raw`(?:[A-Za-z_][A-Za-z0-9_$]*|"(?:[^"]|"")*"|'(?:[^']|'')*'|\x60(?:[^\x60]|\x60\x60)*\x60|\[[^\]]*\])`;
/** `PRAGMA [schema.]name [( name )]`, nothing else (no `=`), an optional `;` and trivia. */
const ALLOWED_PRAGMA_STATEMENT = new RegExp(
  String
    .raw`^pragma\s+(?:${NAME}\s*\.\s*)?(table_info|index_list|index_info)\s*(?:\(\s*${NAME}\s*\))?\s*$`,
  "i",
);

/** The statement without trailing separators and comments. */
function trimTrailing(stmt: string): string {
  let end = stmt.length;
  for (;;) {
    const t = stmt.slice(0, end).replace(/[\s;]+$/, "");
    const m = /--[^\n]*$|\/\*(?:[^*]|\*(?!\/))*\*\/$/.exec(t);
    if (m && !/['"]/.test(t.slice(m.index))) {
      end = m.index;
      continue;
    }
    return t;
  }
}

type Sqlite = typeof import("node:sqlite");
let driver: Promise<Sqlite> | undefined;

function loadSqlite(): Promise<Sqlite> {
  driver ??= import("node:sqlite");
  return driver;
}

/** Opens the cache for a query (not yet sandboxed). */
async function open(source: QuerySource): Promise<DatabaseSync> {
  const { DatabaseSync } = await loadSqlite();
  try {
    if (source.path !== null) return new DatabaseSync(source.path, { readOnly: true });
    const db = new DatabaseSync(":memory:");
    db.deserialize(source.image ?? new Uint8Array());
    return db;
  } catch (e) {
    throw new TaskStoreError(
      "CacheCorrupt",
      `Cache corrupt: failed to open ${source.path ?? "the in-memory cache"} for query: ${
        (e as Error).message
      }`,
      { cause: e },
    );
  }
}

function checkVersion(db: DatabaseSync): void {
  let stored = "<none>";
  try {
    const row = db.prepare("SELECT value FROM _cache_meta WHERE key = 'schema_version'").get() as
      | { value: unknown }
      | undefined;
    if (row !== undefined) stored = String(row.value);
  } catch {
    // unreadable meta: reported as a mismatch below
  }
  if (stored !== String(CACHE_SCHEMA_VERSION)) {
    throw new TaskStoreError(
      "CacheSchemaVersionMismatch",
      `Cache schema version mismatch (stored: ${stored}, expected: ${CACHE_SCHEMA_VERSION}); rebuild required`,
    );
  }
}

/**
 * Runs `sql` (one statement) against the cache in the sandbox.
 *
 * @param source The cache file or image.
 * @param sql The user's SQL.
 * @returns Columns and rows (integers as `bigint`, reals as `number`).
 * @throws {TaskStoreError} `QueryDenied`, `QuerySyntax`, `CacheCorrupt`,
 *   `CacheSchemaVersionMismatch` (the cache was replaced by another version).
 *
 * @example Query a store's cache; writes are refused
 * ```ts
 * import { addItem, ensureFreshCache, runSandboxedQuery, TaskStore } from "@golem/golem";
 * import assert from "node:assert/strict";
 *
 * // The cache is a SQLite file next to the store, so the store lives in a temp dir.
 * const root = await Deno.makeTempDir();
 * try {
 *   const store = new TaskStore(`${root}/.task-golem`, { author: () => Promise.resolve("me") });
 *   await store.init();
 *   const first = await addItem(store, { title: "First" });
 *   await addItem(store, { title: "Second", deps: [first.id] });
 *
 *   const cache = await ensureFreshCache(store);
 *   const { columns, rows } = await runSandboxedQuery(
 *     cache,
 *     "SELECT title FROM task_view WHERE is_ready ORDER BY title",
 *   );
 *   assert.deepEqual(columns, ["title"]);
 *   assert.deepEqual(rows, [["First"]]); // "Second" waits for "First"
 *
 *   await assert.rejects(runSandboxedQuery(cache, "DELETE FROM tasks"), { code: "QueryDenied" });
 * } finally {
 *   await Deno.remove(root, { recursive: true });
 * }
 * ```
 */
export async function runSandboxedQuery(source: QuerySource, sql: string): Promise<QueryResult> {
  const start = skipSqlTrivia(sql, 0);
  // An empty statement is refused before SQLite sees it (the driver cannot prepare one).
  if (start >= sql.length) throw syntax("bad parameter or other API misuse");
  const text = sql.slice(start);
  if (/^pragma\b/i.test(text) && !ALLOWED_PRAGMA_STATEMENT.test(trimTrailing(text))) {
    throw denied("statement contains a disallowed action", LONG_HINT);
  }
  const db = await open(source);
  try {
    checkVersion(db);
    const api = db as unknown as SandboxApi;
    api.enableDefensive(true);
    db.exec("PRAGMA query_only = ON; PRAGMA trusted_schema = OFF");
    const refused = new Set<number>();
    api.setAuthorizer((code, a1, a2) => {
      let ok: boolean;
      switch (code) {
        case AUTH.SELECT:
        case AUTH.READ:
        case AUTH.RECURSIVE:
          ok = true;
          break;
        case AUTH.FUNCTION:
          ok = !DENIED_FUNCTIONS.has((a2 ?? "").toLowerCase());
          break;
        case AUTH.PRAGMA:
          ok = ALLOWED_PRAGMAS.has((a1 ?? "").toLowerCase());
          break;
        default:
          ok = false;
      }
      if (!ok) refused.add(code);
      return ok ? AUTH.OK : AUTH.DENY;
    });
    let stmt: ReturnType<DatabaseSync["prepare"]>;
    try {
      stmt = db.prepare(text);
    } catch (e) {
      const msg = (e as Error).message;
      if (refused.size > 0) {
        const functionLike = [...refused].some((c) => FUNCTION_LIKE.has(c)) ||
          CREATE_TABLE_OR_VIEW.test(text);
        throw functionLike
          ? denied("statement uses a disallowed function or action", FUNCTION_HINT)
          : denied("statement contains a disallowed action", LONG_HINT);
      }
      if (/not authorized/i.test(msg)) {
        throw denied("statement uses a disallowed function or action", FUNCTION_HINT);
      }
      throw syntax(msg);
    }
    const prepared = stmt.sourceSQL;
    const tail = text.startsWith(prepared) ? text.slice(prepared.length) : "";
    if (skipSqlTrivia(tail, 0) < tail.length) throw syntax("Multiple statements provided");
    (stmt as unknown as ArrayStatement).setReturnArrays(true);
    stmt.setReadBigInts(true);
    const columns = stmt.columns().map((c) => c.name);
    let rows: QueryValue[][];
    try {
      rows = stmt.all() as unknown as QueryValue[][];
    } catch (e) {
      const msg = (e as Error).message;
      if (refused.has(AUTH.PRAGMA)) {
        // a table-valued pragma function such as pragma_user_version
        throw denied("statement uses a disallowed function or action", FUNCTION_HINT);
      }
      if (refused.size > 0 || /not authorized|authorization denied|readonly|read-only/i.test(msg)) {
        throw denied("statement contains a disallowed action", SHORT_HINT);
      }
      throw syntax(msg);
    }
    return { columns, rows };
  } finally {
    db.close();
  }
}
