/**
 * Claims that do not change the status (`claimItem`, `releaseClaim`): for
 * tools whose items are claimed in any open status, such as pg, whose New,
 * Scoping and Ready items are `todo` and whose items in progress are
 * `doing`, and which claims an item for one phase at a time. `tg do --claim`
 * (`startItem`) claims by starting; these leave the status alone.
 *
 * The rules are those of `startItem`'s claims: a claim by another agent
 * holds until its lease (`x-tg-claim-lease`) expires, or forever without
 * one; an expired claim is taken over with a `note` event; the same agent
 * claiming again renews its claim. No status event is written: the status
 * does not change.
 *
 * @module
 */

import { claimLease, clearClaimLease, isClaimExpired, setClaimLease } from "../claims.ts";
import { parseDuration } from "../duration.ts";
import { invalidInput, itemNotFound } from "../errors.ts";
import type { Item } from "../item.ts";
import type { TaskStore } from "../store.ts";
import type { ClaimTakeover } from "./status.ts";
import { writeStore } from "./_write.ts";

/** Options for {@linkcode claimItem}. */
export interface ClaimItemOptions {
  /** Who claims the item (`claimed_by`). */
  agent: string;
  /** How long the claim holds: a duration (`30m`, `1h 30m`) or nanoseconds, more than zero. */
  ttl: string | bigint;
}

/** What {@linkcode claimItem} did. */
export type ClaimOutcome =
  | {
    /** The item is now claimed by the agent (a new claim, a renewal or a takeover). */
    claimed: true;
    /** The item after the change. */
    item: Item;
    /** The agent held the claim already and renewed it. */
    renewed: boolean;
    /** The expired claim of another agent that was taken over, if any. */
    takeover?: ClaimTakeover;
  }
  | {
    /** Another agent's claim holds; nothing was written. */
    claimed: false;
    /** The item as it is. */
    item: Item;
    /** Who holds the claim. */
    holder: string;
    /** When that claim expires, or `null` when it has no lease (it holds until released). */
    expiresAt: string | null;
  };

/** Options for {@linkcode releaseClaim}. */
export interface ReleaseClaimOptions {
  /** Whose claim to release: another agent's claim is left alone. */
  agent: string;
}

/** What {@linkcode releaseClaim} did. */
export type ReleaseOutcome =
  | {
    /** The agent's claim was removed. */
    released: true;
    /** The item after the change. */
    item: Item;
  }
  | {
    /** Nothing was written: the item is not claimed by the agent. */
    released: false;
    /** Who holds the claim instead, or `null` when nobody does. */
    holder: string | null;
  };

function ttlNanos(ttl: string | bigint): bigint {
  let ns: bigint;
  if (typeof ttl === "bigint") ns = ttl;
  else {
    try {
      ns = parseDuration(ttl);
    } catch (e) {
      throw invalidInput(`Invalid duration '${ttl}': ${(e as Error).message}`);
    }
  }
  if (ns <= 0n) throw invalidInput("A claim TTL must be longer than zero");
  return ns;
}

/**
 * Claims an active item for an agent for a limited time, without changing
 * its status. The item must be `todo` or `doing`. When another agent's
 * claim still holds, nothing is written and the holder is returned; an
 * expired claim is taken over with a note event (`Claim taken over by B:
 * the claim of A expired at …`); the agent's own claim is renewed.
 * `claimed_at` and `updated_at` become now, and the lease expires `ttl`
 * later.
 *
 * @param store The store.
 * @param id The exact ID.
 * @param options The agent and the time-to-live.
 * @returns The claim, or who holds the item.
 * @throws {TaskStoreError} `ItemNotFound` (not active), `InvalidInput` (an
 *   empty agent, a bad TTL, a blocked item), `LockTimeout`.
 *
 * @example Two agents, one item: the second is told who holds it
 * ```ts
 * import { addItem, claimItem, MemoryFileSystem, releaseClaim, TaskStore } from "@golem/golem";
 * import assert from "node:assert/strict";
 * const store = new TaskStore("/repo/.task-golem", { fs: new MemoryFileSystem() });
 * await store.init();
 * const { id } = await addItem(store, { title: "Write the parser" });
 * const first = await claimItem(store, id, { agent: "worker-1", ttl: "35m" });
 * assert.ok(first.claimed && first.item.status === "todo"); // the status is left alone
 * const second = await claimItem(store, id, { agent: "worker-2", ttl: "35m" });
 * assert.ok(!second.claimed && second.holder === "worker-1");
 * assert.deepEqual(await releaseClaim(store, id, { agent: "worker-2" }), {
 *   released: false,
 *   holder: "worker-1",
 * });
 * assert.ok((await releaseClaim(store, id, { agent: "worker-1" })).released);
 * assert.ok((await claimItem(store, id, { agent: "worker-2", ttl: "35m" })).claimed);
 * ```
 */
