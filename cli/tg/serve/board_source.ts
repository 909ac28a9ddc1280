/**
 * The board's data, kept current: `tg serve` reads the store and pg's run
 * state, and reads them again whenever any process changes them — `tg`,
 * `pg`, the upstream Rust `tg`, a `git checkout`. Changes are noticed two
 * ways: file-system events on `.task-golem/` and `.phase-golem/` (a burst of
 * them is debounced into one read), and a cheap poll of the files' size and
 * modification time, which also catches what a watch misses (a directory
 * created later, a killed pg). Every change that alters what the page shows
 * becomes one {@linkcode BoardPatch} for the subscribers.
 *
 * @module
 */

import { type Clock, SystemClock } from "../../../lib/io/clock.ts";
import type { FileSystem } from "../../../lib/io/fs.ts";
import {
  parseRunState,
  RUN_STATE_FILE,
  type RunState,
} from "../../../lib/orchestrator/run/run_state.ts";
import { loadStoreConfig } from "../../../lib/store/config.ts";
import { readEvents, sortEvents } from "../../../lib/store/events.ts";
import { resolveId } from "../../../lib/store/id.ts";
import type { Item } from "../../../lib/store/item.ts";
import type { TaskStore } from "../../../lib/store/store.ts";
import { formatTimestamp } from "../../../lib/store/timestamp.ts";
import {
  type BoardPatch,
  type BoardSnapshot,
  buildDetail,
  buildSnapshot,
  diffSnapshots,
  type HistoryTotals,
  historyTotals,
  isEmptyPatch,
  type ItemDetail,
  type RunView,
} from "./board_data.ts";

/** A file-system event: its kind (`create`, `modify`, `remove`, `access`, …) and paths. */
export interface FsEvent {
  /** The kind. */
  kind: string;
  /** The paths it names. */
  paths: string[];
}

/** Watching one directory (not recursively); `close()` ends the iteration. */
export interface FsWatch extends AsyncIterable<FsEvent> {
  /** Stops watching. */
  close(): void;
}

/** Starts watching a directory; throws when it does not exist. */
export type WatchDirectory = (path: string) => FsWatch;

/**
 * Watches with `Deno.watchFs`.
 *
 * @param path The directory.
 * @returns The watch.
 */
export function denoWatchDirectory(path: string): FsWatch {
  const watcher = Deno.watchFs(path, { recursive: false });
  return {
    close: () => {
      try {
        watcher.close();
      } catch {
        // already closed
      }
    },
    async *[Symbol.asyncIterator]() {
      for await (const e of watcher) yield { kind: e.kind, paths: e.paths };
    },
  };
}

/** Options for {@linkcode BoardSource}. */
export interface BoardSourceOptions {
  /** The store. */
  store: TaskStore;
  /** Watches directories (default `Deno.watchFs`). */
  watch?: WatchDirectory;
  /** Quiet time after a file-system event before reading (default 25 ms). */
  debounceMs?: number;
  /** How often the files are looked at without events (default 500 ms; 0: never). */
  pollMs?: number;
  /** Whether a process is alive (default: `/proc/PID` exists; without `/proc`, yes). */
  isAlive?: (pid: number) => Promise<boolean>;
  /** Clock. */
  clock?: Clock;
  /** Receives warnings (a watch that failed). */
  warn?: (message: string) => void;
}

const PG_CONFIG_NAMES = ["phase-golem.jsonc", "phase-golem.toml"];

interface Stamp {
  size: number;
  mtimeMs: number | null;
}

function sameStamp(a: Stamp | null, b: Stamp | null): boolean {
  return a === null || b === null ? a === b : a.size === b.size && a.mtimeMs === b.mtimeMs;
}

/** The files the board reads, and which part of it each one feeds. */
type Part = "active" | "archive" | "events" | "run" | "config";

/**
 * The store and the run state as the board shows them, read again on every
 * change.
 */
