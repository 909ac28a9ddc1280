/**
 * The event log (`events.jsonl`, `events.archive.jsonl`): records, the
 * single-write append with its 2048-byte cap, lenient reading, and moving a
 * task's events to the archive log.
 *
 * @module
 */

import type { FileSystem } from "../io/fs.ts";
import type { ProcessRunner } from "../io/process_runner.ts";
import { invalidInput, storageCorruption } from "./errors.ts";
import { type JsonObject, type JsonValue, parseJson, quoteJsonString } from "./json.ts";
import type { WarningSink } from "./jsonl.ts";
import { isStatus, type Status } from "./status.ts";
import { formatEventTimestamp, type Instant, parseTimestamp } from "./timestamp.ts";

/** Longest event line accepted, newline included, in UTF-8 bytes. */
export const MAX_EVENT_LINE_BYTES = 2048;

/** Kind of event. */
export type EventType = "status_transition" | "note";

/**
 * One event. `ts` is UTC with exactly six fraction digits.
 *
 * @example
 * ```ts
 * import { serializeEvent, type TaskEvent } from "@golem/golem";
 * import assert from "node:assert/strict";
 * const ev: TaskEvent = {
 *   v: 1, task_id: "tg-1", ts: "2026-04-15T14:30:22.123456Z", author: "me",
 *   type: "status_transition", text: "", status: "doing",
 * };
 * assert.equal(serializeEvent(ev), '{"v":1,"task_id":"tg-1","ts":"2026-04-15T14:30:22.123456Z",' +
 *   '"author":"me","type":"status_transition","text":"","status":"doing"}');
 * ```
 */
export interface TaskEvent {
  /** Format version, always 1. */
  v: 1;
  /** The task. */
  "task_id": string;
  /** When, `YYYY-MM-DDTHH:MM:SS.ffffffZ`. */
  ts: string;
  /** Who (see {@linkcode resolveAuthor}). */
  author: string;
  /** What kind. */
  type: EventType;
  /** Note text, block reason, or empty. */
  text: string;
  /** New status (status transitions). */
  status?: Status;
}

/**
 * Builds an event stamped at `now`.
 *
 * @param taskId The task.
 * @param type Kind.
 * @param text Text.
 * @param author Author.
 * @param now When.
 * @param status New status, for transitions.
 * @returns The event.
 */
export function makeEvent(
  taskId: string,
  type: EventType,
  text: string,
  author: string,
  now: Instant,
  status?: Status,
): TaskEvent {
  const ev: TaskEvent = {
    v: 1,
    "task_id": taskId,
    ts: formatEventTimestamp(now),
    author,
    type,
    text,
  };
  if (status !== undefined) ev.status = status;
  return ev;
}

/**
 * The compact line of an event (no newline), fields in on-disk order.
 *
 * @param ev The event.
 * @returns Compact JSON.
 */
export function serializeEvent(ev: TaskEvent): string {
  let s = '{"v":1,"task_id":' + quoteJsonString(ev.task_id) + ',"ts":"' + ev.ts +
    '","author":' + quoteJsonString(ev.author) + ',"type":"' + ev.type + '","text":' +
    quoteJsonString(ev.text);
  if (ev.status !== undefined) s += ',"status":"' + ev.status + '"';
  return s + "}";
}

/**
 * Pretty JSON of an event (as `tg note --json` prints it).
 *
 * @param ev The event.
 * @returns Pretty JSON without a trailing newline.
 */
export function eventToPrettyJson(ev: TaskEvent): string {
  const rows = [
    `  "v": 1`,
    `  "task_id": ${quoteJsonString(ev.task_id)}`,
    `  "ts": "${ev.ts}"`,
    `  "author": ${quoteJsonString(ev.author)}`,
    `  "type": "${ev.type}"`,
    `  "text": ${quoteJsonString(ev.text)}`,
  ];
  if (ev.status !== undefined) rows.push(`  "status": "${ev.status}"`);
  return "{\n" + rows.join(",\n") + "\n}";
}

/** Result of reading one event line. */
export type EventLine =
  | { kind: "event"; event: TaskEvent }
  | { kind: "skip" }
  | { kind: "malformed"; detail: string };

/**
 * Classifies one line of an events file: a v1 event, a line to skip silently
 * (blank, or another format version), or a malformed line.
 *
 * @param line The line without its newline.
 * @returns The classification.
 */
export function parseEventLine(line: string): EventLine {
  if (line.trim() === "") return { kind: "skip" };
  let v: JsonValue;
  try {
    v = parseJson(line);
  } catch (e) {
    return { kind: "malformed", detail: (e as Error).message };
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    return { kind: "malformed", detail: "expected a JSON object" };
  }
  const o = v as JsonObject;
  if (typeof o.v !== "bigint") return { kind: "malformed", detail: "missing integer field `v`" };
  if (o.v !== 1n) return { kind: "skip" };
  const problem = eventProblem(o);
  if (problem !== null) return { kind: "malformed", detail: problem };
  let ts: string;
  try {
    ts = formatEventTimestamp(parseTimestamp(o.ts as string));
  } catch (e) {
    return { kind: "malformed", detail: (e as Error).message };
  }
  const ev: TaskEvent = {
    v: 1,
    "task_id": o.task_id as string,
    ts,
    author: o.author as string,
    type: o.type as EventType,
    text: o.text as string,
  };
  if (typeof o.status === "string") ev.status = o.status as Status;
  return { kind: "event", event: ev };
}

