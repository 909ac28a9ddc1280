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
import { DenoFileSystem, type FileSystem } from "../../../lib/io/fs.ts";
import { readFileReusing } from "../../../lib/io/read_reusing.ts";
import {
  parseRunState,
  RUN_STATE_FILE,
  type RunState,
} from "../../../lib/orchestrator/run/run_state.ts";
import { loadStoreConfig } from "../../../lib/store/config.ts";
import { readEvents, sortEvents } from "../../../lib/store/events.ts";
import { resolveId } from "../../../lib/store/id.ts";
import type { TaskStore } from "../../../lib/store/store.ts";
import { formatTimestamp } from "../../../lib/store/timestamp.ts";
import type { ReadyCandidate } from "../../../lib/store/graph.ts";
import {
  type ArchiveIndex,
  forEachActiveLine,
  parseActiveLine,
} from "../../../lib/store/item_files.ts";
import { LineCache } from "./_line_cache.ts";
import {
  type BoardPatch,
  type BoardSnapshot,
  buildCard,
  buildDetail,
  type Card,
  diffSnapshots,
  type HistoryTotals,
  historyTotals,
  isEmptyPatch,
  type ItemDetail,
  readyIds,
  recentDone,
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

/** A line's card, and what the ready queue reads of its item. */
interface Entry {
  card: Card;
  row: ReadyCandidate;
}

const EMPTY_ARCHIVE: ArchiveIndex = {
  ids: [],
  item: (i) => {
    throw new RangeError(`No archived item at ${i}`);
  },
};

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
  /** `tasks.jsonl` as last read, line by line: an unchanged line keeps its card. */
  readonly #lines = new LineCache<Entry>({
    readAll: forEachActiveLine,
    parse: (line, lineNo) => this.#entry(line, lineNo),
  });
  /** Active cards in file order, each ID once. */
  #cards: Card[] = [];
  /** The ready queue of the last read. */
  #ready: string[] = [];
  #archive: ArchiveIndex = EMPTY_ARCHIVE;
  #archiveIds = new Set<string>();
  #done: Card[] = [];
  #history: { version: number; totals: HistoryTotals } | null = null;
  #run: RunState | null = null;
  /** The run state the snapshot's run was made from. */
  #runSource: RunState | null = null;
  readonly #seen = new Set<string>();
  /** The two read buffers of `tasks.jsonl`, and which one the next read does not use. */
  readonly #buffers: Uint8Array<ArrayBuffer>[] = [new Uint8Array(0), new Uint8Array(0)];
  #spare = 0;
  #runAlive = true;
  #pgProject = false;
  #error: string | null = null;
  #snapshot: BoardSnapshot;
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

  /** The current time as a canonical timestamp. */
  now(): string {
    return formatTimestamp(this.#clock.now());
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
    // The archive only grows or is rewritten, which its size and time show.
    for (const p of ["active", "events"] as const) this.#forced.add(p);
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
    const pg = await Promise.all(
      PG_CONFIG_NAMES.map((n) => this.#fs.stat(`${store.projectDir}/${n}`).catch(() => null)),
    );
    const pgProject = pg.some((s) => s !== null);
    if (pgProject !== this.#pgProject) {
      this.#pgProject = pgProject;
      this.#lines.reset(); // every card shows pg's view, or none
      changed.add("active").add("archive");
    }
    if (changed.has("archive")) await this.#readArchive();
    if (changed.has("active") || changed.has("archive")) await this.#readActive();
    if (changed.has("run")) {
      const bytes = await this.#fs.readFile(this.runStatePath).catch(() => null);
      this.#run = bytes === null ? null : parseRunState(new TextDecoder().decode(bytes));
    }
    const run = this.#run;
    const alive = run === null || run.finished_at !== null || await this.#isAlive(run.pid);
    if (changed.size === 0 && alive === this.#runAlive) return; // an idle look: nothing to build
    this.#runAlive = alive;
    if (changed.has("events")) this.#eventsVersion++;
    const next = this.#build(this.#version + 1);
    const patch = diffSnapshots(this.#snapshot, next);
    if (isEmptyPatch(patch) && !changed.has("events")) return;
    this.#version++;
    this.#snapshot = next;
    for (const fn of this.#listeners) fn(patch);
  }

  /**
   * Reads `tasks.jsonl`: only the lines that changed since the last read are
   * decoded and parsed (strictly, as `tg` parses them); the others keep
   * their cards. A large store changes an item at a time.
   */
  async #readActive(): Promise<void> {
    const store = this.#store;
    let entries: Entry[];
    try {
      entries = this.#lines.update(await this.#readTasks());
    } catch (e) {
      this.#error = `Cannot read ${store.tasksPath}: ${(e as Error).message}`;
      return;
    }
    const seen = this.#seen;
    seen.clear();
    const cards: Card[] = [];
    const rows: ReadyCandidate[] = [];
    for (const entry of entries) {
      if (seen.has(entry.card.id)) continue; // a duplicate ID (tg doctor reports it) shows once
      seen.add(entry.card.id);
      cards.push(entry.card);
      rows.push(entry.row);
    }
    this.#error = null;
    this.#cards = cards;
    this.#ready = readyIds(rows, this.#archiveIds, seen);
  }

  /**
   * `tasks.jsonl`'s bytes. On the real file system they are read into one
   * of two buffers in turn (the line cache holds the other): a large store
   * read after every change leaves no garbage behind.
   */
  async #readTasks(): Promise<Uint8Array | null> {
    const path = this.#store.tasksPath;
    if (!(this.#fs instanceof DenoFileSystem)) return await this.#fs.readFile(path);
    const next = 1 - this.#spare;
    const read = await readFileReusing(path, this.#buffers[next]!);
    if (read === null) return null;
    this.#buffers[next] = read.buffer;
    this.#spare = next;
    return read.bytes;
  }

  /** A line of `tasks.jsonl` as a card and a ready-queue row (`null` for a blank line). */
  #entry(line: string, lineNo: number): Entry | null {
    if (line.trim() === "") return null;
    const item = parseActiveLine(line, lineNo);
    return {
      card: buildCard(item, { pgProject: this.#pgProject }),
      row: {
        id: item.id,
        status: item.status,
        priority: item.priority,
        "created_at": item.created_at,
        dependencies: item.dependencies,
      },
    };
  }

  /** Reads `archive.jsonl`: its IDs, and cards for the most recently finished items. */
  async #readArchive(): Promise<void> {
    const index = await this.#store.loadArchiveIndex().catch(() => null);
    if (index === null) return;
    this.#archive = index;
    this.#archiveIds = new Set(index.ids);
    // Find the newest by `updated_at`, building one item at a time.
    const latest: { at: string; i: number }[] = [];
    const seen = new Set<string>();
    for (let i = index.ids.length - 1; i >= 0; i--) {
      if (seen.has(index.ids[i]!)) continue;
      seen.add(index.ids[i]!);
      latest.push({ at: index.item(i).updated_at, i });
    }
    const top = latest.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0))
      .slice(0, 50).map(({ i }) => index.item(i));
    const options = { pgProject: this.#pgProject };
    this.#done = recentDone(top).map((it) => buildCard(it, options));
  }

  #build(version = this.#version): BoardSnapshot {
    // The same object while nothing changed, so that a diff can skip comparing it.
    const prev = (this.#snapshot as BoardSnapshot | undefined)?.run ?? null;
    const run: RunView | null = this.#run === null
      ? null
      : prev !== null && this.#runSource === this.#run && prev.alive === this.#runAlive
      ? prev
      : { ...this.#run, alive: this.#runAlive };
    this.#runSource = this.#run;
    return {
      version,
      now: formatTimestamp(this.#clock.now()),
      items: this.#cards,
      done: this.#done,
      doneTotal: this.#archiveIds.size,
      ready: this.#ready,
      error: this.#error,
      run,
    };
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
    const archive = this.#archive;
    const id = resolveId(input, this.#cards.map((c) => c.id), { prefixes, archive: archive.ids });
    const active = this.#cards.some((c) => c.id === id) ? await store.getItem(id) : null;
    const item = active ?? archive.item(archive.ids.indexOf(id));
    const warn = () => {};
    const events = sortEvents(
      [
        ...await readEvents(store.fs, store.eventsPath, warn),
        ...await readEvents(store.fs, store.eventsArchivePath, warn),
      ].filter((e) => e.task_id === id),
    );
    return buildDetail({
      item,
      archived: active === null,
      cards: this.#cards,
      archivedRef: (ref) => {
        const i = archive.ids.indexOf(ref);
        if (i < 0) return undefined;
        const it = archive.item(i);
        return { title: it.title, status: it.status };
      },
      ready: active !== null && this.#ready.includes(id),
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
  async historyTotals(): Promise<HistoryTotals> {
    const version = this.#version;
    if (this.#history?.version !== version) {
      const store = this.#store;
      const items = [...await store.loadActive(), ...await store.loadArchive()];
      this.#history = { version, totals: historyTotals(items) };
    }
    return this.#history.totals;
  }
}