export class BoardSource {
  readonly #store: TaskStore;
  readonly #fs: FileSystem;
  readonly #o: BoardSourceOptions;
  readonly #clock: Clock;
  readonly #files: Map<string, Part>;
  readonly #stamps = new Map<string, Stamp | null>();
  readonly #listeners = new Set<(p: BoardPatch) => void>();
  readonly #watches = new Map<string, FsWatch>();
  #active: Item[] = [];
  #archive: Item[] = [];
  #run: RunState | null = null;
  #runAlive = true;
  #pgProject = false;
  #error: string | null = null;
  #snapshot: BoardSnapshot;
  #json = new Map<string, string>();
  #version = 0;
  #eventsVersion = 0;
  /** Parts a pending read must read even when their stamps look unchanged. */
  readonly #forced = new Set<Part>();
  #reading: Promise<void> | null = null;
  #again = false;
  #debounce: ReturnType<typeof setTimeout> | undefined;
  #poll: ReturnType<typeof setInterval> | undefined;
  #closed = false;

  /** @param options The store and the effects. */
  constructor(options: BoardSourceOptions) {
    this.#o = options;
    this.#store = options.store;
    this.#fs = options.store.fs;
    this.#clock = options.clock ?? new SystemClock();
    const s = this.#store;
    this.#files = new Map<string, Part>([
      [s.tasksPath, "active"],
      [s.archivePath, "archive"],
      [s.eventsPath, "events"],
      [s.eventsArchivePath, "events"],
      [s.configPath, "config"],
      [this.runStatePath, "run"],
    ]);
    this.#snapshot = this.#build();
  }

  /** `.phase-golem/run_state.json`. */
  get runStatePath(): string {
    return `${this.#store.projectDir}/.phase-golem/${RUN_STATE_FILE}`;
  }

  /** The board as it is now. */
  get snapshot(): BoardSnapshot {
    return this.#snapshot;
  }

  /** Bumped whenever an event log changes (an open item detail is then stale). */
  get eventsVersion(): number {
    return this.#eventsVersion;
  }

  /** Reads everything, then starts watching and polling. */
  async start(): Promise<void> {
    for (const p of ["active", "archive", "events", "run", "config"] as const) this.#forced.add(p);
    await this.refresh();
    this.#attachWatches();
    const pollMs = this.#o.pollMs ?? 500;
    if (pollMs > 0) this.#poll = setInterval(() => this.#tick(), pollMs);
  }

  /** Stops watching and polling; pending reads finish. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#poll);
    clearTimeout(this.#debounce);
    for (const w of this.#watches.values()) w.close();
    this.#watches.clear();
    while (this.#reading !== null) await this.#reading;
  }

  /**
   * Calls `fn` with every patch from now on.
   *
   * @param fn The listener.
   * @returns A function that unsubscribes.
   */
  subscribe(fn: (p: BoardPatch) => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  /**
   * Reads what changed (or what is forced) and tells the subscribers.
   * Concurrent calls share one read; a call during a read reads again after it.
   */
  refresh(): Promise<void> {
    if (this.#reading !== null) {
      this.#again = true;
      return this.#reading;
    }
    this.#reading = (async () => {
      try {
        do {
          this.#again = false;
          await this.#read();
        } while (this.#again && !this.#closed);
      } finally {
        this.#reading = null;
      }
    })();
    return this.#reading;
  }

  /** Marks everything as changed and reads it (after a change the page made). */
  changed(): Promise<void> {
    for (const p of ["active", "archive", "events"] as const) this.#forced.add(p);
    return this.refresh();
  }

  #attachWatches(): void {
    if (this.#closed) return;
    const watch = this.#o.watch ?? denoWatchDirectory;
    const dirs = [this.#store.dir, `${this.#store.projectDir}/.phase-golem`];
    for (const dir of dirs) {
      if (this.#watches.has(dir)) continue;
      let w: FsWatch;
      try {
        w = watch(dir);
      } catch {
        continue; // not there (yet): the poll tries again
      }
      this.#watches.set(dir, w);
      (async () => {
        try {
          for await (const e of w) this.#onEvent(e);
        } catch (e) {
          this.#o.warn?.(`Warning: watching ${dir} failed: ${(e as Error).message}`);
        } finally {
          if (this.#watches.get(dir) === w) this.#watches.delete(dir);
        }
      })();
    }
  }

  #onEvent(e: FsEvent): void {
    if (e.kind === "access") return;
    let relevant = false;
    for (const path of e.paths) {
      const part = this.#files.get(path);
      if (part !== undefined) {
        this.#forced.add(part);
        relevant = true;
      }
    }
    if (!relevant) return;
    clearTimeout(this.#debounce);
    this.#debounce = setTimeout(() => void this.refresh(), this.#o.debounceMs ?? 25);
  }

  #tick(): void {
    if (this.#closed) return;
    if (this.#watches.size < 2) this.#attachWatches();
    void this.refresh();
  }

  async #stamp(path: string): Promise<Stamp | null> {
    const info = await this.#fs.stat(path).catch(() => null);
    return info === null ? null : { size: info.size, mtimeMs: info.mtimeMs };
  }

  async #isAlive(pid: number): Promise<boolean> {
    if (this.#o.isAlive !== undefined) return await this.#o.isAlive(pid);
    if ((await this.#fs.stat("/proc/self").catch(() => null)) === null) return true;
    return (await this.#fs.stat(`/proc/${pid}`).catch(() => null)) !== null;
  }

  async #read(): Promise<void> {
    const changed = new Set<Part>(this.#forced);
    this.#forced.clear();
    for (const [path, part] of this.#files) {
      const stamp = await this.#stamp(path);
      if (!sameStamp(stamp, this.#stamps.get(path) ?? null) || !this.#stamps.has(path)) {
        changed.add(part);
      }
      this.#stamps.set(path, stamp);
    }
    const store = this.#store;
    if (changed.has("active")) {
      try {
        this.#active = await store.loadActive();
        this.#error = null;
      } catch (e) {
        this.#error = `Cannot read ${store.tasksPath}: ${(e as Error).message}`;
      }
    }
    if (changed.has("archive")) {
      this.#archive = await store.loadArchive().catch(() => this.#archive);
    }
    if (changed.has("run")) {
      const bytes = await this.#fs.readFile(this.runStatePath).catch(() => null);
      this.#run = bytes === null ? null : parseRunState(new TextDecoder().decode(bytes));
    }
    const pg = await Promise.all(
      PG_CONFIG_NAMES.map((n) => this.#fs.stat(`${store.projectDir}/${n}`).catch(() => null)),
    );
    this.#pgProject = pg.some((s) => s !== null);
    const run = this.#run;
    this.#runAlive = run === null || run.finished_at !== null || await this.#isAlive(run.pid);
    if (changed.has("events")) this.#eventsVersion++;
    const next = this.#build(this.#version + 1);
    const { patch, json } = diffSnapshots(this.#snapshot, next, this.#json);
    const eventsOnly = changed.has("events") && isEmptyPatch(patch);
    if (isEmptyPatch(patch) && !eventsOnly) return;
    this.#version++;
    this.#snapshot = next;
    this.#json = json;
    for (const fn of this.#listeners) fn(patch);
  }

  #build(version = this.#version): BoardSnapshot {
    const run: RunView | null = this.#run === null ? null : { ...this.#run, alive: this.#runAlive };
    return buildSnapshot({
      active: this.#active,
      archive: this.#archive,
      run,
      error: this.#error,
      now: formatTimestamp(this.#clock.now()),
      version,
      pgProject: this.#pgProject,
    });
  }

  /**
   * One item in detail, found as `tg show` finds it (full ID, bare suffix,
   * configured prefix, unique prefix; active or archived).
   *
   * @param input The ID as typed.
   * @returns The detail.
   * @throws {TaskStoreError} `ItemNotFound`, `AmbiguousId`.
   */
  async detail(input: string): Promise<ItemDetail> {
    const store = this.#store;
    const config = await loadStoreConfig(store.fs, store.dir).catch(() => null);
    const prefixes = config ? [config.idPrefix] : [];
    const id = resolveId(input, this.#active.map((it) => it.id), {
      prefixes,
      archive: this.#archive.map((it) => it.id),
    });
    const active = this.#active.find((it) => it.id === id);
    const item = active ?? this.#archive.find((it) => it.id === id)!;
    const warn = () => {};
    const events = sortEvents(
      [
        ...await readEvents(store.fs, store.eventsPath, warn),
        ...await readEvents(store.fs, store.eventsArchivePath, warn),
      ].filter((e) => e.task_id === id),
    );
    return buildDetail({
      item,
      archived: active === undefined,
      active: this.#active,
      archive: this.#archive,
      events,
      pgProject: this.#pgProject,
      now: formatTimestamp(this.#clock.now()),
    });
  }

  /**
   * pg's recorded phase runs, summed over the active and archived items.
   *
   * @returns The totals.
   */
  historyTotals(): HistoryTotals {
    return historyTotals([...this.#active, ...this.#archive]);
  }
}
