/**
 * `tg doctor`'s detection pass: pure checks over the bytes of the store's
 * files. Every check of upstream's doctor, plus two it lacks (extension keys
 * without `x-`, and headers that readers refuse), all in a deterministic
 * order.
 *
 * @module
 */

import { parseEventLine } from "./events.ts";
import { detectAllCycles, detectAllParentCycles } from "./graph.ts";
import type { Item } from "./item.ts";
import { compareCodePoints, type JsonObject, parseJson } from "./json.ts";
import { GITIGNORE_LINES } from "./store.ts";
import { scanItemFile, type ScannedItemFile } from "./scan.ts";
import { formatHumanTimestamp, parseTimestamp } from "./timestamp.ts";

/** How bad an issue is. */
export type Severity = "error" | "warning";

/** One problem found by the doctor. */
export interface DoctorIssue {
  /** Check name, e.g. `dangling_dep`. */
  type: string;
  /** `error` or `warning`. */
  severity: Severity;
  /** One line for people. */
  message: string;
  /** Machine-readable subject (an ID, a dependency, `file:line`), when the check has one. */
  details?: string;
}

/** A file's contents, or why it could not be read. */
export type FileContents = Uint8Array | null | { error: string };

/** What the doctor looks at. */
export interface DoctorInput {
  /** `tasks.jsonl`. */
  tasks: FileContents;
  /** `archive.jsonl`. */
  archive: FileContents;
  /** `archive-pruned.jsonl`. */
  pruned: FileContents;
  /** `events.jsonl`. */
  events: FileContents;
  /** `events.archive.jsonl`. */
  eventsArchive: FileContents;
  /** `.gitignore` text (`null` when missing). */
  gitignore: string | null;
}

/** Scans and event lists the checks share; the repair pass uses them too. */
export interface StoreScan {
  /** `tasks.jsonl`. */
  tasks: ScannedItemFile;
  /** `archive.jsonl`. */
  archive: ScannedItemFile;
  /** Parsed active items (lenient: unparsable lines skipped, extension keys not validated). */
  active: Item[];
  /** Parsed archived items, same rules. */
  archived: Item[];
  /** IDs of archived items. */
  archiveIds: Set<string>;
  /** IDs of active items. */
  activeIds: Set<string>;
  /** IDs in `archive-pruned.jsonl`. */
  prunedIds: Set<string>;
  /** Valid v1 events of `events.jsonl`, in file order. */
  events: EventRow[];
  /** Valid v1 events of `events.archive.jsonl`, in file order. */
  eventsArchive: EventRow[];
}

/** A valid event line with what the checks need. */
export interface EventRow {
  /** 1-based line. */
  line: number;
  /** Task ID. */
  taskId: string;
  /** Timestamp as written (6 digits after normalization). */
  ts: string;
  /** Event type. */
  type: string;
  /** Text. */
  text: string;
  /** New status of a transition. */
  status: string | null;
}

const DECODER = new TextDecoder();

function bytesOf(c: FileContents): Uint8Array | null {
  return c instanceof Uint8Array ? c : null;
}

/**
 * Runs every check.
 *
 * @param input The files.
 * @returns The issues, in report order, and the scans they were computed from.
 */
