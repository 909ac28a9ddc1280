/** `tg show <ID> [--events]`: one item in detail. */

import type { Parsed } from "../_args.ts";
import { compareCodePoints, stringifyCompact } from "../../lib/store/json.ts";
import { claimLease, isClaimExpired } from "../../lib/store/claims.ts";
import type { Item } from "../../lib/store/item.ts";
import type { TaskEvent } from "../../lib/store/events.ts";
import { formatHumanTimestamp, parseTimestamp } from "../../lib/store/timestamp.ts";
import {
  printResult,
  stringResult,
  type TextOptions,
  type TgContext,
  type TgResult,
} from "./_context.ts";
import { eventsTable, itemJson, statusWord, tableRow } from "./_format.ts";

const MAX_CHILDREN = 10;

/** The options of `tg show`. */
export interface ShowRequest {
  /** The item's ID as typed (active or archived). */
  id: string;
  /** Add the item's event log. */
  events?: boolean | undefined;
}

/** What `tg show` shows, with the events when they were asked for. */
export interface ShowResult extends TgResult {
  /** The item. */
  readonly item: Item;
  /** Its event log, oldest first (only with {@linkcode ShowRequest.events}). */
  readonly events: readonly TaskEvent[] | undefined;
}

/**
 * One item in detail.
 *
 * @param ctx Command context.
 * @param request The ID and whether to add the events.
 * @returns The item (JSON: the item; text: its labelled fields, children and events).
 */
export async function showResult(ctx: TgContext, request: ShowRequest): Promise<ShowResult> {
  const store = await ctx.store();
  // Every line is checked, but only the items shown are built.
  const active = await store.loadActiveIndex();
  const archive = await store.loadArchiveIndex();
  const id = await ctx.resolve(request.id, active.ids, archive.ids);
  const row = active.rows.find((r) => r.id === id);
  const item = row ? active.item(row.index) : archive.item(archive.ids.indexOf(id));
  const events = request.events ? await store.eventsFor(item.id) : undefined;
  const text = (o: TextOptions) => {
    let out = detail(item, o.color, store.now());
    const parentMember = '"parent":' + JSON.stringify(item.id);
    const children = active.where(parentMember, (it) => it.parent === item.id).sort((a, b) =>
      a.priority !== b.priority ? (a.priority > b.priority ? -1 : 1) : compareCodePoints(a.id, b.id)
    );
    if (children.length > 0) {
      out += "Children:\n";
      for (const c of children.slice(0, MAX_CHILDREN)) out += "  " + tableRow(c, o.color) + "\n";
      if (children.length > MAX_CHILDREN) out += `  (${children.length - MAX_CHILDREN} more)\n`;
    }
    if (events !== undefined) out += eventsTable(events, o.terminal);
    return out;
  };
  return { ...stringResult(() => itemJson(item), text), item, events };
}

/** Runs `tg show`. */
export async function show(p: Parsed, ctx: TgContext): Promise<void> {
  // `--json` prints the item alone, so the events are not read for it.
  const events = p.flag("events") && !ctx.json;
  await printResult(ctx, await showResult(ctx, { id: p.args.id!, events }));
}

function human(ts: string): string {
  return formatHumanTimestamp(parseTimestamp(ts));
}

/** ` (expires …)` / ` (expired …)` for a claim with a lease (`tg do --ttl`). */
function leaseNote(item: Item, now: string | undefined): string {
  const lease = now === undefined ? null : claimLease(item);
  if (lease === null) return "";
  return isClaimExpired(item, now!)
    ? ` (expired ${human(lease.expiresAt)})`
    : ` (expires ${human(lease.expiresAt)})`;
}

/** The labelled lines of `tg show`, newline-terminated. */
export function detail(item: Item, color: boolean, now?: string): string {
  const lines = [
    `ID:          ${item.id}`,
    `Title:       ${item.title}`,
    `Status:      ${statusWord(item.status, color)}`,
    `Priority:    ${item.priority}`,
  ];
  if (item.description !== null) lines.push(`Description: ${item.description}`);
  if (item.tags.length > 0) lines.push(`Tags:        ${item.tags.join(", ")}`);
  if (item.dependencies.length > 0) lines.push(`Deps:        ${item.dependencies.join(", ")}`);
  if (item.blocked_reason !== null) lines.push(`Block reason:${item.blocked_reason}`);
  if (item.claimed_by !== null) {
    lines.push(`Claimed by:  ${item.claimed_by}${leaseNote(item, now)}`);
  }
  lines.push(`Created:     ${human(item.created_at)}`, `Updated:     ${human(item.updated_at)}`);
  for (const k of Object.keys(item.extensions).sort(compareCodePoints)) {
    lines.push(`${k}: ${stringifyCompact(item.extensions[k]!)}`);
  }
  return lines.join("\n") + "\n";
}
