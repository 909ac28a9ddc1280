/**
 * Claims that expire (a golem extension; upstream `tg` has none). A claim
 * made with a time-to-live carries a lease in the extension field
 * `x-tg-claim-lease`:
 *
 * ```json
 * {"agent":"bot-1","claimed_at":"2026-01-01T00:00:00Z","expires_at":"2026-01-01T00:30:00Z"}
 * ```
 *
 * The lease counts only while it matches the item's claim (`claimed_by` and
 * `claimed_at`); a claim changed by a tool that does not know leases (the
 * upstream binary keeps the field but not its meaning) is therefore never
 * cut short by a stale lease. Items without the field behave as upstream.
 *
 * @module
 */

import type { Item } from "./item.ts";
import type { JsonObject } from "./json.ts";
import { compareTimestamps } from "./graph.ts";
import { formatTimestamp, parseTimestamp } from "./timestamp.ts";

/** The extension field holding a claim's lease. */
export const CLAIM_LEASE_KEY = "x-tg-claim-lease";

/** A claim's lease. */
export interface ClaimLease {
  /** Who holds the claim. */
  agent: string;
  /** When it was claimed (the item's `claimed_at`). */
  claimedAt: string;
  /** When it stops blocking other agents. */
  expiresAt: string;
}

const MAX_SECS = 253402300799; // 9999-12-31T23:59:59Z

/**
 * The lease of an item's current claim, or `null` when the item is not
 * claimed, has no lease, or the lease belongs to an earlier claim.
 *
 * @param item The item.
 * @returns The lease.
 *
 * @example
 * ```ts
 * import { claimLease, newItem } from "@golem/golem";
 * import { setClaimLease } from "./claims.ts";
 * import assert from "node:assert/strict";
 * const item = newItem("tg-1", "T", "2026-01-01T00:00:00Z");
 * item.status = "doing";
 * item.claimed_by = "bot";
 * item.claimed_at = "2026-01-01T00:00:00Z";
 * setClaimLease(item, 1_800_000_000_000n);
 * assert.equal(claimLease(item)?.expiresAt, "2026-01-01T00:30:00Z");
 * item.claimed_at = "2026-01-02T00:00:00Z"; // re-claimed by a tool that ignores leases
 * assert.equal(claimLease(item), null);
 * ```
 */
export function claimLease(item: Item): ClaimLease | null {
  const v = item.extensions[CLAIM_LEASE_KEY];
  if (typeof v !== "object" || v === null || Array.isArray(v)) return null;
  const o = v as JsonObject;
  const { agent, claimed_at: claimedAt, expires_at: expiresAt } = o;
  if (typeof agent !== "string" || typeof claimedAt !== "string" || typeof expiresAt !== "string") {
    return null;
  }
  if (item.claimed_by === null || item.claimed_at === null) return null;
  if (agent !== item.claimed_by || !sameInstant(claimedAt, item.claimed_at)) return null;
  try {
    parseTimestamp(expiresAt);
  } catch {
    return null;
  }
  return { agent, claimedAt, expiresAt };
}

function sameInstant(a: string, b: string): boolean {
  try {
    const x = parseTimestamp(a);
    const y = parseTimestamp(b);
    return x.secs === y.secs && x.nanos === y.nanos;
  } catch {
    return false;
  }
}

/**
 * Whether the item's current claim has a lease that expired at or before `now`.
 *
 * @param item The item.
 * @param now Canonical timestamp.
 * @returns `true` when the claim no longer blocks other agents.
 */
export function isClaimExpired(item: Item, now: string): boolean {
  const lease = claimLease(item);
  return lease !== null && compareTimestamps(lease.expiresAt, now) <= 0;
}

/**
 * A canonical timestamp `ns` nanoseconds after `start`.
 *
 * @param start Canonical timestamp.
 * @param ns Nanoseconds to add (not negative).
 * @returns The later timestamp.
 * @throws {RangeError} Past 9999-12-31.
 */
export function addNanos(start: string, ns: bigint): string {
  const t = parseTimestamp(start);
  const total = BigInt(t.nanos) + ns;
  const secs = BigInt(t.secs) + total / 1_000_000_000n;
  if (secs > BigInt(MAX_SECS)) throw new RangeError("the time would be after the year 9999");
  return formatTimestamp({ secs: Number(secs), nanos: Number(total % 1_000_000_000n) });
}

/**
 * Gives the item's current claim (`claimed_by`, `claimed_at`) a lease of
 * `ttlNs` nanoseconds.
 *
 * @param item A claimed item (mutated).
 * @param ttlNs Time to live.
 * @throws {TypeError} When the item is not claimed.
 * @throws {RangeError} When the expiry would be after the year 9999.
 */
export function setClaimLease(item: Item, ttlNs: bigint): void {
  if (item.claimed_by === null || item.claimed_at === null) {
    throw new TypeError(`Item ${item.id} is not claimed`);
  }
  const lease: JsonObject = Object.create(null);
  lease.agent = item.claimed_by;
  lease["claimed_at"] = item.claimed_at;
  lease["expires_at"] = addNanos(item.claimed_at, ttlNs);
  item.extensions[CLAIM_LEASE_KEY] = lease;
}

/**
 * Removes the lease field, if any.
 *
 * @param item The item (mutated).
 */
export function clearClaimLease(item: Item): void {
  if (CLAIM_LEASE_KEY in item.extensions) delete item.extensions[CLAIM_LEASE_KEY];
}
