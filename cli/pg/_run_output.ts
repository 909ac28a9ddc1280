/**
 * What `pg run` and `pg triage` show while they work, in three modes:
 *
 * - `live` (stderr is a terminal, colour allowed): log lines and the agents'
 *   output scroll, and below them a status block with one line per running
 *   item (ID, title, phase, elapsed time, attempt), redrawn in place.
 * - `plain` (not a terminal, or `NO_COLOR`): every line on stderr starts with
 *   a UTC timestamp.
 * - `json` (`--json`): one JSON event per line on stdout; log lines and
 *   agent output go to stderr, timestamped.
 *
 * Agent output is passed through line by line with an `[ID]` prefix; a
 * line longer than 4 KiB is cut into pieces, so nothing is held whole in
 * memory.
 *
 * @module
 */

import type { Io } from "../_io.ts";
import type { RunEvent } from "../../lib/orchestrator/run/run_events.ts";
import type { RunSink } from "../../lib/orchestrator/run/run_session.ts";

/** How output is shown. */
export type OutputMode = "live" | "plain" | "json";

/** Log levels, least verbose first. */
export type OutputLevel = "error" | "warn" | "info" | "debug";
const LEVELS: readonly OutputLevel[] = ["error", "warn", "info", "debug"];

/** Options for {@linkcode RunOutput}. */
export interface RunOutputOptions {
  /** Streams. */
  io: Io;
  /** Display mode. */
  mode: OutputMode;
  /** Most verbose level shown. */
  level: OutputLevel;
  /** Milliseconds since the epoch (default `Date.now`). */
  now?: () => number;
  /** Terminal width (default: the console's, else 100). */
  columns?: () => number;
  /** Redraw interval of the live block in ms (default 1000; 0 = only on events). */
  tickMs?: number;
}

interface Running {
  id: string;
  title: string;
  phase: string;
  attempt: number;
  maxAttempts: number;
  since: number;
}

const MAX_LINE = 4096;
const DEC_OPTIONS = { stream: true } as const;

/**
 * Picks the display mode: `json` with `--json`; `live` when stderr is a
 * terminal and neither `NO_COLOR` nor `TERM=dumb` is set; `plain` otherwise.
 *
 * @param io Streams and environment.
 * @param json Whether `--json` was given.
 * @returns The mode.
 */
export function outputMode(io: Io, json: boolean): OutputMode {
  if (json) return "json";
  const noColor = io.env("NO_COLOR") !== undefined && io.env("NO_COLOR") !== "";
  if (noColor || io.env("TERM") === "dumb") return "plain";
  return (io.stderrIsTerminal?.() ?? false) ? "live" : "plain";
}

function clock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const m = Math.floor(s / 60);
  const h = Math.floor(m / 60);
  const pad = (n: number) => String(n).padStart(2, "0");
  return h > 0 ? `${h}:${pad(m % 60)}:${pad(s % 60)}` : `${pad(m)}:${pad(s % 60)}`;
}

function cut(s: string, width: number): string {
  // deno-lint-ignore no-control-regex
  const chars = [...s.replace(/[\x00-\x1f\x7f]/g, " ")];
  if (chars.length <= width) return chars.join("");
  return width <= 1 ? chars.slice(0, width).join("") : chars.slice(0, width - 1).join("") + "…";
}

/** The sink of a run session (log lines, events, agent output), writing to the CLI's streams. */
export class RunOutput implements RunSink {
  readonly #io: Io;
  readonly #mode: OutputMode;
  readonly #level: number;
  readonly #now: () => number;
  readonly #columns: () => number;
  readonly #running = new Map<string, Running>();
  readonly #partial = new Map<string, string>();
  readonly #decoders = new Map<string, TextDecoder>();
  #blockLines = 0;
  #timer: ReturnType<typeof setInterval> | undefined;

  /**
   * Creates the output.
   *
   * @param options Streams, mode, level and effects.
   */
  constructor(options: RunOutputOptions) {
    this.#io = options.io;
    this.#mode = options.mode;
    this.#level = LEVELS.indexOf(options.level);
    this.#now = options.now ?? Date.now;
    this.#columns = options.columns ?? defaultColumns;
    const tick = options.tickMs ?? 1000;
    if (this.#mode === "live" && tick > 0) {
      this.#timer = setInterval(() => this.#redraw(), tick);
    }
  }

  /** The display mode. */
  get mode(): OutputMode {
    return this.#mode;
  }

