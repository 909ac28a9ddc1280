/**
 * The live state of a run, kept in `.phase-golem/run_state.json` for other
 * processes to read (`tg serve` shows it): the phases running now, the
 * latest results and the totals of the run so far. pg rewrites the file
 * atomically at every phase start and end; a run that ends says so in the
 * file (`finished_at`, `halt_reason`). The file is small: the latest results
 * are capped, the totals are one entry per item and per phase.
 *
 * {@linkcode RunStateRecorder} is a {@linkcode RunObserver}: the run session
 * tees its events into it ({@linkcode withRunState}). It never throws into
 * the run: a failed write is one warning, and the next event writes again.
 *
 * @module
 */

import type { Clock } from "../../io/clock.ts";
import type { FileSystem } from "../../io/fs.ts";
import { join } from "../../io/path.ts";
import { formatTimestamp } from "../../store/timestamp.ts";
import { RUNTIME_DIR } from "../repo/run_lock.ts";
import type { RunEvent, RunObserver } from "./run_events.ts";
import type { RunSink } from "./run_session.ts";

/** The file's name in `.phase-golem/`. */
export const RUN_STATE_FILE = "run_state.json";

/** The file format's version. */
export const RUN_STATE_VERSION = 1;

/** Most finished phases the file keeps, newest first. */
export const RUN_STATE_RECENT = 20;

/** Longest summary kept per finished phase, in characters. */
const SUMMARY_CHARS = 500;

/** A phase that is running now. */
export interface RunningPhase {
  /** Item ID. */
  "item_id": string;
  /** Item title. */
  title: string;
  /** Phase (`triage` for triage). */
  phase: string;
  /** Attempt, from 1. */
  attempt: number;
  /** Attempts allowed. */
  "max_attempts": number;
  /** When the phase's first attempt started (canonical timestamp). */
  "started_at": string;
  /** When the current attempt started. */
  "attempt_started_at": string;
  /** What the item's finished phases of this run cost so far (US dollars), when reported. */
  "cost_usd": number | null;
}

/** A phase execution that ended. */
export interface FinishedPhase {
  /** Item ID. */
  "item_id": string;
  /** Item title. */
  title: string;
  /** Phase. */
  phase: string;
  /** `complete`, `subphase_complete`, `failed`, `blocked` or `cancelled`. */
  outcome: string;
  /** Wall time in milliseconds. */
  "duration_ms": number;
  /** Attempts made. */
  attempts: number;
  /** The result's summary or the failure (at most 500 characters). */
  summary: string;
  /** Cost in US dollars, when reported. */
  "cost_usd": number | null;
  /** Input plus output tokens, when reported. */
  tokens: number | null;
  /** When it ended (canonical timestamp). */
  "finished_at": string;
}

/** Totals of one item or one phase. */
export interface RunTotal {
  /** Phase executions. */
  runs: number;
  /** Wall time in milliseconds. */
  "duration_ms": number;
  /** Cost in US dollars over the executions that reported one, or `null`. */
  "cost_usd": number | null;
  /** Tokens over the executions that reported them, or `null`. */
  tokens: number | null;
}

/** The content of `run_state.json`. */
export interface RunState {
  /** {@linkcode RUN_STATE_VERSION}. */
  version: number;
  /** `run` or `triage`. */
  kind: string;
  /** The pg process. */
  pid: number;
  /** When the run started (canonical timestamp). */
  "started_at": string;
  /** When the file was last written. */
  "updated_at": string;
  /** When the run ended, or `null` while it works. */
  "finished_at": string | null;
  /** Why it ended (`AllDoneOrBlocked`, `CapReached`, …), or `null` while it works. */
  "halt_reason": string | null;
  /** Phases running now, in the order they started. */
  running: RunningPhase[];
  /** The latest finished phases, newest first. */
  recent: FinishedPhase[];
  /** Items completed by this run. */
  "items_completed": string[];
  /** Items this run blocked. */
  "items_blocked": string[];
  /** Commits made. */
  commits: number;
  /** The latest commit's subject, or `null`. */
  "last_commit": string | null;
  /** Totals of the whole run. */
  totals: RunTotal;
  /** Totals per item. */
  "by_item": Record<string, RunTotal>;
  /** Totals per phase. */
  "by_phase": Record<string, RunTotal>;
}