function eventProblem(o: JsonObject): string | null {
  for (const k of ["task_id", "ts", "author", "type", "text"]) {
    if (o[k] === undefined) return `missing field \`${k}\``;
    if (typeof o[k] !== "string") return `invalid type for \`${k}\`, expected a string`;
  }
  if (o.type !== "status_transition" && o.type !== "note") {
    return `unknown variant \`${String(o.type)}\`, expected \`status_transition\` or \`note\``;
  }
  if (o.status !== undefined && o.status !== null && !isStatus(o.status)) {
    return `unknown variant \`${
      String(o.status)
    }\`, expected one of \`todo\`, \`doing\`, \`done\`, \`blocked\``;
  }
  return null;
}

/** One event line as read, with its raw bytes (kept for verbatim rewrites). */
export interface ReadEventLine {
  /** 1-based line number. */
  line: number;
  /** The text (invalid UTF-8 replaced by U+FFFD). */
  raw: string;
  /** The exact bytes of the line, without its newline. */
  bytes: Uint8Array;
  /** The parsed event, when the line is a valid v1 event. */
  event: TaskEvent | null;
}

const DECODER = new TextDecoder();
const FATAL = new TextDecoder("utf-8", { fatal: true });
const ENCODER = new TextEncoder();

/**
 * Reads every line of an events file (missing file = none), warning once per
 * file about malformed lines (`Warning: <path>: skipping malformed line <N>: …`,
 * then `  (also) skipping malformed line <N>: …`). A line that is not valid
 * UTF-8 is malformed; its bytes are kept as they are.
 *
 * @param fs File system.
 * @param path The events file.
 * @param warn Receives warnings.
 * @returns Lines in file order, blank lines left out.
 */
export async function readEventLines(
  fs: FileSystem,
  path: string,
  warn: WarningSink,
): Promise<ReadEventLine[]> {
  const bytes = await fs.readFile(path);
  if (bytes === null) return [];
  const out: ReadEventLine[] = [];
  let warned = false;
  const malformed = (n: number, detail: string) => {
    warn(
      warned
        ? `  (also) skipping malformed line ${n}: ${detail}`
        : `Warning: ${path}: skipping malformed line ${n}: ${detail}`,
    );
    warned = true;
  };
  let start = 0;
  for (let n = 1; start < bytes.length; n++) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    const lineBytes = bytes.subarray(start, end);
    start = end + 1;
    let raw: string;
    try {
      raw = FATAL.decode(lineBytes);
    } catch {
      malformed(n, "stream did not contain valid UTF-8");
      out.push({ line: n, raw: DECODER.decode(lineBytes), bytes: lineBytes, event: null });
      continue;
    }
    const r = parseEventLine(raw);
    if (r.kind === "skip") {
      if (raw.trim() !== "") out.push({ line: n, raw, bytes: lineBytes, event: null });
    } else if (r.kind === "malformed") {
      malformed(n, r.detail);
      out.push({ line: n, raw, bytes: lineBytes, event: null });
    } else {
      out.push({ line: n, raw, bytes: lineBytes, event: r.event });
    }
  }
  return out;
}

/**
 * Reads the valid events of a file, sorted by `ts` (stable).
 *
 * @param fs File system.
 * @param path The events file.
 * @param warn Receives warnings.
 * @returns Events.
 */
export async function readEvents(
  fs: FileSystem,
  path: string,
  warn: WarningSink,
): Promise<TaskEvent[]> {
  const lines = await readEventLines(fs, path, warn);
  return sortEvents(lines.flatMap((l) => (l.event ? [l.event] : [])));
}

/**
 * Sorts events by timestamp, keeping the order of equal ones.
 *
 * @param events Events to sort in place.
 * @returns The same array.
 */
export function sortEvents(events: TaskEvent[]): TaskEvent[] {
  return events.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
}

/**
 * Appends one event with a single write on an O_APPEND descriptor, then
 * fdatasync. Refuses lines over {@linkcode MAX_EVENT_LINE_BYTES} before any I/O.
 *
 * @param fs File system.
 * @param path The events file.
 * @param ev The event.
 * @throws {TaskStoreError} `InvalidInput` over the cap; `StorageCorruption` on a short write.
 */
export async function appendEvent(fs: FileSystem, path: string, ev: TaskEvent): Promise<void> {
  const bytes = encodeEventLine(ev);
  const n = await fs.appendOnce(path, bytes);
  if (n !== bytes.length) {
    throw storageCorruption(
      `Short write on events append: wrote ${n} of ${bytes.length} bytes; refusing to retry to avoid torn concurrent lines.`,
    );
  }
}

/**
 * The bytes of an event's line (newline included), refused over the cap.
 *
 * @param ev The event.
 * @returns UTF-8 bytes.
 * @throws {TaskStoreError} `InvalidInput` over {@linkcode MAX_EVENT_LINE_BYTES}.
 */
