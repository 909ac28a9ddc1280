/**
 * Shared helpers of the `tg` CLI tests: each test runs the real command code
 * in-process through `main(argv, io)` (`tgInProcess`) in its own temporary
 * git repository, and checks stdout, stderr, the exit code and the files.
 *
 * @module
 */

import assert from "node:assert/strict";
import { type Output, readText, tempRepo, tgInProcess } from "../_helpers.ts";

/** The header line of an item file. */
export const HEADER: string = '{"schema_version":1}\n';
/** A character class for the random part of a generated ID (Crockford base32, lowercase). */
export const ID_CHARS: string = "[0-9a-hjkmnp-tv-z]";

/** Runs `tg` in-process in `dir` (the test environment plus `env`). */
export function run(dir: string, args: string[], env?: Record<string, string>): Promise<Output> {
  return tgInProcess(args, env ? { cwd: dir, env } : { cwd: dir });
}

/** Runs `tg`, asserts exit 0 and an empty stderr, returns stdout. */
export async function ok(
  dir: string,
  args: string[],
  env?: Record<string, string>,
): Promise<string> {
  const out = await run(dir, args, env);
  assert.equal(out.code, 0, `tg ${args.join(" ")} exited ${out.code}: ${out.stderr}`);
  assert.equal(out.stderr, "", `tg ${args.join(" ")} wrote to stderr`);
  return out.stdout;
}

/** Runs `tg --json …` and parses stdout. */
export async function json<T = Record<string, unknown>>(dir: string, args: string[]): Promise<T> {
  return JSON.parse(await ok(dir, ["--json", ...args])) as T;
}

/**
 * Runs `tg` expecting a failure: exit `code`, nothing on stdout, and stderr
 * `Error: <message>` (optionally followed by a `hint:` line).
 */
export async function fails(
  dir: string,
  args: string[],
  code: number,
  message: string,
): Promise<void> {
  const out = await run(dir, args);
  const what = `tg ${args.join(" ")}`;
  assert.equal(out.code, code, `${what}: exit ${out.code}, stderr ${out.stderr}`);
  assert.equal(out.stdout, "", `${what}: stdout`);
  assert.match(out.stderr, /^Error: .*\n(hint: .+\n)?$/s, what);
  assert.equal(out.stderr.split("\n")[0], `Error: ${message}`, what);
}

/** A temp repo with `tg init` done (or not); removed afterwards. */
export async function withRepo(fn: (dir: string) => Promise<void>, init = true): Promise<void> {
  const repo = await tempRepo();
  try {
    if (init) await ok(repo.dir, ["init"]);
    await fn(repo.dir);
  } finally {
    await repo.cleanup();
  }
}

/** Creates an item with `tg add` and returns its ID. */
export async function add(dir: string, title: string, ...flags: string[]): Promise<string> {
  const item = await json<{ id: string }>(dir, ["add", title, ...flags]);
  return item.id;
}

/** Item fields in file order, for hand-written stores. */
export interface ItemFields {
  id: string;
  title?: string;
  status?: "todo" | "doing" | "done" | "blocked";
  priority?: number | bigint;
  description?: string | null;
  tags?: string[];
  dependencies?: string[];
  "created_at"?: string;
  "updated_at"?: string;
  "blocked_reason"?: string | null;
  "blocked_from_status"?: string | null;
  "claimed_by"?: string | null;
  "claimed_at"?: string | null;
  parent?: string | null;
  [ext: `x-${string}`]: unknown;
}

/** One canonical item line (simple values only). */
export function line(f: ItemFields, day = 1): string {
  const ts = `2026-01-${String(day).padStart(2, "0")}T00:00:00Z`;
  const base = {
    id: f.id,
    title: f.title ?? f.id.toUpperCase(),
    status: f.status ?? "todo",
    priority: f.priority ?? 0,
    description: f.description ?? null,
    tags: f.tags ?? [],
    dependencies: f.dependencies ?? [],
    "created_at": f.created_at ?? ts,
    "updated_at": f.updated_at ?? ts,
    "blocked_reason": f.blocked_reason ?? null,
    "blocked_from_status": f.blocked_from_status ?? null,
    "claimed_by": f.claimed_by ?? null,
    "claimed_at": f.claimed_at ?? null,
    parent: f.parent ?? null,
  };
  const ext = Object.keys(f).filter((k) => k.startsWith("x-")).sort();
  const all: Record<string, unknown> = { ...base };
  for (const k of ext) all[k] = f[k as `x-${string}`];
  return JSON.stringify(all, (_, v) => typeof v === "bigint" ? `\u0000${v}` : v)
    .replace(/"\\u0000(-?\d+)"/g, "$1") + "\n";
}

/** Writes `tasks.jsonl` (sorted by ID) and `archive.jsonl` (as given). */
export async function writeStore(
  dir: string,
  active: ItemFields[],
  archive: ItemFields[] = [],
): Promise<void> {
  const sorted = [...active].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  await Deno.writeTextFile(
    `${dir}/.task-golem/tasks.jsonl`,
    HEADER + sorted.map((f) => line(f, active.indexOf(f) + 1)).join(""),
  );
  await Deno.writeTextFile(
    `${dir}/.task-golem/archive.jsonl`,
    HEADER + archive.map((f, i) => line({ status: "done", ...f }, i + 1)).join(""),
  );
}

/** The parsed lines of a JSONL file (header included for item files). */
export async function jsonl(path: string): Promise<Record<string, unknown>[]> {
  const text = (await readText(path)) ?? "";
  return text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));
}

/** Active items on disk. */
export async function activeItems(dir: string): Promise<Record<string, unknown>[]> {
  return (await jsonl(`${dir}/.task-golem/tasks.jsonl`)).slice(1);
}

/** Archived items on disk. */
export async function archivedItems(dir: string): Promise<Record<string, unknown>[]> {
  return (await jsonl(`${dir}/.task-golem/archive.jsonl`)).slice(1);
}

/** Every file of the store, for "nothing changed" checks. */
export async function snapshot(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for await (const e of Deno.readDir(`${dir}/.task-golem`)) {
    if (e.isFile) files[e.name] = await Deno.readTextFile(`${dir}/.task-golem/${e.name}`);
  }
  return files;
}

/** The escape character that starts an ANSI colour code. */
export const ESC = "\x1b";
/** The status word `todo` as a colouring `tg` prints it. */
export const TODO: string = `${ESC}[37mtodo${ESC}[39m`;
/** A canonical timestamp (0, 3, 6 or 9 fraction digits). */
export const RFC3339: RegExp = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3}|\.\d{6}|\.\d{9})?Z$/;

/** Chronological comparison of canonical timestamps (nanosecond precision). */
export function tsKey(ts: string): string {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(ts)!;
  return m[1]! + "." + (m[2] ?? "").padEnd(9, "0");
}