/** Options for {@linkcode RunStateRecorder}. */
export interface RunStateRecorderOptions {
  /** File system (the file is written with `writeFileAtomic`). */
  fs: FileSystem;
  /** Project root, absolute. */
  root: string;
  /** The pg process's ID. */
  pid: number;
  /** `run` or `triage`. */
  kind: string;
  /** Timestamps. */
  clock: Clock;
  /** Receives one warning when a write fails (again after a write succeeds). */
  warn?: (message: string) => void;
}

function emptyTotal(): RunTotal {
  return { runs: 0, "duration_ms": 0, "cost_usd": null, tokens: null };
}

function addTo(t: RunTotal, durationMs: number, cost: number | null, tokens: number | null): void {
  t.runs++;
  t.duration_ms += durationMs;
  if (cost !== null) t.cost_usd = (t.cost_usd ?? 0) + cost;
  if (tokens !== null) t.tokens = (t.tokens ?? 0) + tokens;
}

/**
 * Keeps a run's state and writes it to `.phase-golem/run_state.json` as
 * events arrive. Writes never overlap: an event that comes while a write is
 * in flight is written by the next one.
 *
 * @example Record a phase and read the file back
 * ```ts
 * import { FixedClock, MemoryFileSystem } from "@golem/golem";
 * import { RunStateRecorder } from "./run_state.ts";
 * import assert from "node:assert/strict";
 *
 * const fs = new MemoryFileSystem();
 * await fs.mkdirp("/repo/.phase-golem");
 * const recorder = new RunStateRecorder({
 *   fs, root: "/repo", pid: 42, kind: "run", clock: new FixedClock({ secs: 1767225600, nanos: 0 }),
 * });
 * recorder.event({ type: "phase_started", item_id: "WRK-1", title: "T", phase: "build", attempt: 1, max_attempts: 2 });
 * await recorder.flush();
 * const state = JSON.parse(new TextDecoder().decode((await fs.readFile("/repo/.phase-golem/run_state.json"))!));
 * assert.equal(state.running[0].phase, "build");
 * ```
 */
export class RunStateRecorder implements RunObserver {
  readonly #o: RunStateRecorderOptions;
  readonly #path: string;
  readonly #state: RunState;
  #writing: Promise<void> | null = null;
  #dirty = false;
  #warned = false;
  #started = false;

