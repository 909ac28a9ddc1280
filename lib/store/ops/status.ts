/**
 * The status commands as store operations: `startItem` (`tg do`, with
 * claims), `completeItem` (`tg done`), `reopenItem` (`tg todo`),
 * `blockItem` and `unblockItem` (tg.md §2.6, §2.7). Each resolves the ID as
 * typed, applies the transition, and lets the write record the
 * `status_transition` event before the item.
 *
 * @module
 */

import { claimLease, clearClaimLease, isClaimExpired, setClaimLease } from "../claims.ts";
import { loadStoreConfig } from "../config.ts";
import { parseDuration } from "../duration.ts";
import { invalidInput, invalidTransition, TaskStoreError } from "../errors.ts";
import type { Item } from "../item.ts";
import type { Status } from "../status.ts";
import type { TaskStore } from "../store.ts";
import { applyBlock, applyDo, applyDone, applyTodo, applyUnblock } from "../transitions.ts";
import { parentHasChildren } from "./_checks.ts";
import { type StoreWrite, writeStore } from "./_write.ts";

/** A claim that had expired and was taken over. */
export interface ClaimTakeover {
  /** Who held it. */
  from: string;
  /** When it expired (canonical timestamp). */
  expiredAt: string;
}

/**
 * What a status operation did: nothing (the item already had that status;
 * nothing was written), or the change.
 */
export type StatusOutcome =
  | { changed: false; status: Status }
  | { changed: true; item: Item; takeover?: ClaimTakeover };

/** Options for {@linkcode startItem}. */
export interface StartItemOptions {
  /** Claim the item for this agent. */
  claim?: string | undefined;
  /**
   * Let the claim expire after this long: a duration (`30m`, `1h 30m`) or
   * nanoseconds. Default: `claim_ttl` of `config.yaml`, else no expiry.
   */
  ttl?: string | bigint | undefined;
}

/**
 * Parses a claim time-to-live.
 *
 * @param text The duration as typed (`30m`, `1h 30m`).
 * @param label How to name the source in errors.
 * @returns Nanoseconds (more than zero).
 */
function parseTtl(text: string, label: string): bigint {
  let ns: bigint;
  try {
    ns = parseDuration(text);
  } catch (e) {
    throw invalidInput(`${label}'${text}': ${(e as Error).message}`);
  }
  if (ns <= 0n) throw invalidInput(`${label}'${text}': a claim TTL must be longer than zero`);
  return ns;
}

/** The TTL for a new claim: the option, else `claim_ttl` of `config.yaml`, else none. */
async function claimTtl(
  store: TaskStore,
  claim: string | null,
  ttl: string | bigint | undefined,
): Promise<bigint | null> {
  if (ttl !== undefined) {
    if (claim === null) throw invalidInput("--ttl needs --claim AGENT (only claims expire)");
    if (typeof ttl === "string") return parseTtl(ttl, "Invalid duration ");
    if (ttl <= 0n) throw invalidInput("A claim TTL must be longer than zero");
    return ttl;
  }
  if (claim === null) return null;
  // Like upstream, commands other than `add` ignore a config.yaml they cannot read.
  const config = await loadStoreConfig(store.fs, store.dir).catch(() => null);
  if (config?.claimTtl === null || config?.claimTtl === undefined) return null;
  return parseTtl(config.claimTtl, "Invalid config.yaml: claim_ttl: invalid duration ");
}

/** Sets the item's claim (and its lease, or none) to `agent` at `now`. */
function claimFor(item: Item, agent: string, now: string, ttl: bigint | null): void {
  item.claimed_by = agent;
  item.claimed_at = now;
  if (ttl === null) clearClaimLease(item);
  else {
    try {
      setClaimLease(item, ttl);
    } catch (e) {
      throw invalidInput(`Duration too large: ${(e as Error).message}`);
    }
  }
}

