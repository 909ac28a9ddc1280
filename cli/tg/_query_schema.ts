/**
 * The document `tg query --schema` prints: what the cache holds, its DDL,
 * the `task_view` columns, and what the sandbox permits.
 *
 * @module
 */

import { CACHE_SCHEMA_VERSION, cacheDdl, MAX_CACHED_DEPTH } from "../../lib/store/cache_schema.ts";

const VIEW_COLUMNS: [string, string, string][] = [
  ["id", "TEXT", "Task ID (primary key)."],
  ["title", "TEXT", "Task title."],
  ["status", "TEXT", "`todo`, `doing`, `done` or `blocked`."],
  ["priority", "INTEGER", "Higher means more important."],
  ["parent", "TEXT", "Parent task ID; NULL for top-level tasks."],
  [
    "depth_from_root",
    "INTEGER",
    `Steps up to the top-level ancestor (0 for a top-level task or one whose parent is not active); at most ${MAX_CACHED_DEPTH}.`,
  ],
  [
    "is_ready",
    "INTEGER",
    "1 when `status = 'todo'` and every dependency is met (a done task in `tasks.jsonl` or an archived task), else 0. Same rule as `tg ready`.",
  ],
  [
    "unmet_dep_count",
    "INTEGER",
    "Distinct dependencies that are neither done nor archived (IDs found nowhere count as unmet).",
  ],
];

/**
 * The schema document.
 *
 * @returns Markdown text, ending in an empty line.
 */
export function schemaDocument(): string {
  const rows = VIEW_COLUMNS.map(([c, t, d]) => `| \`${c}\` | ${t} | ${d} |`).join("\n");
  return `# task-golem cache schema (v${CACHE_SCHEMA_VERSION})

> \`tg query\` reads a SQLite copy of the **active tasks only** (\`tasks.jsonl\`), rebuilt automatically whenever \`tasks.jsonl\` or \`archive.jsonl\` changes. Archived tasks are not rows; they only count as met dependencies.
> Recursive CTEs over \`tasks.parent\` should stop at \`WHERE depth < ${MAX_CACHED_DEPTH}\`, the depth at which \`task_view.depth_from_root\` stops counting.

## DDL

\`\`\`sql
${cacheDdl()}
\`\`\`

## \`task_view\` columns

One row per active task with its readiness and depth already computed, so most questions need no recursive CTE.

| Column | Type | Description |
| --- | --- | --- |
${rows}

## Notes

- Timestamps are RFC 3339 text in UTC with a \`+00:00\` offset (\`2026-01-01T09:30:00.123+00:00\`), so SQLite's date functions read them.
- \`_cache_meta\` holds \`schema_version\` (${CACHE_SCHEMA_VERSION}) and the freshness stamp of \`tasks.jsonl\` (\`jsonl_*\`) and \`archive.jsonl\` (\`archive_*\`): modification time in nanoseconds, size, XXH3-64.
- Permitted PRAGMAs: \`table_info\`, \`index_list\` and \`index_info\`, bare or with one name in parentheses (\`PRAGMA table_info(tasks)\`); the \`pragma_table_info('tasks')\` function forms work too.
- Denied by the sandbox: INSERT/UPDATE/DELETE/REPLACE, CREATE/DROP/ALTER, ATTACH/DETACH, BEGIN/COMMIT/SAVEPOINT, VACUUM, REINDEX, ANALYZE, every other PRAGMA and any pragma assignment, and the functions \`load_extension\`, \`readfile\`, \`writefile\`, \`edit\` and \`fts3_tokenizer\`.
- Reading \`sqlite_master\` and \`sqlite_schema\` is permitted for introspection.
- One statement per call; \`--timeout SECS\` (default 5) stops a statement that runs longer.

`;
}