  /** @param options Where to write, and the run's identity. */
  constructor(options: RunStateRecorderOptions) {
    this.#o = options;
    this.#path = join(options.root, RUNTIME_DIR, RUN_STATE_FILE);
    const now = this.#now();
    this.#state = {
      version: RUN_STATE_VERSION,
      kind: options.kind,
      pid: options.pid,
      "started_at": now,
      "updated_at": now,
      "finished_at": null,
      "halt_reason": null,
      running: [],
      recent: [],
      "items_completed": [],
      "items_blocked": [],
      commits: 0,
      "last_commit": null,
      totals: emptyTotal(),
      "by_item": {},
      "by_phase": {},
    };
  }

  /** The path of the file. */
  get path(): string {
    return this.#path;
  }

  /** A copy of the state as it is now. */
  get state(): RunState {
    return structuredClone(this.#state);
  }

  #now(): string {
    return formatTimestamp(this.#o.clock.now());
  }

  /** Writes the state as it is at the start of the run. */
  start(): void {
    this.#started = true;
    this.#schedule();
  }

  /** @param e A run event. */
  event(e: RunEvent): void {
    this.#started = true;
    const s = this.#state;
    switch (e.type) {
      case "phase_started": {
        const now = this.#now();
        const i = s.running.findIndex((r) => r.item_id === e.item_id && r.phase === e.phase);
        const cost = s.by_item[e.item_id]?.cost_usd ?? null;
        if (i >= 0) {
          const r = s.running[i]!;
          r.attempt = e.attempt;
          r.max_attempts = e.max_attempts;
          r.attempt_started_at = now;
        } else {
          s.running.push({
            "item_id": e.item_id,
            title: e.title,
            phase: e.phase,
            attempt: e.attempt,
            "max_attempts": e.max_attempts,
            "started_at": now,
            "attempt_started_at": now,
            "cost_usd": cost,
          });
        }
        break;
      }
      case "phase_finished": {
        const i = s.running.findIndex((r) => r.item_id === e.item_id && r.phase === e.phase);
        const title = i >= 0 ? s.running[i]!.title : e.item_id;
        if (i >= 0) s.running.splice(i, 1);
        const cost = e.cost_usd ?? null;
        const ms = Math.round(e.duration_ms);
        const tokens = e.input_tokens === undefined && e.output_tokens === undefined
          ? null
          : (e.input_tokens ?? 0) + (e.output_tokens ?? 0);
        const summary = [...e.summary];
        s.recent.unshift({
          "item_id": e.item_id,
          title,
          phase: e.phase,
          outcome: e.outcome,
          "duration_ms": ms,
          attempts: e.attempts,
          summary: summary.length > SUMMARY_CHARS
            ? summary.slice(0, SUMMARY_CHARS - 1).join("") + "…"
            : e.summary,
          "cost_usd": cost,
          tokens,
          "finished_at": this.#now(),
        });
        if (s.recent.length > RUN_STATE_RECENT) s.recent.length = RUN_STATE_RECENT;
        addTo(s.totals, ms, cost, tokens);
        addTo(s.by_item[e.item_id] ??= emptyTotal(), ms, cost, tokens);
        addTo(s.by_phase[e.phase] ??= emptyTotal(), ms, cost, tokens);
        break;
      }
      case "item_completed":
        if (!s.items_completed.includes(e.item_id)) s.items_completed.push(e.item_id);
        break;
      case "item_blocked":
        if (!s.items_blocked.includes(e.item_id)) s.items_blocked.push(e.item_id);
        break;
      case "commit":
        s.commits++;
        s.last_commit = e.subject;
        break;
      case "halted":
        s.halt_reason = e.reason;
        break;
    }
    this.#schedule();
  }

  /**
   * Marks the run as ended and writes the file a last time (nothing when
   * the run never started: no file was written).
   *
   * @param haltReason Why the run ended.
   */
  async finish(haltReason: string): Promise<void> {
    if (!this.#started) return;
    this.#state.finished_at = this.#now();
    this.#state.halt_reason = haltReason;
    this.#state.running = [];
    this.#schedule();
    await this.flush();
  }

  /** Resolves once everything recorded so far is written (or failed to be). */
  async flush(): Promise<void> {
    while (this.#writing !== null) await this.#writing;
  }

  #schedule(): void {
    this.#dirty = true;
    this.#writing ??= this.#drain();
  }

  async #drain(): Promise<void> {
    try {
      while (this.#dirty) {
        this.#dirty = false;
        this.#state.updated_at = this.#now();
        const bytes = new TextEncoder().encode(JSON.stringify(this.#state) + "\n");
        try {
          await this.#o.fs.writeFileAtomic(this.#path, bytes);
          this.#warned = false;
        } catch (e) {
          if (!this.#warned) {
            this.#warned = true;
            this.#o.warn?.(
              `Warning: could not write ${RUNTIME_DIR}/${RUN_STATE_FILE}: ${(e as Error).message}`,
            );
          }
        }
      }
    } finally {
      this.#writing = null;
    }
  }
}

/**
 * A sink that passes everything to `sink` and the run events to `recorder` too.
 *
 * @param sink The session's sink.
 * @param recorder The run state.
 * @returns The combined sink.
 */
export function withRunState(sink: RunSink, recorder: RunStateRecorder): RunSink {
  const out: RunSink = {
    error: (m) => sink.error(m),
    warn: (m) => sink.warn(m),
    info: (m) => sink.info(m),
    debug: (m) => sink.debug(m),
    event: (e) => {
      sink.event(e);
      recorder.event(e);
    },
  };
  if (sink.agentOutput !== undefined) {
    out.agentOutput = (id, chunk, stream) => sink.agentOutput!(id, chunk, stream);
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Reads the content of `run_state.json`, as far as it has this version's
 * shape.
 *
 * @param text The file's text.
 * @returns The state, or `null` when the text is not a state of this version.
 */
export function parseRunState(text: string): RunState | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(v) || v.version !== RUN_STATE_VERSION) return null;
  if (typeof v.pid !== "number" || typeof v.started_at !== "string") return null;
  if (!Array.isArray(v.running) || !Array.isArray(v.recent) || !isObject(v.totals)) return null;
  if (!isObject(v.by_item) || !isObject(v.by_phase)) return null;
  return v as unknown as RunState;
}
