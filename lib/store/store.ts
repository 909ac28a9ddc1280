/**
 * `TaskStore`: the `.task-golem` directory, its paths, effects and reads.
 * Writes are the store operations in `ops/`.
 *
 * @module
 */

import type { Clock } from "../io/clock.ts";
import { SystemClock } from "../io/clock.ts";
import { DenoFileSystem, type FileSystem } from "../io/fs.ts";
import { DenoProcessRunner, type ProcessRunner } from "../io/process_runner.ts";
import { ioError } from "./errors.ts";
import { readEvents, resolveAuthor, sortEvents, type TaskEvent } from "./events.ts";
import type { RandomBytes } from "./id.ts";
import type { Item } from "./item.ts";
import {
  type ArchiveIndex,
  indexArchiveFile,
  parseActiveFile,
  parseArchiveFile,
  SCHEMA_HEADER,
  type WarningSink,
} from "./jsonl.ts";
import { acquireLock } from "./lock.ts";
import { ActiveDoc } from "./active_doc.ts";
import { ActiveIndex } from "./active_index.ts";
import { findStoreDir } from "./root.ts";
import { formatTimestamp } from "./timestamp.ts";
import { findLineSpan, parseLineAt } from "./_lines.ts";
import { registerInternals } from "./_internals.ts";
import { ScratchFile } from "./_scratch.ts";

/** Lines `.task-golem/.gitignore` must contain. */
export const GITIGNORE_LINES: readonly string[] = [
  "cache.db",
  "cache.db-journal",
  "cache.db.tmp-*",
];

const ENCODER = new TextEncoder();

/** Options for {@linkcode TaskStore}. */
export interface TaskStoreOptions {
  /** File system (default: the real one). */
  fs?: FileSystem;
  /** Clock (default: the system clock). */
  clock?: Clock;
  /** Process runner for git (default: real processes). */
  runner?: ProcessRunner;
  /** Environment lookup for `TG_AUTHOR` (default: `Deno.env.get`). */
  env?: (name: string) => string | undefined;
  /** Receives warnings about skipped lines (default: ignored). */
  warn?: WarningSink;
  /** Lock timeout in milliseconds (default 5000). */
  lockTimeoutMs?: number;
  /** Author of events (default: `TG_AUTHOR`, git email, `unknown`). */
  author?: () => Promise<string>;
  /** Randomness for new IDs (default: `crypto.getRandomValues`). */
  random?: RandomBytes;
}

function denoEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}

/**
 * A task store: the `.task-golem` directory, its effects and its reads. The
 * object holds no item state; every read goes to the files. Changes go
 * through the store operations (`addItem`, `startItem`, `completeItem`,
 * `updateItem`, …), which are the only code that writes the files.
 *
 * @example Add an item and read it back (in memory)
 * ```ts
 * import { addItem, FixedClock, MemoryFileSystem, TaskStore } from "@golem/golem";
 * import assert from "node:assert/strict";
 *
 * const fs = new MemoryFileSystem();
 * const store = new TaskStore("/repo/.task-golem", {
 *   fs,
 *   clock: new FixedClock({ secs: 1767225600, nanos: 0 }),
 * });
 * await store.init();
 * await addItem(store, { title: "Write the docs" });
 * const items = await store.loadActive();
 * assert.equal(items[0]?.title, "Write the docs");
 * assert.equal(items[0]?.created_at, "2026-01-01T00:00:00Z");
 * ```
 */
export class TaskStore {
  /** The `.task-golem` directory. */
  readonly dir: string;
  readonly #fs: FileSystem;
  readonly #clock: Clock;
  readonly #runner: ProcessRunner;
  readonly #env: (name: string) => string | undefined;
  readonly #warn: WarningSink;
  readonly #lockTimeoutMs: number;
  readonly #authorFn: (() => Promise<string>) | undefined;
  #author: Promise<string> | undefined;
  /** Idle read/encode buffers (a large store is read again and again by a long-lived process). */
  readonly #scratchPool: ScratchFile[] = [];

  /**
   * Opens a store directory (no I/O happens here).
   *
   * @param dir The `.task-golem` directory (not the repository root).
   * @param options Effects and settings.
   */
  constructor(dir: string, options: TaskStoreOptions = {}) {
    this.dir = dir.length > 1 && dir.endsWith("/") ? dir.slice(0, -1) : dir;
    this.#fs = options.fs ?? new DenoFileSystem();
    this.#clock = options.clock ?? new SystemClock();
    this.#runner = options.runner ?? new DenoProcessRunner();
    this.#env = options.env ?? denoEnv;
    this.#warn = options.warn ?? (() => {});
    this.#lockTimeoutMs = options.lockTimeoutMs ?? 5000;
    this.#authorFn = options.author;
    registerInternals(this, {
      clock: this.#clock,
      warn: this.#warn,
      lockTimeoutMs: this.#lockTimeoutMs,
      random: options.random,
      withScratch: (fn) => this.#withScratch(fn),
    });
  }