export function diagnose(input: DoctorInput): { issues: DoctorIssue[]; scan: StoreScan } {
  const tasks = scanItemFile(bytesOf(input.tasks), false);
  const archive = scanItemFile(bytesOf(input.archive), true);
  const active = tasks.lines.flatMap((l) => (l.item ? [l.item] : []));
  const archived = archive.lines.flatMap((l) => (l.item ? [l.item] : []));
  const pruned = scanItemFile(bytesOf(input.pruned), true, { headerOptional: true });
  const scan: StoreScan = {
    tasks,
    archive,
    active,
    archived,
    activeIds: new Set(active.map((it) => it.id)),
    archiveIds: new Set(archived.map((it) => it.id)),
    prunedIds: new Set(pruned.lines.flatMap((l) => (l.item ? [l.item.id] : []))),
    events: [],
    eventsArchive: [],
  };
  const issues: DoctorIssue[] = [];
  const add = (type: string, severity: Severity, message: string, details?: string): void => {
    issues.push(
      details === undefined ? { type, severity, message } : {
        type,
        severity,
        message,
        details,
      },
    );
  };

  // jsonl_syntax, then the header check the upstream doctor lacks
  for (
    const [name, contents, file, sev] of [
      ["tasks.jsonl", input.tasks, tasks, "error"],
      ["archive.jsonl", input.archive, archive, "warning"],
    ] as const
  ) {
    if (contents !== null && !(contents instanceof Uint8Array)) {
      add("jsonl_syntax", "error", `Cannot open ${name}: ${contents.error}`);
      continue;
    }
    if (file.header?.notJson) {
      if (file.header.text === null) {
        add("jsonl_syntax", "error", `${name}:1: read error: stream did not contain valid UTF-8`);
      } else add("jsonl_syntax", sev, `${name}:1: invalid schema header`);
    }
    for (const l of file.lines) {
      if (l.text === null) {
        add("jsonl_syntax", "error", `${name}:${l.line}: read error: ${l.error}`);
      } else if (l.item === null) {
        add("jsonl_syntax", sev, `${name}:${l.line}: malformed item line`);
      }
    }
  }
  for (const [name, file] of [["tasks.jsonl", tasks], ["archive.jsonl", archive]] as const) {
    if (file.header && !file.header.notJson && file.header.problem !== null) {
      add("schema_header", "error", `${name}:1: ${file.header.problem}`);
    }
  }

  // duplicate_id and items_in_both
  const activeCount = countIds(active);
  const archiveCount = countIds(archived);
  for (
    const [name, counts, other] of [
      ["tasks.jsonl", activeCount, archiveCount],
      ["archive.jsonl", archiveCount, activeCount],
    ] as const
  ) {
    for (const [id, n] of sortedEntries(counts)) {
      if (n >= 2 && !other.has(id)) {
        add("duplicate_id", "error", `Duplicate ID '${id}' found ${n} times in ${name}`, id);
      }
    }
  }
  for (const [id] of sortedEntries(activeCount)) {
    if (archiveCount.has(id)) {
      add(
        "items_in_both",
        "warning",
        `Item '${id}' exists in both tasks.jsonl and archive.jsonl (partial tg done failure)`,
        id,
      );
    }
  }

  // invalid_status, then extension keys (upstream does not check them)
  for (const [name, file] of [["tasks.jsonl", tasks], ["archive.jsonl", archive]] as const) {
    for (const l of file.lines) {
      if (l.badStatus !== null) {
        add(
          "invalid_status",
          "error",
          `${name}:${l.line}: invalid status '${l.badStatus}' (valid: todo, doing, done, blocked)`,
        );
      }
    }
  }
  for (const [name, file] of [["tasks.jsonl", tasks], ["archive.jsonl", archive]] as const) {
    for (const l of file.lines) {
      if (l.item && l.extensionProblem !== null) {
        add(
          "invalid_extension_key",
          "error",
          `${name}:${l.line}: ${l.extensionProblem}`,
          l.item.id,
        );
      }
    }
  }

  // dependency_cycle, dangling_dep
  for (const cycle of canonicalCycles(detectAllCycles(active))) {
    add("dependency_cycle", "error", `Dependency cycle detected: ${cycle.join(" → ")}`);
  }
  for (const it of active) {
    for (const d of it.dependencies) {
      if (!scan.activeIds.has(d) && !scan.archiveIds.has(d)) {
        add(
          "dangling_dep",
          "warning",
          `Item '${it.id}' depends on '${d}' which is not in active or archive`,
          d,
        );
      }
    }
  }

  // parent_cycle, parent_dangling_active, parent_dangling_archive
  for (const cycle of canonicalCycles(detectAllParentCycles(active))) {
    add("parent_cycle", "error", `Parent cycle detected: ${cycle.join(" → ")}`, cycle.join(","));
  }
  for (const it of active) {
    if (it.parent !== null && !scan.activeIds.has(it.parent)) {
      add(
        "parent_dangling_active",
        "error",
        `Item '${it.id}' has parent '${it.parent}' which is not an active task`,
        it.parent,
      );
    }
  }
  for (const it of archived) {
    if (it.parent !== null && !scan.activeIds.has(it.parent) && !scan.archiveIds.has(it.parent)) {
      add(
        "parent_dangling_archive",
        "warning",
        `Archived item '${it.id}' has parent '${it.parent}' which is not in active or archive`,
        it.parent,
      );
    }
  }

  // gitignore_missing
  const missing = missingGitignoreLines(input.gitignore);
  if (missing.length > 0) {
    add(
      "gitignore_missing",
      "warning",
      `.task-golem/.gitignore missing cache entries: ${missing.join(", ")}`,
      missing.join(","),
    );
  }

  // events_malformed
  for (
    const [name, contents, rows] of [
      ["events.jsonl", input.events, scan.events],
      ["events.archive.jsonl", input.eventsArchive, scan.eventsArchive],
    ] as const
  ) {
    if (contents !== null && !(contents instanceof Uint8Array)) {
      add("events_malformed", "error", `Cannot open ${name}: ${contents.error}`, name);
      continue;
    }
    for (const bad of scanEvents(contents, rows)) {
      add(
        "events_malformed",
        "error",
        `${name}:${bad.line}: ${bad.message}`,
        `${name}:${bad.line}`,
      );
    }
  }

  // events_drift_status_mismatch
  const latest = new Map<string, EventRow>();
  for (const e of scan.events) {
    if (e.type !== "status_transition" || e.status === null) continue;
    const prev = latest.get(e.taskId);
    if (!prev || prev.ts <= e.ts) latest.set(e.taskId, e);
  }
  const firstActive = new Map<string, Item>();
  for (const it of active) if (!firstActive.has(it.id)) firstActive.set(it.id, it);
  for (const [id, it] of [...firstActive].sort((a, b) => compareCodePoints(a[0], b[0]))) {
    const e = latest.get(id);
    if (e && e.status !== it.status) {
      add(
        "events_drift_status_mismatch",
        "warning",
        `Task '${id}' status '${it.status}' disagrees with most-recent status_transition event '${e.status}' at ${
          formatHumanTimestamp(parseTimestamp(e.ts))
        }`,
        id,
      );
    }
  }

  // events_orphan
  const eventCounts = new Map<string, number>();
  for (const e of [...scan.events, ...scan.eventsArchive]) {
    eventCounts.set(e.taskId, (eventCounts.get(e.taskId) ?? 0) + 1);
  }
  for (const [id, n] of sortedEntries(eventCounts)) {
    if (!scan.activeIds.has(id) && !scan.archiveIds.has(id) && !scan.prunedIds.has(id)) {
      add(
        "events_orphan",
        "warning",
        `Orphan events for task_id '${id}' (${n} event(s); task not in active, archive, or pruned)`,
        id,
      );
    }
  }

  // events_in_active_for_archived_task
  const inActive = new Map<string, number>();
  for (const e of scan.events) {
    if (scan.archiveIds.has(e.taskId)) inActive.set(e.taskId, (inActive.get(e.taskId) ?? 0) + 1);
  }
  for (const [id, n] of sortedEntries(inActive)) {
    add(
      "events_in_active_for_archived_task",
      "warning",
      `${n} event(s) in events.jsonl for archived task '${id}' — will be moved on --fix`,
      id,
    );
  }

  // events_dup_across_active_and_archive
  const archivedKeys = new Set(scan.eventsArchive.map(eventKey));
  const dups = new Map<string, number>();
  for (const e of scan.events) {
    if (archivedKeys.has(eventKey(e))) dups.set(e.taskId, (dups.get(e.taskId) ?? 0) + 1);
  }
  for (const [id, n] of sortedEntries(dups)) {
    add(
      "events_dup_across_active_and_archive",
      "warning",
      `${n} event(s) for task '${id}' appear in both events.jsonl and events.archive.jsonl — will be removed from active on --fix`,
      id,
    );
  }
  return { issues, scan };
}