  /** Stops the redraw timer and removes the status block. */
  close(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    for (const id of [...this.#partial.keys()]) this.#flushPartial(id);
    this.#running.clear();
    this.#clearBlock();
  }

  // -------------------------------------------------------------------------
  // Logger

  /** @param message The line. */
  error(message: string): void {
    this.#log(0, message);
  }
  /** @param message The line. */
  warn(message: string): void {
    this.#log(1, message);
  }
  /** @param message The line. */
  info(message: string): void {
    this.#log(2, message);
  }
  /** @param message The line. */
  debug(message: string): void {
    this.#log(3, message);
  }

  #log(level: number, message: string): void {
    if (level > this.#level) return;
    this.#line(level === 0 && this.#mode === "live" ? `\x1b[31m${message}\x1b[0m` : message);
  }

  /**
   * Writes a line that always shows (the run summary), without a timestamp
   * in live mode.
   *
   * @param text One or more lines.
   */
  print(text: string): void {
    for (const l of text.replace(/\n$/, "").split("\n")) this.#line(l);
  }

  #stamp(): string {
    return new Date(this.#now()).toISOString();
  }

  /** Writes one line above the block (live) or with a timestamp (plain, json). */
  #line(text: string): void {
    if (this.#mode === "live") {
      this.#clearBlock();
      this.#io.writeErr(text + "\n");
      this.#drawBlock();
    } else {
      const stamp = this.#stamp();
      this.#io.writeErr(text.split("\n").map((l) => `${stamp} ${l}\n`).join(""));
    }
  }

  // -------------------------------------------------------------------------
  // Events

  /** @param e The event. */
  event(e: RunEvent): void {
    if (this.#mode === "json") {
      void this.#io.write(JSON.stringify({ ...e, time: this.#stamp() }) + "\n");
    }
    switch (e.type) {
      case "phase_started":
        this.#running.set(e.item_id, {
          id: e.item_id,
          title: e.title,
          phase: e.phase,
          attempt: e.attempt,
          maxAttempts: e.max_attempts,
          since: this.#running.get(e.item_id)?.since ?? this.#now(),
        });
        this.#redraw();
        break;
      case "phase_finished":
        this.#flushPartial(e.item_id);
        this.#running.delete(e.item_id);
        this.#redraw();
        break;
      case "commit":
        if (this.#mode !== "json") this.debug(`Committed ${e.sha.slice(0, 10)} ${e.subject}`);
        break;
      default:
        break;
    }
  }

  /**
   * Passes agent output through, line by line, prefixed with the item ID.
   *
   * @param itemId The item whose agent wrote it.
   * @param chunk The bytes.
   * @param stream Which stream (both are shown on stderr).
   */
  agentOutput(itemId: string, chunk: Uint8Array, stream: "stdout" | "stderr"): void {
    const key = `${itemId}\0${stream}`;
    let dec = this.#decoders.get(key);
    if (dec === undefined) {
      dec = new TextDecoder("utf-8", { fatal: false });
      this.#decoders.set(key, dec);
    }
    const text = (this.#partial.get(key) ?? "") + dec.decode(chunk, DEC_OPTIONS);
    let start = 0;
    for (;;) {
      const nl = text.indexOf("\n", start);
      if (nl >= 0 && nl - start <= MAX_LINE) {
        this.#agentLine(itemId, text.slice(start, nl).replace(/\r$/, ""));
        start = nl + 1;
      } else if (text.length - start >= MAX_LINE) {
        this.#agentLine(itemId, text.slice(start, start + MAX_LINE));
        start += MAX_LINE;
      } else {
        break;
      }
    }
    if (start >= text.length) this.#partial.delete(key);
    else this.#partial.set(key, text.slice(start));
  }

  #flushPartial(itemId: string): void {
    for (const [key, text] of [...this.#partial.entries()]) {
      if (key === itemId || key.startsWith(`${itemId}\0`)) {
        this.#partial.delete(key);
        const id = key.split("\0")[0]!;
        if (text !== "") this.#agentLine(id, text);
      }
    }
  }

  #agentLine(itemId: string, text: string): void {
    const line = this.#mode === "live"
      ? `\x1b[2m[${itemId}]\x1b[0m ${text}`
      : `[${itemId}] ${text}`;
    this.#line(line);
  }

  // -------------------------------------------------------------------------
  // Live status block

  /**
   * The status block's lines (one per running item), for the given width.
   *
   * @param width Terminal width.
   * @returns The lines, without colour.
   */
  blockLines(width: number): string[] {
    const now = this.#now();
    return [...this.#running.values()].map((r) => {
      const right = `${r.phase}  ${clock(now - r.since)}  attempt ${r.attempt}/${r.maxAttempts}`;
      const head = `▶ ${r.id}  `;
      const room = width - 1 - head.length - right.length - 2;
      // Narrow terminals lose the title first, then the end of the line.
      if (room < 4) return cut(`${head}${right}`, width - 1);
      return cut(`${head}${cut(r.title, room).padEnd(room)}  ${right}`, width - 1);
    });
  }

  #drawBlock(): void {
    if (this.#mode !== "live" || this.#running.size === 0) return;
    const lines = this.blockLines(this.#columns());
    this.#io.writeErr(lines.map((l) => `\x1b[36m${l}\x1b[0m\n`).join(""));
    this.#blockLines = lines.length;
  }

  #clearBlock(): void {
    if (this.#mode !== "live" || this.#blockLines === 0) return;
    this.#io.writeErr(`\x1b[${this.#blockLines}F\x1b[J`);
    this.#blockLines = 0;
  }

  #redraw(): void {
    if (this.#mode !== "live") return;
    this.#clearBlock();
    this.#drawBlock();
  }
}

function defaultColumns(): number {
  try {
    const { columns } = Deno.consoleSize();
    return columns >= 20 ? columns : 100; // 0 when the terminal does not say
  } catch {
    return 100;
  }
}
