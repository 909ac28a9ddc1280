/**
 * The store's one write path. Every operation runs as a write: under the
 * store lock it reads `tasks.jsonl`, lets the operation change items in
 * memory, and then commits in a fixed order that keeps the files
 * consistent after a crash at any point:
 *
 * 1. check every status change against the store's rule and encode the new
 *    `tasks.jsonl` (nothing is written when either fails);
 * 2. append the note events, then one `status_transition` event per item
 *    whose status changed ("event first");
 * 3. append archived items to `archive.jsonl`;
 * 4. replace `tasks.jsonl` atomically (skipped when the bytes are unchanged);
 * 5. move the archived items' events to `events.archive.jsonl`.
 *
 * A write either sees the whole file (`{ kind: "all" }`: every line is
 * validated, items are built only when asked for, untouched lines are
 * written back as read) or a single item (`{ kind: "item", id }`): its line
 * is found in the raw bytes, parsed and spliced back, and the rest of the
 * file is copied as it is, which keeps one-item writes fast on large stores.
 *
 * @module
 */

import { sameBytes } from "../../io/bytes.ts";
import { ActiveDoc, type StatusChangeOf } from "../active_doc.ts";
import { loadStoreConfig } from "../config.ts";
import { ioError } from "../errors.ts";
import {
  appendEvent,
  encodeEventLine,
  fitEvent,
  makeEvent,
  moveEventsForTasks,
  type TaskEvent,
} from "../events.ts";
import { resolveId } from "../id.ts";
import { type Item, serializeItem } from "../item.ts";
import { quoteJsonString } from "../json.ts";
import type { Status } from "../status.ts";
import type { TaskStore } from "../store.ts";
import { checkStatusChange } from "../transitions.ts";
import { internalsOf, type StoreInternals } from "../_internals.ts";
import { appendItemLine } from "../_item_append.ts";
import { findLineSpan, linesContaining, type LineSpan, parseLineAt } from "../_lines.ts";
import type { ScratchFile } from "../_scratch.ts";

/** What a write reads: the whole file, or the line of one item. */
export type WriteScope = { kind: "all" } | { kind: "item"; id: string };

/** Options of a write. */
export interface WriteOptions {
  /**
   * Shorten event texts that would exceed the event-line cap instead of
   * refusing the write (for texts that come from agents, not from a user
   * who can shorten them).
   */
  fitEvents?: boolean;
}

interface Target {
  span: LineSpan;
  item: Item;
  id: string;
  before: Status;
  gone: boolean;
}

/** How the items of `{ kind: "all" }` writes are looked up by the ID rules. */
export interface ResolveScope {
  /** Archived IDs are in scope too. */
  archive?: boolean;
}

/** An open write: the items it may change and what it will append. */
export class StoreWrite {
  /** The store. */
  readonly store: TaskStore;
  readonly #internals: StoreInternals;
  readonly #scratch: ScratchFile;
  readonly #bytes: Uint8Array | null;
  readonly #doc: ActiveDoc | null;
  readonly #target: Target | null;
  readonly #fit: boolean;
  readonly #notes: TaskEvent[] = [];
  readonly #archived: Item[] = [];
  #archiveIds: Promise<string[]> | undefined;

  /** @internal Opened by {@linkcode writeStore}. */
  constructor(
    store: TaskStore,
    scratch: ScratchFile,
    bytes: Uint8Array | null,
    scope: WriteScope,
    options: WriteOptions,
  ) {
    this.store = store;
    this.#internals = internalsOf(store);
    this.#scratch = scratch;
    this.#bytes = bytes;
    this.#fit = options.fitEvents === true;
    const span = scope.kind === "item" && bytes !== null ? findLineSpan(bytes, scope.id) : null;
    if (span !== null) {
      const item = parseLineAt(bytes!, span);
      this.#target = { span, item, id: item.id, before: item.status, gone: false };
      this.#doc = null;
    } else {
      // A whole-file write, or an item whose line is not where the canonical
      // writer puts it (then the whole file is read the strict way).
      this.#target = null;
      this.#doc = ActiveDoc.parse(bytes);
    }
  }