/**
 * The identity of an event for duplicate detection: task, time (µs), text.
 *
 * @param e The event.
 * @returns A key.
 */
export function eventKey(e: EventRow): string {
  return JSON.stringify([e.taskId, e.ts, e.text]);
}

/**
 * The `.gitignore` lines that are missing.
 *
 * @param text The file's text, or `null`.
 * @returns Missing lines, in the required order.
 */
export function missingGitignoreLines(text: string | null): string[] {
  const present = new Set((text ?? "").split("\n").map((l) => l.trim()));
  return GITIGNORE_LINES.filter((l) => !present.has(l));
}

/**
 * Classifies the lines of an events file the way the doctor does: lines
 * that are not JSON and v1 lines that are not valid events are problems;
 * lines without an integer `v` or of another version are skipped silently.
 *
 * @param contents The file's bytes.
 * @param rows Receives the valid events.
 * @returns The malformed lines.
 */
function scanEvents(
  contents: Uint8Array | null,
  rows: EventRow[],
): { line: number; message: string }[] {
  if (contents === null) return [];
  const bad: { line: number; message: string }[] = [];
  const lines = DECODER.decode(contents).split("\n");
  lines.forEach((raw, i) => {
    if (raw.trim() === "") return;
    let v;
    try {
      v = parseJson(raw);
    } catch (e) {
      bad.push({ line: i + 1, message: `invalid JSON: ${(e as Error).message}` });
      return;
    }
    if (typeof v !== "object" || v === null || Array.isArray(v)) return;
    if ((v as JsonObject).v !== 1n) return;
    const r = parseEventLine(raw);
    if (r.kind === "malformed") {
      bad.push({ line: i + 1, message: `malformed event: ${r.detail}` });
    } else if (r.kind === "event") {
      const ev = r.event;
      rows.push({
        line: i + 1,
        taskId: ev.task_id,
        ts: ev.ts,
        type: ev.type,
        text: ev.text,
        status: ev.status ?? null,
      });
    }
  });
  return bad;
}

function countIds(items: readonly Item[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const it of items) m.set(it.id, (m.get(it.id) ?? 0) + 1);
  return m;
}

function sortedEntries<V>(m: ReadonlyMap<string, V>): [string, V][] {
  return [...m].sort((a, b) => compareCodePoints(a[0], b[0]));
}

/** Rotates each cycle to start at its smallest ID and sorts the cycles. */
function canonicalCycles(cycles: string[][]): string[][] {
  const rotated = cycles.map((c) => {
    let min = 0;
    for (let i = 1; i < c.length; i++) if (compareCodePoints(c[i]!, c[min]!) < 0) min = i;
    return [...c.slice(min), ...c.slice(0, min)];
  });
  const seen = new Set<string>();
  return rotated
    .filter((c) => {
      const k = JSON.stringify(c);
      return !seen.has(k) && seen.add(k);
    })
    .sort((a, b) => compareCodePoints(a.join("\u0000"), b.join("\u0000")));
}
