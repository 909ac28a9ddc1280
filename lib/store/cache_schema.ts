/**
 * The layout of the query cache (`.task-golem/cache.db`): its schema
 * version, its DDL and the names of its tables. No SQLite here, so the
 * `--schema` document and doctor's checks can use it without loading the
 * database driver.
 *
 * @module
 */

/**
 * Version written to `_cache_meta.schema_version`. Upstream writes `1`;
 * version 2 counts archived dependencies as met in `task_view` and stamps
 * `archive.jsonl` as well, so neither implementation trusts the other's cache.
 */
export const CACHE_SCHEMA_VERSION = 2;

/** One table of the cache and the DDL that creates it and its indexes. */
export interface CacheTableDdl {
  /** Table name. */
  name: string;
  /** `CREATE TABLE …` (without the semicolon). */
  table: string;
  /** `CREATE INDEX …` statements, in creation order. */
  indexes: string[];
}

/** The cache's tables, in creation order (each table's indexes right after it). */
export const CACHE_TABLES: readonly CacheTableDdl[] = [
  {
    name: "_cache_meta",
    table: "CREATE TABLE _cache_meta (\n  key TEXT PRIMARY KEY,\n  value TEXT NOT NULL\n)",
    indexes: [],
  },
  {
    name: "tasks",
    table: "CREATE TABLE tasks (\n" +
      "  id TEXT PRIMARY KEY,\n" +
      "  title TEXT NOT NULL,\n" +
      "  status TEXT NOT NULL,\n" +
      "  priority INTEGER NOT NULL,\n" +
      "  description TEXT,\n" +
      "  parent TEXT,\n" +
      "  created_at TEXT NOT NULL,\n" +
      "  updated_at TEXT NOT NULL,\n" +
      "  blocked_reason TEXT,\n" +
      "  blocked_from_status TEXT,\n" +
      "  claimed_by TEXT,\n" +
      "  claimed_at TEXT\n" +
      ")",
    indexes: [
      "CREATE INDEX idx_tasks_status ON tasks(status)",
      "CREATE INDEX idx_tasks_parent ON tasks(parent)",
      "CREATE INDEX idx_tasks_priority ON tasks(priority)",
    ],
  },
  {
    name: "task_tags",
    table: "CREATE TABLE task_tags (\n" +
      "  task_id TEXT NOT NULL,\n" +
      "  tag TEXT NOT NULL,\n" +
      "  PRIMARY KEY (task_id, tag)\n" +
      ")",
    indexes: ["CREATE INDEX idx_tags_tag ON task_tags(tag)"],
  },
  {
    name: "task_deps",
    table: "CREATE TABLE task_deps (\n" +
      "  task_id TEXT NOT NULL,\n" +
      "  dep_id TEXT NOT NULL,\n" +
      "  PRIMARY KEY (task_id, dep_id)\n" +
      ")",
    indexes: ["CREATE INDEX idx_deps_dep_id ON task_deps(dep_id)"],
  },
  {
    name: "task_view",
    table: "CREATE TABLE task_view (\n" +
      "  id TEXT PRIMARY KEY,\n" +
      "  title TEXT NOT NULL,\n" +
      "  status TEXT NOT NULL,\n" +
      "  priority INTEGER NOT NULL,\n" +
      "  parent TEXT,\n" +
      "  depth_from_root INTEGER NOT NULL,\n" +
      "  is_ready INTEGER NOT NULL,\n" +
      "  unmet_dep_count INTEGER NOT NULL\n" +
      ")",
    indexes: [
      "CREATE INDEX idx_view_status ON task_view(status)",
      "CREATE INDEX idx_view_parent ON task_view(parent)",
      "CREATE INDEX idx_view_ready ON task_view(is_ready)",
    ],
  },
];

/** The tables whose row counts doctor compares (in this order). */
export const CACHE_COUNTED_TABLES: readonly ("tasks" | "task_tags" | "task_deps" | "task_view")[] =
  ["tasks", "task_tags", "task_deps", "task_view"];

/**
 * The whole DDL as one script, statements separated by `;\n`, tables
 * separated by a blank line (the form shown by `tg query --schema`).
 *
 * @returns The script, ending in `;`.
 *
 * @example
 * ```ts
 * import { cacheDdl } from "@golem/golem";
 * import assert from "node:assert/strict";
 * assert.ok(cacheDdl().startsWith("CREATE TABLE _cache_meta ("));
 * ```
 */
export function cacheDdl(): string {
  return CACHE_TABLES.map((t) => [t.table, ...t.indexes].map((s) => s + ";").join("\n"))
    .join("\n\n");
}

/** Deepest `depth_from_root` stored in `task_view`. */
export const MAX_CACHED_DEPTH = 64;