  /** The current time as a canonical timestamp. */
  now(): string {
    return this.store.now();
  }

  /**
   * The whole active file (only in `{ kind: "all" }` writes).
   *
   * @returns The document.
   */
  get doc(): ActiveDoc {
    if (this.#doc === null) throw new TypeError("This write sees one item, not the whole file");
    return this.#doc;
  }

  /**
   * The first active item with this exact ID.
   *
   * @param id The ID.
   * @returns The item, or `undefined` when it is not active.
   */
  item(id: string): Item | undefined {
    const t = this.#target;
    if (t !== null) {
      if (id !== t.id) throw new TypeError(`This write sees only ${t.id}, not ${id}`);
      return t.gone ? undefined : t.item;
    }
    return this.#doc!.get(id);
  }

  /**
   * IDs of the active items whose parent is `id` (the item itself excluded).
   *
   * @param id The parent.
   * @returns Child IDs in file order.
   */
  children(id: string): string[] {
    const needle = quoteJsonString(id);
    const t = this.#target;
    if (t === null) {
      return this.#doc!.where(needle, (it) => it.parent === id && it.id !== id).map((it) => it.id);
    }
    const out: string[] = [];
    for (const span of linesContaining(this.#bytes!, needle)) {
      if (span.start === t.span.start) continue;
      const it = parseLineAt(this.#bytes!, span);
      if (it.parent === id && it.id !== id) out.push(it.id);
    }
    return out;
  }

  /**
   * IDs in `archive.jsonl` (read once per write, leniently).
   *
   * @returns IDs in file order.
   */
  archiveIds(): Promise<string[]> {
    return this.#archiveIds ??= this.store.loadArchiveIds();
  }

  /**
   * Resolves what a user typed to an ID: exact, `<prefix>-<input>` with
   * `tg` and the configured prefix, or a unique prefix (tg.md §3.2). Only in
   * `{ kind: "all" }` writes.
   *
   * @param input What the user typed.
   * @param scope Whether archived IDs count.
   * @returns The ID.
   * @throws {TaskStoreError} `ItemNotFound`, `AmbiguousId`, `InvalidInput`.
   */
  async resolve(input: string, scope: ResolveScope = {}): Promise<string> {
    const prefixes = await configuredPrefixes(this.store);
    const ids = this.doc.ids;
    return scope.archive
      ? resolveId(input, ids, { prefixes, archive: await this.archiveIds() })
      : resolveId(input, ids, { prefixes });
  }

  /**
   * Resolves input among the active items and returns the item.
   *
   * @param input What the user typed.
   * @returns The first active item with the resolved ID.
   */
  async resolveActive(input: string): Promise<Item> {
    return this.doc.get(await this.resolve(input))!;
  }

  /**
   * Adds a new item (only in `{ kind: "all" }` writes). New items write no event.
   *
   * @param item The item.
   */
  push(item: Item): void {
    this.doc.push(item);
  }

  /**
   * Takes an item out of the active file (its events stay where they are).
   *
   * @param item An item of this write.
   */
  remove(item: Item): void {
    const t = this.#target;
    if (t !== null) {
      if (item !== t.item) throw new TypeError("Not the item of this write");
      t.gone = true;
    } else if (!this.#doc!.remove(item)) throw new TypeError("Not an item of this write");
  }

  /**
   * Moves an item to `archive.jsonl`, and its events to the archive log.
   *
   * @param item An item of this write.
   */
  archive(item: Item): void {
    this.remove(item);
    this.#archived.push(item);
  }

  /**
   * Appends an item that was never active to `archive.jsonl`.
   *
   * @param item The item.
   */
  addArchived(item: Item): void {
    this.#archived.push(item);
  }

  /**
   * Adds a note event to an item's log (written before the item). An event
   * over the size cap is refused now, or shortened when the write fits
   * events.
   *
   * @param id The item's ID.
   * @param text The note.
   * @returns The event that will be written.
   */
  async note(id: string, text: string): Promise<TaskEvent> {
    const ev = makeEvent(id, "note", text, await this.store.author(), this.#internals.clock.now());
    const fitted = this.#fit ? fitEvent(ev) : ev;
    encodeEventLine(fitted);
    this.#notes.push(fitted);
    return fitted;
  }

  #statusChanges(): StatusChangeOf[] {
    const t = this.#target;
    if (t === null) return this.#doc!.statusChanges();
    return t.item.status === t.before ? [] : [{ item: t.item, from: t.before }];
  }

  #encode(): Uint8Array {
    const t = this.#target;
    if (t === null) return this.#scratch.encode(this.#doc!.encodeText());
    const bytes = this.#bytes!;
    if (t.gone) {
      return this.#scratch.splice(bytes, t.span.start, Math.min(t.span.end + 1, bytes.length), "");
    }
    if (t.item.id !== t.id) throw new TypeError(`The ID of ${t.id} cannot change`);
    return this.#scratch.splice(bytes, t.span.start, t.span.end, serializeItem(t.item));
  }

  async #transitionEvents(changes: readonly StatusChangeOf[]): Promise<TaskEvent[]> {
    if (changes.length === 0) return [];
    const author = await this.store.author();
    const clock = this.#internals.clock;
    return changes.map(({ item }) => {
      const text = item.status === "blocked" ? item.blocked_reason ?? "" : "";
      const ev = makeEvent(item.id, "status_transition", text, author, clock.now(), item.status);
      return this.#fit ? fitEvent(ev) : ev;
    });
  }

  /** @internal Writes everything, in the order of the module documentation. */
  async commit(): Promise<void> {
    const changes = this.#statusChanges();
    for (const c of changes) checkStatusChange(c.from, c.item.status);
    const next = this.#encode();
    const archivedLines = this.#archived.map((it) => serializeItem(it));
    const transitions = await this.#transitionEvents(changes);
    for (const ev of transitions) encodeEventLine(ev); // refuses an event over the cap before any write
    const events = [...this.#notes, ...transitions];
    const store = this.store;
    const fs = store.fs;
    try {
      for (const ev of events) await appendEvent(fs, store.eventsPath, ev);
      for (let i = 0; i < archivedLines.length; i++) {
        await appendItemLine(fs, store.archivePath, this.#archived[i]!);
      }
      if (!sameBytes(this.#bytes, next)) await fs.writeFileAtomic(store.tasksPath, next);
      await moveEventsForTasks(
        fs,
        store.eventsPath,
        store.eventsArchivePath,
        new Set(this.#archived.map((it) => it.id)),
        this.#internals.warn,
      );
    } catch (e) {
      throw ioError(e);
    }
  }
}

/**
 * Runs one write: takes the store lock, reads `tasks.jsonl`, runs `fn`, and
 * commits what it changed. When `fn` throws, nothing is written.
 *
 * @param store The store.
 * @param scope The whole file or one item.
 * @param fn Changes items through the write; its result is returned.
 * @param options How event texts over the cap are handled.
 * @returns What `fn` returns.
 * @throws {TaskStoreError} `LockTimeout`, `StorageCorruption`, `Io`, or what `fn` throws.
 */
export function writeStore<T>(
  store: TaskStore,
  scope: WriteScope,
  fn: (write: StoreWrite) => Promise<T> | T,
  options: WriteOptions = {},
): Promise<T> {
  const internals = internalsOf(store);
  return store.lock(() =>
    internals.withScratch(async (scratch) => {
      let bytes: Uint8Array | null;
      try {
        bytes = await scratch.read(store.tasksPath);
      } catch (e) {
        throw ioError(e);
      }
      const write = new StoreWrite(store, scratch, bytes, scope, options);
      const result = await fn(write);
      await write.commit();
      return result;
    })
  );
}

/** The configured ID prefix (`config.yaml`), ignoring a config that cannot be read. */
async function configuredPrefixes(store: TaskStore): Promise<string[]> {
  const config = await loadStoreConfig(store.fs, store.dir).catch(() => null);
  return config ? [config.idPrefix] : [];
}