export async function claimItem(
  store: TaskStore,
  id: string,
  options: ClaimItemOptions,
): Promise<ClaimOutcome> {
  const agent = options.agent;
  if (agent.trim() === "") throw invalidInput("A claim needs an agent name");
  const ttl = ttlNanos(options.ttl);
  return await writeStore(store, { kind: "item", id }, async (w): Promise<ClaimOutcome> => {
    const item = w.item(id);
    if (item === undefined) throw itemNotFound(id);
    if (item.status !== "todo" && item.status !== "doing") {
      throw invalidInput(`Cannot claim ${id}: it is ${item.status}`);
    }
    const now = w.now();
    const holder = item.claimed_by;
    let takeover: ClaimTakeover | undefined;
    if (holder !== null && holder !== agent) {
      if (!isClaimExpired(item, now)) {
        return {
          claimed: false,
          item,
          holder,
          expiresAt: claimLease(item)?.expiresAt ?? null,
        };
      }
      takeover = { from: holder, expiredAt: claimLease(item)!.expiresAt };
      await w.note(
        item.id,
        `Claim taken over by ${agent}: the claim of ${holder} expired at ${takeover.expiredAt}`,
      );
    }
    item.claimed_by = agent;
    item.claimed_at = now;
    try {
      setClaimLease(item, ttl);
    } catch (e) {
      throw invalidInput(`Duration too large: ${(e as Error).message}`);
    }
    item.updated_at = now;
    const renewed = holder === agent;
    return takeover === undefined
      ? { claimed: true, item, renewed }
      : { claimed: true, item, renewed, takeover };
  });
}

/**
 * Releases an agent's claim on an active item: `claimed_by`, `claimed_at`
 * and the lease are cleared and `updated_at` becomes now; the status stays.
 * A claim held by someone else, or none, is left alone and nothing is
 * written.
 *
 * @param store The store.
 * @param id The exact ID.
 * @param options Whose claim.
 * @returns Whether the claim was released, or who holds the item.
 * @throws {TaskStoreError} `ItemNotFound` (not active), `LockTimeout`.
 *
 * @example A worker's phase ends: its claim goes, the status stays
 * ```ts
 * import { addItem, claimItem, MemoryFileSystem, releaseClaim, startItem, TaskStore } from "@golem/golem";
 * import assert from "node:assert/strict";
 * const store = new TaskStore("/repo/.task-golem", { fs: new MemoryFileSystem() });
 * await store.init();
 * const { id } = await addItem(store, { title: "Review the parser" });
 * await startItem(store, id);
 * await claimItem(store, id, { agent: "worker-1", ttl: "35m" });
 * const r = await releaseClaim(store, id, { agent: "worker-1" });
 * assert.ok(r.released && r.item.status === "doing" && r.item.claimed_by === null);
 * ```
 */
export async function releaseClaim(
  store: TaskStore,
  id: string,
  options: ReleaseClaimOptions,
): Promise<ReleaseOutcome> {
  return await writeStore(store, { kind: "item", id }, (w): ReleaseOutcome => {
    const item = w.item(id);
    if (item === undefined) throw itemNotFound(id);
    if (item.claimed_by !== options.agent) return { released: false, holder: item.claimed_by };
    item.claimed_by = null;
    item.claimed_at = null;
    clearClaimLease(item);
    item.updated_at = w.now();
    return { released: true, item };
  });
}