/**
 * Starts an item: `todo → doing`, optionally claimed for an agent. On an
 * item already `doing`, a claim is (re)set unless another agent's claim
 * still holds; an expired claim is taken over with a note event.
 *
 * @param store The store.
 * @param id The item, as typed.
 * @param options Claim and its time-to-live.
 * @returns What changed.
 * @throws {TaskStoreError} `ItemNotFound`, `AmbiguousId`, `InvalidTransition`,
 *   `AlreadyClaimed`, `InvalidInput` (TTL), `LockTimeout`.
 *
 * @example
 * ```ts
 * import { addItem, MemoryFileSystem, startItem, TaskStore } from "@golem/golem";
 * import assert from "node:assert/strict";
 * const store = new TaskStore("/repo/.task-golem", { fs: new MemoryFileSystem() });
 * await store.init();
 * const { id } = await addItem(store, { title: "Fix the bug" });
 * const started = await startItem(store, id, { claim: "agent-1", ttl: "30m" });
 * assert.ok(started.changed && started.item.claimed_by === "agent-1");
 * await assert.rejects(startItem(store, id, { claim: "agent-2" }), /Already claimed by agent-1/);
 * assert.equal((await store.eventsFor(id))[0]?.status, "doing");
 * ```
 */
export async function startItem(
  store: TaskStore,
  id: string,
  options: StartItemOptions = {},
): Promise<StatusOutcome> {
  const claim = options.claim ?? null;
  const ttl = await claimTtl(store, claim, options.ttl);
  return await writeStore(store, { kind: "all" }, async (w): Promise<StatusOutcome> => {
    const item = await w.resolveActive(id);
    if (item.status === "todo") {
      applyDo(item, claim, w.now());
      if (claim !== null) claimFor(item, claim, item.claimed_at!, ttl);
      return { changed: true, item };
    }
    if (item.status !== "doing") throw invalidTransition(item.status, "doing");
    if (claim === null) return { changed: false, status: "doing" };
    const now = w.now();
    let takeover: ClaimTakeover | undefined;
    if (item.claimed_by !== null && item.claimed_by !== claim) {
      if (!isClaimExpired(item, now)) {
        throw new TaskStoreError("AlreadyClaimed", `Already claimed by ${item.claimed_by}`);
      }
      takeover = { from: item.claimed_by, expiredAt: claimLease(item)!.expiresAt };
      await w.note(
        item.id,
        `Claim taken over by ${claim}: the claim of ${takeover.from} expired at ${takeover.expiredAt}`,
      );
    }
    // Re-claim (or take-over): refresh the claim; upstream writes no event here.
    claimFor(item, claim, now, ttl);
    item.updated_at = w.now();
    return takeover === undefined ? { changed: true, item } : { changed: true, item, takeover };
  });
}

/**
 * Finishes an item: `todo|doing → done`, then moves it and its events to
 * the archive. An archived item is already done. **[Fix]** Unlike upstream,
 * an item with active children is refused (they would lose their parent).
 *
 * @param store The store.
 * @param id The item, as typed (active or archived).
 * @returns What changed.
 * @throws {TaskStoreError} `ItemNotFound`, `AmbiguousId`, `InvalidTransition` (blocked),
 *   `ParentHasChildren`, `LockTimeout`.
 *
 * @example
 * ```ts
 * import { addItem, completeItem, MemoryFileSystem, TaskStore } from "@golem/golem";
 * import assert from "node:assert/strict";
 * const store = new TaskStore("/repo/.task-golem", { fs: new MemoryFileSystem() });
 * await store.init();
 * const { id } = await addItem(store, { title: "Ship it" });
 * assert.ok((await completeItem(store, id)).changed);
 * assert.deepEqual(await completeItem(store, id), { changed: false, status: "done" });
 * assert.equal((await store.loadArchive())[0]?.id, id);
 * ```
 */
