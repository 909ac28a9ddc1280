/**
 * Store builders for black-box tests: hand-written item and event lines,
 * stores laid out from them or from a fixture, and a pair of identical
 * stores for comparing our `tg` with the Rust peer.
 *
 * @module
 */

import {
  copyFixtureStore,
  type Output,
  rustTg,
  rustUnavailable,
  type TempRepo,
  tempRepo,
  tg,
  tgInProcess,
} from "./_helpers.ts";

/** The item-file header line. */
export const HEADER = '{"schema_version":1}\n';

/** Fields of a hand-written item (defaults fill the rest). */
export interface ItemFields {
  title?: string;
  status?: string;
  priority?: number;
  dependencies?: string[];
  tags?: string[];
  parent?: string | null;
  "created_at"?: string;
  "updated_at"?: string;
  "claimed_by"?: string | null;
  "claimed_at"?: string | null;
  [ext: `x-${string}`]: unknown;
}

/**
 * One canonical item line (with newline).
 *
 * @param id The ID.
 * @param f Fields to override.
 * @returns The line.
 */
export function itemLine(id: string, f: ItemFields = {}): string {
  const {
    title,
    status,
    priority,
    dependencies,
    tags,
    parent,
    "created_at": createdAt,
    "updated_at": updatedAt,
    ...rest
  } = f;
  const o: Record<string, unknown> = {
    id,
    title: title ?? `Item ${id}`,
    status: status ?? "todo",
    priority: priority ?? 0,
    description: null,
    tags: tags ?? [],
    dependencies: dependencies ?? [],
    "created_at": createdAt ?? "2026-01-01T00:00:00Z",
    "updated_at": updatedAt ?? "2026-01-01T00:00:00Z",
    "blocked_reason": null,
    "blocked_from_status": null,
    "claimed_by": rest.claimed_by ?? null,
    "claimed_at": rest.claimed_at ?? null,
    parent: parent ?? null,
  };
  delete rest.claimed_by;
  delete rest.claimed_at;
  for (const k of Object.keys(rest).sort()) o[k] = (rest as Record<string, unknown>)[k];
  return JSON.stringify(o) + "\n";
}

/**
 * One event line (with newline).
 *
 * @param taskId The task.
 * @param ts Timestamp (6 fraction digits).
 * @param type `note` or `status_transition`.
 * @param text Text.
 * @param status New status (transitions).
 * @returns The line.
 */
export function eventLine(
  taskId: string,
  ts: string,
  type = "note",
  text = "",
  status?: string,
): string {
  const o: Record<string, unknown> = { v: 1, "task_id": taskId, ts, author: "x", type, text };
  if (status !== undefined) o.status = status;
  return JSON.stringify(o) + "\n";
}

/** Files of a `.task-golem` directory, by name. */
export type StoreFiles = Record<string, string | Uint8Array>;

const GITIGNORE = "cache.db\ncache.db-journal\ncache.db.tmp-*\n";

/**
 * Writes a store (lock file and complete `.gitignore` included unless given).
 *
 * @param dir Project directory.
 * @param files Files of `.task-golem/`.
 */
export async function writeStore(dir: string, files: StoreFiles): Promise<void> {
  const d = `${dir}/.task-golem`;
  await Deno.mkdir(d, { recursive: true });
  const all: StoreFiles = { "tasks.lock": "", ".gitignore": GITIGNORE, ...files };
  for (const [name, body] of Object.entries(all)) {
    if (typeof body === "string") await Deno.writeTextFile(`${d}/${name}`, body);
    else await Deno.writeFile(`${d}/${name}`, body);
  }
}

/** A store in a temp repo, built from files or a fixture. */
export async function storeRepo(files: StoreFiles | string): Promise<TempRepo> {
  const repo = await tempRepo();
  if (typeof files === "string") {
    await copyFixtureStore(files, repo.dir);
    await Deno.writeTextFile(`${repo.dir}/.task-golem/.gitignore`, GITIGNORE);
  } else await writeStore(repo.dir, files);
  return repo;
}

/** Two identical stores: one for our `tg`, one for the Rust peer. */
export interface Twin {
  /** Our store. */
  ours: TempRepo;
  /** The Rust peer's store (`null` when it cannot run here). */
  rust: TempRepo | null;
  /** Runs our `tg` on our store. */
  tg(args: string[], env?: Record<string, string>): Promise<Output>;
  /** Runs our `tg` on our store in-process (for long runs of read-only comparisons). */
  tgInProcess(args: string[], env?: Record<string, string>): Promise<Output>;
  /** Runs the Rust `tg` on its store. */
  rustTg(args: string[], env?: Record<string, string>): Promise<Output>;
  /** Removes both. */
  cleanup(): Promise<void>;
}

/**
 * Creates two identical stores; the Rust one only when the peer can run.
 *
 * @param files Store files or a fixture name.
 * @returns The pair.
 */
export async function twin(files: StoreFiles | string): Promise<Twin> {
  const ours = await storeRepo(files);
  const rust = (await rustUnavailable()) === null ? await storeRepo(files) : null;
  return {
    ours,
    rust,
    tg: (args, env) => tg(args, { cwd: ours.dir, ...(env ? { env } : {}) }),
    tgInProcess: (args, env) => tgInProcess(args, { cwd: ours.dir, ...(env ? { env } : {}) }),
    rustTg: (args, env) => {
      if (rust === null) throw new Error("the Rust peer cannot run here");
      return rustTg(args, { cwd: rust.dir, ...(env ? { env } : {}) });
    },
    cleanup: async () => {
      await ours.cleanup();
      await rust?.cleanup();
    },
  };
}

/**
 * Reads a file of a store.
 *
 * @param repo The repo.
 * @param name File name inside `.task-golem/`.
 * @returns The text, or `null` when missing.
 */
export async function storeFile(repo: TempRepo, name: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(`${repo.dir}/.task-golem/${name}`);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}

/** Names in `.task-golem/`, sorted. */
export async function storeNames(repo: TempRepo): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(`${repo.dir}/.task-golem`)) out.push(e.name);
  return out.sort();
}
