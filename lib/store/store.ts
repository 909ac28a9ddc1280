/**
 * `TaskStore`: the `.task-golem` directory and every operation on it —
 * locked load → mutate → save, archive appends, events, and the ordered
 * commits of status changes.
 *
 * @module
 */

import type { Clock } from "../io/clock.ts";
import { SystemClock } from "../io/clock.ts";
import { DenoFileSystem, type FileSystem } from "../io/fs.ts";
import { DenoProcessRunner, type ProcessRunner } from "../io/process_runner.ts";
import { ioError, itemNotFound } from "./errors.ts";
import {
  appendEvent,
  makeEvent,
  moveEventsForTask,
  readEvents,
  resolveAuthor,
  sortEvents,
  type TaskEvent,
} from "./events.ts";
import { type Item, serializeItem } from "./item.ts";
import {
  type ArchiveIndex,
  encodeItemsFile,
  indexArchiveFile,
  parseActiveFile,
  parseArchiveFile,
  SCHEMA_HEADER,
  sortById,
  type WarningSink,
} from "./jsonl.ts";
import { acquireLock } from "./lock.ts";
import { sameBytes } from "../io/bytes.ts";
import { ActiveDoc } from "./active_doc.ts";
import { ActiveIndex } from "./active_index.ts";
import { findStoreDir } from "./root.ts";
import { formatTimestamp } from "./timestamp.ts";
import type { StatusChange } from "./transitions.ts";

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
}

function denoEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}

