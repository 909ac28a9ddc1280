/** `tg show <ID> [--events]`: one item in detail. */

import type { Parsed } from "../_args.ts";
import { compareCodePoints, stringifyCompact } from "../../lib/store/json.ts";
import { claimLease, isClaimExpired } from "../../lib/store/claims.ts";
import type { Item } from "../../lib/store/item.ts";
import { formatHumanTimestamp, parseTimestamp } from "../../lib/store/timestamp.ts";
import type { TgContext } from "./_context.ts";
import { eventsTable, itemJson, statusWord, tableRow } from "./_format.ts";

const MAX_CHILDREN = 10;

/** Runs `tg show`. */
export async function show(p: Parsed, ctx: TgContext): Promise<void> {
  const store = await ctx.store();
  // Every line is checked, but only the items shown are built.
  const active = await store.loadActiveIndex();
  const archive = await store.loadArchiveIndex();
  const id = await ctx.resolve(p.args.id!, active.ids, archive.ids);
  const row = active.rows.find((r) => r.id === id);
  const item = row ? active.item(row.index) : archive.item(archive.ids.indexOf(id));
  if (ctx.json) {
    await ctx.out(itemJson(item));
    return;
  }
  let out = detail(item, ctx.color, store.now());
  const parentMember = '"parent":' + JSON.stringify(item.id);
  const children = active.where(parentMember, (it) => it.parent === item.id).sort((a, b) =>
    a.priority !== b.priority ? (a.priority > b.priority ? -1 : 1) : compareCodePoints(a.id, b.id)
  );
  if (children.length > 0) {
    out += "Children:\n";
    for (const c of children.slice(0, MAX_CHILDREN)) out += "  " + tableRow(c, ctx.color) + "\n";
    if (children.length > MAX_CHILDREN) out += `  (${children.length - MAX_CHILDREN} more)\n`;
  }
  if (p.flag("events")) {
    out += eventsTable(await store.eventsFor(item.id), ctx.io.stdoutIsTerminal());
  }
  await ctx.out(out);
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