  /**
   * Finds the store at or above `start` (default: the working directory).
   *
   * @param start Absolute directory to search from.
   * @param options Effects and settings.
   * @returns The store.
   * @throws {TaskStoreError} `NotInitialized`.
   */
  static async discover(start?: string, options: TaskStoreOptions = {}): Promise<TaskStore> {
    const fs = options.fs ?? new DenoFileSystem();
    const dir = await findStoreDir(fs, start ?? Deno.cwd());
    return new TaskStore(dir, { ...options, fs });
  }

  /** The file system in use. */
  get fs(): FileSystem {
    return this.#fs;
  }
  /** The process runner in use. */
  get runner(): ProcessRunner {
    return this.#runner;
  }
  /** The repository root (parent of the store directory). */
  get projectDir(): string {
    const i = this.dir.lastIndexOf("/");
    return i <= 0 ? (i === 0 ? "/" : ".") : this.dir.slice(0, i);
  }
  /** `tasks.jsonl`. */
  get tasksPath(): string {
    return `${this.dir}/tasks.jsonl`;
  }
  /** `archive.jsonl`. */
  get archivePath(): string {
    return `${this.dir}/archive.jsonl`;
  }
  /** `archive-pruned.jsonl`. */
  get prunedPath(): string {
    return `${this.dir}/archive-pruned.jsonl`;
  }
  /** `events.jsonl`. */
  get eventsPath(): string {
    return `${this.dir}/events.jsonl`;
  }
  /** `events.archive.jsonl`. */
  get eventsArchivePath(): string {
    return `${this.dir}/events.archive.jsonl`;
  }
  /** `tasks.lock`. */
  get lockPath(): string {
    return `${this.dir}/tasks.lock`;
  }
  /** `cache.db`. */
  get cacheDbPath(): string {
    return `${this.dir}/cache.db`;
  }
  /** `.gitignore`. */
  get gitignorePath(): string {
    return `${this.dir}/.gitignore`;
  }
  /** `config.yaml`. */
  get configPath(): string {
    return `${this.dir}/config.yaml`;
  }

  /** The current time as a canonical timestamp. */
  now(): string {
    return formatTimestamp(this.#clock.now());
  }

  /**
   * Creates the store files: empty `tasks.jsonl` and `archive.jsonl`
   * (replaced when they exist), an empty `tasks.lock`, and the `.gitignore`
   * entries. Takes no lock.
   */
  async init(): Promise<void> {
    const header = ENCODER.encode(SCHEMA_HEADER);
    try {
      await this.#fs.mkdirp(this.dir);
      await this.#fs.writeFileAtomic(this.tasksPath, header);
      await this.#fs.writeFileAtomic(this.archivePath, header);
      await this.#fs.writeFile(this.lockPath, new Uint8Array());
    } catch (e) {
      throw ioError(e);
    }
    await this.ensureGitignore();
  }

  /**
   * Runs `fn` while holding the exclusive store lock (not re-entrant).
   *
   * @param fn The critical section.
   * @returns What `fn` returns.
   * @throws {TaskStoreError} `LockTimeout` when the lock stays busy for 5 s.
   */
  async lock<T>(fn: () => Promise<T> | T): Promise<T> {
    const handle = await acquireLock(this.#fs, this.lockPath, { timeoutMs: this.#lockTimeoutMs });
    try {
      return await fn();
    } finally {
      await handle.release();
    }
  }

  /**
   * Reads `tasks.jsonl` for listing (no lock): every line checked, items
   * built when asked for (see {@linkcode ActiveIndex}).
   *
   * @returns The index.
   */
  async loadActiveIndex(): Promise<ActiveIndex> {
    return await this.#parse(this.tasksPath, ActiveIndex.parse);
  }

  /**
   * Reads a file that only `parse` sees, and frees its bytes as soon as
   * `parse` returns: the bytes of a large store are not held until the next
   * full collection (`FileSystem.readFile` returns a fresh buffer).
   */
  async #parse<T>(path: string, parse: (bytes: Uint8Array | null) => T): Promise<T> {
    const bytes = await this.#read(path);
    try {
      return parse(bytes);
    } finally {
      if (
        bytes !== null && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
      ) {
        (bytes.buffer as ArrayBuffer).transfer(0);
      }
    }
  }

  async #read(path: string): Promise<Uint8Array | null> {
    try {
      return await this.#fs.readFile(path);
    } catch (e) {
      throw ioError(e);
    }
  }

