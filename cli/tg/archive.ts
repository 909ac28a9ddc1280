/** `tg archive [--before YYYY-MM-DD]`: recover done items, prune old archive entries. */

import type { Parsed } from "../_args.ts";
import { invalidInput } from "../../lib/store/errors.ts";
import { archiveMaintenance } from "../../lib/store/archive_maintenance.ts";
import { quoteJsonString } from "../../lib/store/json.ts";
import type { TgContext } from "./_context.ts";

/**
 * Parses `YYYY-MM-DD` the way upstream's date parser does (leading
 * whitespace and a sign allowed, one- or two-digit month and day) and
 * returns midnight UTC of that day in seconds since the epoch.
 *
 * @param text The date as typed.
 * @returns Seconds since the epoch.
 * @throws {SyntaxError} With upstream's short reason.
 */
export function parseCutoffDate(text: string): number {
  let i = 0;
  while (i < text.length && /\s/.test(text[i]!)) i++;
  const number = (maxDigits: number, signed: boolean): number => {
    if (i >= text.length) throw new SyntaxError("premature end of input");
    let sign = 1;
    if (signed && (text[i] === "+" || text[i] === "-")) {
      sign = text[i] === "-" ? -1 : 1;
      i++;
      maxDigits = 6;
    }
    const start = i;
    while (i < text.length && i - start < maxDigits && /[0-9]/.test(text[i]!)) i++;
    if (i === start) {
      throw new SyntaxError(
        i >= text.length ? "premature end of input" : "input contains invalid characters",
      );
    }
    return sign * Number(text.slice(start, i));
  };
  const dash = (): void => {
    if (i >= text.length) throw new SyntaxError("premature end of input");
    if (text[i] !== "-") throw new SyntaxError("input contains invalid characters");
    i++;
  };
  const year = number(4, true);
  dash();
  const month = number(2, false);
  dash();
  const day = number(2, false);
  if (i < text.length) throw new SyntaxError("trailing input");
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  if (
    month < 1 || month > 12 || day < 1 || d.getUTCMonth() !== month - 1 ||
    Math.abs(year) > 262143
  ) {
    throw new SyntaxError("input is out of range");
  }
  return d.getTime() / 1000;
}

function jsonIds(ids: readonly string[]): string {
  return ids.length === 0
    ? "[]"
    : `[\n${ids.map((id) => "    " + quoteJsonString(id)).join(",\n")}\n  ]`;
}

/** Runs `tg archive`. */
export async function archive(p: Parsed, ctx: TgContext): Promise<void> {
  const store = await ctx.store();
  const before = p.value("before");
  let cutoff: number | null = null;
  if (before !== undefined) {
    try {
      cutoff = parseCutoffDate(before);
    } catch (e) {
      throw invalidInput(
        `Invalid date '${before}': expected ISO 8601 format (YYYY-MM-DD): ${(e as Error).message}`,
      );
    }
  }
  const r = await archiveMaintenance(store, { pruneBeforeSecs: cutoff, warn: ctx.warn });
  if (ctx.json) {
    await ctx.out(
      `{\n  "pruned": ${r.pruned.length},\n  "pruned_ids": ${jsonIds(r.pruned)},\n` +
        `  "recovered": ${r.recovered.length},\n  "recovered_ids": ${jsonIds(r.recovered)},\n` +
        `  "skipped": ${r.skipped.length},\n  "skipped_ids": ${jsonIds(r.skipped)}\n}\n`,
    );
  } else {
    let out = "";
    if (r.recovered.length > 0) {
      out += `Recovered ${r.recovered.length} done item(s) to archive: ${r.recovered.join(", ")}\n`;
    }
    if (r.pruned.length > 0) {
      out += `Pruned ${r.pruned.length} item(s) to archive-pruned.jsonl: ${r.pruned.join(", ")}\n`;
    }
    if (out === "" && r.skipped.length === 0) out = "No items to archive or prune.\n";
    await ctx.out(out);
  }
  if (r.skipped.length > 0 && r.recovered.length === 0) {
    throw invalidInput(
      `All ${r.skipped.length} done candidate(s) skipped due to active children. Reparent or complete the children, then re-run \`tg archive\`.`,
    );
  }
}
