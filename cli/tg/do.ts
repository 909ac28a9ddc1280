/**
 * `tg do <ID> [--claim AGENT [--ttl DURATION]]`: start working on an item.
 * A claim with a time-to-live (`--ttl`, or `claim_ttl` in `config.yaml`)
 * stops blocking other agents once it expires; another agent's claim then
 * takes it over, recorded as a note event.
 */

import type { Parsed } from "../_args.ts";
import {
  claimLease,
  clearClaimLease,
  isClaimExpired,
  setClaimLease,
} from "../../lib/store/claims.ts";
import { loadStoreConfig } from "../../lib/store/config.ts";
import { parseDuration } from "../../lib/store/duration.ts";
import { invalidInput, invalidTransition, TaskStoreError } from "../../lib/store/errors.ts";
import { makeEvent } from "../../lib/store/events.ts";
import type { Item } from "../../lib/store/item.ts";
import { formatHumanTimestamp, parseTimestamp } from "../../lib/store/timestamp.ts";
import { applyDo } from "../../lib/store/transitions.ts";
import type { TgContext } from "./_context.ts";
import { str } from "./_opts.ts";
import { type Outcome, printOutcome } from "./_transition.ts";

/**
 * Parses a claim time-to-live.
 *
 * @param text The duration as typed (`30m`, `1h 30m`).
 * @param label How to name the source in errors.
 * @returns Nanoseconds (more than zero).
 */
export function parseTtl(text: string, label: string): bigint {
  let ns: bigint;
  try {
    ns = parseDuration(text);
  } catch (e) {
    throw invalidInput(`${label}'${text}': ${(e as Error).message}`);
  }
  if (ns <= 0n) throw invalidInput(`${label}'${text}': a claim TTL must be longer than zero`);
  return ns;
}

/** The TTL for a new claim: `--ttl`, else `claim_ttl` of `config.yaml`, else none. */
async function claimTtl(p: Parsed, ctx: TgContext, claim: string | null): Promise<bigint | null> {
  const flag = str(p.opts.ttl);
  if (flag !== undefined) {
    if (claim === null) throw invalidInput("--ttl needs --claim AGENT (only claims expire)");
    return parseTtl(flag, "Invalid duration ");
  }
  if (claim === null) return null;
  const store = await ctx.store();
  // Like upstream, commands other than `add` ignore a config.yaml they cannot read.
  const config = await loadStoreConfig(store.fs, store.dir).catch(() => null);
  if (config?.claimTtl === null || config?.claimTtl === undefined) return null;
  return parseTtl(config.claimTtl, "Invalid config.yaml: claim_ttl: invalid duration ");
}

function human(ts: string): string {
  return formatHumanTimestamp(parseTimestamp(ts));
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

/** Runs `tg do`. */
export async function doCommand(p: Parsed, ctx: TgContext): Promise<void> {
  const claim = str(p.opts.claim) ?? null;
  const ttl = await claimTtl(p, ctx, claim);
  const store = await ctx.store();
  let takeover: { from: string; expiredAt: string } | null = null;
  const outcome: Outcome = await store.lock(async () => {
    const items = await store.loadActive();
    const item = await ctx.resolveActive(p.args.id!, items);
    if (item.status === "todo") {
      const change = applyDo(item, claim, store.now());
      if (claim !== null) claimFor(item, claim, item.claimed_at!, ttl);
      await store.commitStatusChange(items, change);
      return { kind: "applied", item };
    }
    if (item.status !== "doing") throw invalidTransition(item.status, "doing");
    if (claim === null) return { kind: "idempotent", status: "doing" };
    const now = store.now();
    if (item.claimed_by !== null && item.claimed_by !== claim) {
      if (!isClaimExpired(item, now)) {
        throw new TaskStoreError("AlreadyClaimed", `Already claimed by ${item.claimed_by}`);
      }
      takeover = { from: item.claimed_by, expiredAt: claimLease(item)!.expiresAt };
      const text =
        `Claim taken over by ${claim}: the claim of ${takeover.from} expired at ${takeover.expiredAt}`;
      await store.appendEvent(
        makeEvent(item.id, "note", text, await store.author(), parseTimestamp(now)),
      );
    }
    // Re-claim (or take-over): refresh the claim; upstream writes no event here.
    claimFor(item, claim, now, ttl);
    item.updated_at = store.now();
    await store.saveActive(items);
    return { kind: "applied", item };
  });
  if (takeover !== null) {
    const t = takeover as { from: string; expiredAt: string };
    ctx.warn(
      `Note: the claim of ${t.from} expired at ${human(t.expiredAt)}; ${claim} took it over`,
    );
  }
  await printOutcome(ctx, outcome, (it) => `Started: ${it.id} - ${it.title} [doing]`);
}