  /**
   * Reads `tasks.jsonl` strictly (safe without the lock for reading).
   *
   * @returns Items in file order.
   */
  async loadActive(): Promise<Item[]> {
    return await this.#parse(this.tasksPath, parseActiveFile);
  }

  /**
   * Reads `archive.jsonl` leniently (bad lines skipped with warnings).
   *
   * @returns Items in file order.
   */
  async loadArchive(): Promise<Item[]> {
    return await this.#parse(this.archivePath, (b) => parseArchiveFile(b, this.#warn));
  }

  /**
   * Reads `archive-pruned.jsonl` leniently.
   *
   * @returns Items in file order.
   */
  async loadPruned(): Promise<Item[]> {
    return await this.#parse(this.prunedPath, (b) => parseArchiveFile(b, this.#warn));
  }

  /**
   * IDs in `archive.jsonl`, in file order.
   *
   * @returns IDs.
   */
  async loadArchiveIds(): Promise<string[]> {
    return (await this.loadArchiveIndex()).ids;
  }

  /**
   * `archive.jsonl` read leniently for its IDs (the same items and warnings
   * as {@linkcode loadArchive}); items are built when asked for.
   *
   * @returns The index.
   */
  async loadArchiveIndex(): Promise<ArchiveIndex> {
    return await this.#parse(this.archivePath, (b) => indexArchiveFile(b, this.#warn));
  }

  /**
   * The first archived item with this ID.
   *
   * @param id The ID.
   * @returns The item, or `null`.
   */
  async loadArchiveItem(id: string): Promise<Item | null> {
    return (await this.loadArchive()).find((it) => it.id === id) ?? null;
  }

  /**
   * Every active and archived ID.
   *
   * @returns The set.
   */
  async allKnownIds(): Promise<Set<string>> {
    const ids = new Set<string>();
    for (const it of await this.loadActive()) ids.add(it.id);
    for (const it of await this.loadArchive()) ids.add(it.id);
    return ids;
  }

  /** The author recorded on events (resolved once per store). */
  author(): Promise<string> {
    this.#author ??= this.#authorFn
      ? this.#authorFn()
      : resolveAuthor({ env: this.#env, runner: this.#runner, cwd: this.projectDir });
    return this.#author;
  }

  /**
   * One active item, read without the lock. Only its line is parsed when
   * it is where the canonical writer puts it; otherwise the file is read in
   * full (every line validated).
   *
   * @param id The exact ID.
   * @returns The item, or `null` when it is not active.
   * @throws {TaskStoreError} `StorageCorruption` for a bad line.
   */
  getItem(id: string): Promise<Item | null> {
    return this.#withScratch(async (scratch) => {
      let bytes: Uint8Array | null;
      try {
        bytes = await scratch.read(this.tasksPath);
      } catch (e) {
        throw ioError(e);
      }
      if (bytes === null) return null;
      const span = findLineSpan(bytes, id);
      if (span !== null) return parseLineAt(bytes, span);
      return ActiveDoc.parse(bytes).get(id) ?? null;
    });
  }

  async #withScratch<T>(fn: (scratch: ScratchFile) => Promise<T>): Promise<T> {
    const scratch = this.#scratchPool.pop() ?? new ScratchFile(this.#fs);
    try {
      return await fn(scratch);
    } finally {
      if (this.#scratchPool.length < 2) this.#scratchPool.push(scratch);
    }
  }

  /**
   * A task's events from both logs, sorted by time (active log first on ties).
   *
   * @param taskId The task.
   * @returns Events.
   */
  async eventsFor(taskId: string): Promise<TaskEvent[]> {
    const active = await readEvents(this.#fs, this.eventsPath, this.#warn);
    const archived = await readEvents(this.#fs, this.eventsArchivePath, this.#warn);
    return sortEvents([...active, ...archived].filter((e) => e.task_id === taskId));
  }

  /**
   * Makes sure `.gitignore` lists the cache files, appending what is missing.
   *
   * @returns Whether the file was changed.
   */
  async ensureGitignore(): Promise<boolean> {
    try {
      const bytes = await this.#fs.readFile(this.gitignorePath);
      const text = bytes === null ? "" : new TextDecoder().decode(bytes);
      const present = new Set(text.split("\n").map((l) => l.trim()));
      const missing = GITIGNORE_LINES.filter((l) => !present.has(l));
      if (missing.length === 0) return false;
      const prefix = text.length > 0 && !text.endsWith("\n") ? "\n" : "";
      await this.#fs.writeFile(
        this.gitignorePath,
        ENCODER.encode(prefix + missing.map((l) => l + "\n").join("")),
        { append: true, sync: true },
      );
      return true;
    } catch (e) {
      throw ioError(e);
    }
  }
}
