/// <reference lib="dom" />
/**
 * Formatting for the page: times, durations, money, labels.
 *
 * @module
 */

/** A duration in ms as `42s`, `3m 05s`, `1h 02m`. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, "0")}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${String(m % 60).padStart(2, "0")}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** A running clock: `03:05`, `1:02:03`. */
export function clock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const m = Math.floor(s / 60);
  const h = Math.floor(m / 60);
  const pad = (n: number) => String(n).padStart(2, "0");
  return h > 0 ? `${h}:${pad(m % 60)}:${pad(s % 60)}` : `${pad(m)}:${pad(s % 60)}`;
}

/** US dollars: `$0.42`, `$12.30`, `—` when unknown. */
export function money(usd: number | null | undefined): string {
  if (usd === null || usd === undefined) return "—";
  return usd < 0.01 && usd > 0 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}

/** Tokens: `950`, `12.4k`, `1.2M`, `—`. */
export function tokens(n: number | null | undefined): string {
  if (n === null || n === undefined) return "—";
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

/** A time relative to `now`: `just now`, `5m ago`, `in 3h`, `Mar 4`. */
export function relative(iso: string, now: number): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const d = (t - now) / 1000;
  const a = Math.abs(d);
  const fmt = (n: number, u: string) => (d < 0 ? `${n}${u} ago` : `in ${n}${u}`);
  if (a < 45) return d < 0 ? "just now" : "in a moment";
  if (a < 3600) return fmt(Math.round(a / 60), "m");
  if (a < 86400) return fmt(Math.round(a / 3600), "h");
  if (a < 86400 * 14) return fmt(Math.round(a / 86400), "d");
  return new Date(t).toLocaleDateString(undefined, { month: "short", day: "numeric" });
}

/** A short local date and time: `Dec 6, 09:28`. */
export function shortDate(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : new Date(t).toLocaleString(undefined, {
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  });
}

/** A full local date and time, for tooltips. */
export function absolute(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : new Date(t).toLocaleString();
}

const STATUS_LABELS: Record<string, string> = {
  todo: "To do",
  doing: "Doing",
  blocked: "Blocked",
  done: "Done",
};

/** The label of a store status. */
export function statusLabel(s: string): string {
  return STATUS_LABELS[s] ?? s;
}

const PG_LABELS: Record<string, string> = {
  new: "New",
  scoping: "Scoping",
  ready: "Ready",
  "in_progress": "In progress",
  done: "Done",
  blocked: "Blocked",
};

/** The label of pg's status. */
export function pgLabel(s: string): string {
  return PG_LABELS[s] ?? s;
}

const OUTCOME_LABELS: Record<string, string> = {
  complete: "Complete",
  "subphase_complete": "Subphase done",
  failed: "Failed",
  blocked: "Blocked",
  cancelled: "Cancelled",
};

/** The label of a phase outcome. */
export function outcomeLabel(s: string): string {
  return OUTCOME_LABELS[s] ?? s;
}

/** The class of a priority badge: high, mid, low or none. */
export function priorityClass(p: string): string {
  const n = p.length > 15 ? (p.startsWith("-") ? -Infinity : Infinity) : Number(p);
  if (n >= 3) return "p-high";
  if (n === 2) return "p-mid";
  if (n === 1) return "p-low";
  return "";
}

/** A priority as a number for sorting (huge values keep their sign). */
export function priorityValue(p: string): number {
  if (p.length <= 15) return Number(p);
  return p.startsWith("-") ? -Number.MAX_VALUE : Number.MAX_VALUE;
}

/** One or two initials of a name or an e-mail address. */
export function initials(name: string): string {
  const base = name.split("@")[0]!.replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  const parts = base.split(" ").filter((p) => p !== "");
  if (parts.length === 0) return "?";
  if (parts.length === 1) return [...parts[0]!].slice(0, 2).join("");
  return [...parts[0]!][0]! + [...parts[1]!][0]!;
}

/** The first letter of an assessment level, upper-cased (`small` → `S`). */
export function levelLetter(level: string): string {
  return level.slice(0, 1).toUpperCase();
}