/**
 * A task store: the `.task-golem` directory and the operations on it. The
 * object holds no item state; every read goes to the files.
 *
 * @example Add an item and read it back (in memory)
 * ```ts
 * import { FixedClock, MemoryFileSystem, newItem, TaskStore } from "@golem/golem";
 * import assert from "node:assert/strict";
 *
 * const fs = new MemoryFileSystem();
 * const store = new TaskStore("/repo/.task-golem", {
 *   fs,
 *   clock: new FixedClock({ secs: 1767225600, nanos: 0 }),
 * });
 * await store.init();
 * await store.withLock((items) => {
 *   items.push(newItem("tg-abcde", "Write the docs", store.now()));
 * });
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
   * Under the lock: loads the active items, lets `fn` change the array and
   * its items, and saves them (sorted by ID) when the file would change.
   * When `fn` throws, nothing is written.
   *
   * @param fn Mutates `items`; its result is returned.
   * @returns What `fn` returns.
   */
  withLock<T>(fn: (items: Item[]) => Promise<T> | T): Promise<T> {
    return this.lock(async () => {
      const bytes = await this.#read(this.tasksPath);
      const items = parseActiveFile(bytes);
      const result = await fn(items);
      const next = encodeItemsFile(sortById([...items]));
      if (!sameBytes(bytes, next)) await this.#writeAtomic(this.tasksPath, next);
      return result;
    });
  }

  /**
   * Under the lock: reads `tasks.jsonl` as an {@linkcode ActiveDoc} (items
   * are built only when asked for), lets `fn` edit it, and saves when the file
   * would change. Lines of untouched items are written back as read, which
   * keeps single-item edits fast on large stores. When `fn` throws, nothing is
   * written.
   *
   * @param fn Edits the document; its result is returned.
   * @returns What `fn` returns.
   */
  editActive<T>(fn: (doc: ActiveDoc) => Promise<T> | T): Promise<T> {
    return this.lock(async () => {
      const bytes = await this.#read(this.tasksPath);
      const doc = ActiveDoc.parse(bytes);
      const result = await fn(doc);
      const next = doc.encode();
      if (!sameBytes(bytes, next)) await this.#writeAtomic(this.tasksPath, next);
      return result;
    });
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
   * Reads `tasks.jsonl` as an {@linkcode ActiveDoc} (no lock; see {@linkcode editActive}).
   *
   * @returns The document.
   */
  async loadActiveDoc(): Promise<ActiveDoc> {
    return ActiveDoc.parse(await this.#read(this.tasksPath));
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

  async #writeAtomic(path: string, bytes: Uint8Array): Promise<void> {
    try {
      await this.#fs.writeFileAtomic(path, bytes);
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
   * Writes `tasks.jsonl` atomically, sorted by ID. Hold the lock.
   *
   * @param items The complete active set, or a document read under the same lock.
   */
  async saveActive(items: readonly Item[] | ActiveDoc): Promise<void> {
    await this.#writeAtomic(
      this.tasksPath,
      items instanceof ActiveDoc ? items.encode() : encodeItemsFile(sortById([...items])),
    );
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

  /**
   * Appends an item to an archive file: header first when the file is
   * missing or empty, a newline first when a torn append left none, then the
   * line, in one write, fsynced.
   *
   * @param item The item.
   * @param path Archive file (default `archive.jsonl`).
   */
  async appendToArchive(item: Item, path: string = this.archivePath): Promise<void> {
    const line = serializeItem(item) + "\n";
    try {
      const tail = await this.#fs.tail(path);
      const prefix = tail === null || tail.size === 0
        ? SCHEMA_HEADER
        : tail.lastByte !== 0x0a
        ? "\n"
        : "";
      const bytes = ENCODER.encode(prefix + line);
      const n = await this.#fs.appendOnce(path, bytes);
      if (n !== bytes.length) {
        throw new Error(`Short write on archive append: wrote ${n} of ${bytes.length} bytes`);
      }
    } catch (e) {
      throw ioError(e);
    }
  }

  /** The author recorded on events (resolved once per store). */
  author(): Promise<string> {
    this.#author ??= this.#authorFn
      ? this.#authorFn()
      : resolveAuthor({ env: this.#env, runner: this.#runner, cwd: this.projectDir });
    return this.#author;
  }

  async #appendTransition(change: StatusChange): Promise<void> {
    change.redeem();
    const ev = makeEvent(
      change.taskId,
      "status_transition",
      change.text,
      await this.author(),
      this.#clock.now(),
      change.status,
    );
    await appendEvent(this.#fs, this.eventsPath, ev).catch((e) => {
      throw ioError(e);
    });
  }

  /**
   * Commits a status change: appends its event, then saves `items`. Hold the lock.
   *
   * @param items The complete active set (or document), change applied.
   * @param change The token from an `apply*` call.
   */
  async commitStatusChange(
    items: readonly Item[] | ActiveDoc,
    change: StatusChange,
  ): Promise<void> {
    await this.#appendTransition(change);
    await this.saveActive(items);
  }

  /**
   * Commits `done`: event, archive append, save without the item, move its
   * events to the archive log. Hold the lock.
   *
   * @param items The active set (or document) without the done item.
   * @param doneItem The item, status `done`.
   * @param change The token from `applyDone`.
   */
  async commitDone(
    items: readonly Item[] | ActiveDoc,
    doneItem: Item,
    change: StatusChange,
  ): Promise<void> {
    await this.#appendTransition(change);
    await this.appendToArchive(doneItem);
    await this.saveActive(items);
    await this.moveEvents(doneItem.id);
  }

  /**
   * Moves a task's events from `events.jsonl` to `events.archive.jsonl`. Hold the lock.
   *
   * @param taskId The task.
   * @returns How many moved.
   */
  async moveEvents(taskId: string): Promise<number> {
    try {
      return await moveEventsForTask(
        this.#fs,
        this.eventsPath,
        this.eventsArchivePath,
        taskId,
        this.#warn,
      );
    } catch (e) {
      throw ioError(e);
    }
  }

  /**
   * Appends a note to an active task's log, under the lock (upstream did not
   * lock, and could lose a note to a concurrent archive move).
   *
   * @param id The task's ID (must be active).
   * @param text The note.
   * @returns The event written.
   * @throws {TaskStoreError} `ItemNotFound`; `InvalidInput` when over the size cap.
   */
  async appendNote(id: string, text: string): Promise<TaskEvent> {
    const author = await this.author();
    return await this.lock(async () => {
      const active = await this.loadActive();
      if (!active.some((it) => it.id === id)) throw itemNotFound(id);
      const ev = makeEvent(id, "note", text, author, this.#clock.now());
      await appendEvent(this.#fs, this.eventsPath, ev).catch((e) => {
        throw ioError(e);
      });
      return ev;
    });
  }

  /**
   * Appends an arbitrary event (for tools that keep their own event types of `status_transition`/`note`).
   *
   * @param ev The event.
   */
  async appendEvent(ev: TaskEvent): Promise<void> {
    await appendEvent(this.#fs, this.eventsPath, ev).catch((e) => {
      throw ioError(e);
    });
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