export function encodeEventLine(ev: TaskEvent): Uint8Array {
  const bytes = ENCODER.encode(serializeEvent(ev) + "\n");
  if (bytes.length > MAX_EVENT_LINE_BYTES) {
    const over = bytes.length - MAX_EVENT_LINE_BYTES;
    throw invalidInput(
      `Event line is ${bytes.length} bytes, exceeding the ${MAX_EVENT_LINE_BYTES}-byte cap by ${over} bytes. Shorten the text by at least ${over} bytes.`,
    );
  }
  return bytes;
}

/**
 * The event with its text shortened (ending in `…`) so that its line fits
 * {@linkcode MAX_EVENT_LINE_BYTES}; the event itself when it already fits.
 *
 * @param ev The event.
 * @returns An event whose line fits.
 *
 * @example
 * ```ts
 * import { fitEvent, MAX_EVENT_LINE_BYTES, serializeEvent } from "@golem/golem";
 * import assert from "node:assert/strict";
 * const ev = fitEvent({
 *   v: 1, task_id: "tg-1", ts: "2026-04-15T14:30:22.123456Z", author: "pg",
 *   type: "note", text: "é".repeat(3000),
 * });
 * const size = new TextEncoder().encode(serializeEvent(ev) + "\n").length;
 * assert.ok(size <= MAX_EVENT_LINE_BYTES && size > MAX_EVENT_LINE_BYTES - 8);
 * assert.ok(ev.text.endsWith("…"));
 * ```
 */
export function fitEvent(ev: TaskEvent): TaskEvent {
  const size = (text: string) => ENCODER.encode(serializeEvent({ ...ev, text }) + "\n").length;
  if (size(ev.text) <= MAX_EVENT_LINE_BYTES) return ev;
  const chars = [...ev.text];
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (size(chars.slice(0, mid).join("") + "…") <= MAX_EVENT_LINE_BYTES) lo = mid;
    else hi = mid - 1;
  }
  return { ...ev, text: chars.slice(0, lo).join("") + "…" };
}

/**
 * Moves every event of the given tasks from the active log to the archive
 * log: appends them in time order, then rewrites the active log without
 * them. Every other line, malformed or of another version included, is kept
 * verbatim (upstream dropped them). Call it under the store lock.
 *
 * @param fs File system.
 * @param activePath `events.jsonl`.
 * @param archivePath `events.archive.jsonl`.
 * @param taskIds The tasks.
 * @param warn Receives read warnings.
 * @returns How many events moved.
 */
export async function moveEventsForTasks(
  fs: FileSystem,
  activePath: string,
  archivePath: string,
  taskIds: ReadonlySet<string>,
  warn: WarningSink,
): Promise<number> {
  if (taskIds.size === 0) return 0;
  const lines = await readEventLines(fs, activePath, warn);
  const moves = (l: ReadEventLine) => l.event !== null && taskIds.has(l.event.task_id);
  const moving = lines.filter(moves);
  if (moving.length === 0) return 0;
  for (const ev of sortEvents(moving.map((l) => l.event!))) {
    await appendEvent(fs, archivePath, ev);
  }
  const keep = lines.filter((l) => !moves(l));
  const size = keep.reduce((n, l) => n + l.bytes.length + 1, 0);
  const next = new Uint8Array(size);
  let off = 0;
  for (const l of keep) {
    next.set(l.bytes, off);
    next[off + l.bytes.length] = 0x0a;
    off += l.bytes.length + 1;
  }
  await fs.writeFileAtomic(activePath, next);
  return moving.length;
}

/** Options for {@linkcode resolveAuthor}. */
export interface ResolveAuthorOptions {
  /** Reads an environment variable. */
  env: (name: string) => string | undefined;
  /** Runs `git config user.email`. */
  runner: ProcessRunner;
  /** Where to run git. */
  cwd?: string;
}

/**
 * Who is acting: `TG_AUTHOR`, else `git config user.email` (2 s limit), else
 * `unknown`; trimmed. Never fails.
 *
 * @param options Environment and process runner.
 * @returns The author.
 *
 * @example
 * ```ts
 * import { FakeProcessRunner, resolveAuthor } from "@golem/golem";
 * import assert from "node:assert/strict";
 * const runner = new FakeProcessRunner([{ stdout: " dev@example.com\n" }]);
 * assert.equal(await resolveAuthor({ env: () => undefined, runner }), "dev@example.com");
 * assert.equal(await resolveAuthor({ env: () => " bot ", runner }), "bot");
 * ```
 */
export async function resolveAuthor(options: ResolveAuthorOptions): Promise<string> {
  const fromEnv = options.env("TG_AUTHOR")?.trim();
  if (fromEnv) return fromEnv;
  try {
    const r = await options.runner.run("git", ["config", "user.email"], {
      timeoutMs: 2000,
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    });
    const email = r.stdout.trim();
    if (r.code === 0 && !r.timedOut && email) return email;
  } catch {
    // git missing or not permitted: fall through
  }
  return "unknown";
}