export function completeItem(store: TaskStore, id: string): Promise<StatusOutcome> {
  return writeStore(store, { kind: "all" }, async (w): Promise<StatusOutcome> => {
    const found = await w.resolve(id, { archive: true });
    const item = w.item(found);
    if (item === undefined || item.status === "done") return { changed: false, status: "done" };
    if (item.status === "blocked") throw invalidTransition("blocked", "done");
    const children = w.children(found);
    if (children.length > 0) throw parentHasChildren(found, "completed", children);
    applyDone(item, w.now());
    w.archive(item);
    return { changed: true, item };
  });
}

/** Runs a transition on an active item: `decide` returns the unchanged status or applies the change. */
function transition(
  store: TaskStore,
  id: string,
  decide: (item: Item, w: StoreWrite) => Status | null,
): Promise<StatusOutcome> {
  return writeStore(store, { kind: "all" }, async (w): Promise<StatusOutcome> => {
    const item = await w.resolveActive(id);
    const unchanged = decide(item, w);
    return unchanged === null ? { changed: true, item } : { changed: false, status: unchanged };
  });
}

/**
 * Returns a started item to the queue: `doing → todo`, claim cleared.
 *
 * @param store The store.
 * @param id The item, as typed.
 * @returns What changed.
 * @throws {TaskStoreError} `ItemNotFound`, `AmbiguousId`, `InvalidTransition`, `LockTimeout`.
 */
export function reopenItem(store: TaskStore, id: string): Promise<StatusOutcome> {
  return transition(store, id, (item, w) => {
    if (item.status === "todo") return "todo";
    if (item.status !== "doing") throw invalidTransition(item.status, "todo");
    applyTodo(item, w.now());
    return null;
  });
}

/** Options for {@linkcode blockItem}. */
export interface BlockItemOptions {
  /** Why (kept in `blocked_reason` and the event). */
  reason?: string | null | undefined;
}

/**
 * Blocks an item: `todo|doing → blocked`, remembering the status to return
 * to; the reason is the event's text.
 *
 * @param store The store.
 * @param id The item, as typed.
 * @param options The reason.
 * @returns What changed.
 * @throws {TaskStoreError} `ItemNotFound`, `AmbiguousId`, `InvalidTransition`,
 *   `InvalidInput` (a reason over the event cap), `LockTimeout`.
 *
 * @example
 * ```ts
 * import { addItem, blockItem, MemoryFileSystem, TaskStore, unblockItem } from "@golem/golem";
 * import assert from "node:assert/strict";
 * const store = new TaskStore("/repo/.task-golem", { fs: new MemoryFileSystem() });
 * await store.init();
 * const { id } = await addItem(store, { title: "Call the API" });
 * await blockItem(store, id, { reason: "waiting for a key" });
 * const back = await unblockItem(store, id);
 * assert.ok(back.changed && back.item.status === "todo");
 * const log = await store.eventsFor(id);
 * assert.deepEqual(log.map((e) => [e.status, e.text]), [["blocked", "waiting for a key"], ["todo", ""]]);
 * ```
 */
export function blockItem(
  store: TaskStore,
  id: string,
  options: BlockItemOptions = {},
): Promise<StatusOutcome> {
  return transition(store, id, (item, w) => {
    if (item.status === "blocked") return "blocked";
    if (item.status === "done") throw invalidTransition("done", "blocked");
    applyBlock(item, options.reason ?? null, w.now());
    return null;
  });
}

/**
 * Unblocks an item: back to the status it was blocked from (or `todo`).
 *
 * @param store The store.
 * @param id The item, as typed.
 * @returns What changed (always a change).
 * @throws {TaskStoreError} `InvalidInput` when the item is not blocked; `ItemNotFound`,
 *   `AmbiguousId`, `LockTimeout`.
 */
export function unblockItem(store: TaskStore, id: string): Promise<StatusOutcome> {
  return transition(store, id, (item, w) => {
    if (item.status !== "blocked") {
      throw invalidInput(`Cannot unblock: item status is '${item.status}', expected 'blocked'`);
    }
    applyUnblock(item, w.now());
    return null;
  });
}
