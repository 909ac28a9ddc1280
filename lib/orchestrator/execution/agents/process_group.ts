/**
 * Agents run in their own process group (pg.md §8.7, §8.10): started with
 * `detached: true` (PGID = PID), stdin null, output streamed chunk by chunk,
 * and the whole group signalled on timeout, abort or shutdown — SIGTERM,
 * then SIGKILL only for a group that outlives the grace period. The leader
 * is reaped while the group is polled, so an agent that exits on SIGTERM
 * ends the wait at once **[Fix]**. Each group can be recorded on disk
 * while it runs, so that a pg killed with SIGKILL leaves a trace of the
 * agents it could not stop.
 *
 * @module
 */

import type { AgentRecordSink } from "./agent_records.ts";

/** Options for {@linkcode ProcessGroups}. */
export interface ProcessGroupsOptions {
  /** How long a SIGTERMed group may live before SIGKILL (default 5000 ms). */
  graceMs?: number;
  /** How often to check whether a group still exists (default 100 ms). */
  pollMs?: number;
  /**
   * Told about every group started and ended, to keep a record on disk
   * that outlives this process (see `agent_records.ts`).
   */
  records?: AgentRecordSink;
}

/** Options for {@linkcode ProcessGroups.run}. */
export interface GroupRunOptions {
  /** Working directory (a relative program path resolves against it). */
  cwd: string;
  /** Variables set on top of the inherited environment (`PATH` here also finds the program). */
  env?: Record<string, string> | undefined;
  /** Stop the group after this many milliseconds. */
  timeoutMs: number;
  /** Aborting stops the group. */
  signal?: AbortSignal | undefined;
  /** Receives stdout and stderr chunks as they arrive; nothing is kept. */
  onOutput?: ((chunk: Uint8Array, stream: "stdout" | "stderr") => void) | undefined;
}

/** How a group run ended. */
export interface GroupRunResult {
  /** Why the wait ended: the leader exited, the timeout fired, or the signal aborted it. */
  reason: "exit" | "timeout" | "abort";
  /** The leader's exit code, or `null` when a signal ended it. */
  exitCode: number | null;
  /** The signal that ended the leader, e.g. `SIGKILL`. */
  signal: string | null;
  /** How the group was stopped: not needed, by SIGTERM, or by SIGKILL after the grace period. */
  stop: "none" | "terminated" | "killed";
  /** Processes of the group still running after the leader exited (they were stopped). */
  leftovers: number;
  /** Wall time from spawn to the end of the group, in milliseconds. */
  durationMs: number;
}

/** What {@linkcode ProcessGroups.terminate} had to do. */
export type TerminateOutcome = "gone" | "terminated" | "killed";

/** The default grace period between SIGTERM and SIGKILL, in milliseconds. */
export const DEFAULT_GRACE_MS = 5000;
const DEFAULT_POLL_MS = 100;
/** How long to keep polling after SIGKILL before giving up (zombies nobody reaps). */
const AFTER_KILL_MS = 2000;
/** How long to wait for the output pipes to close once the group is gone. */
const DRAIN_MS = 1000;

/**
 * The live agent process groups of one pg process, and the launcher that
 * adds to them. `killAll()` stops every group still registered (end of
 * `run`/`triage`, shutdown).
 *
 * @example Run a command in its own group and stream its output
 * ```ts
 * import { ProcessGroups } from "./process_group.ts";
 * import assert from "node:assert/strict";
 *
 * const groups = new ProcessGroups();
 * const decoder = new TextDecoder();
 * let stdout = "";
 * const r = await groups.run("sh", ["-c", "echo hi"], {
 *   cwd: ".",
 *   timeoutMs: 10_000,
 *   onOutput: (chunk, stream) => {
 *     if (stream === "stdout") stdout += decoder.decode(chunk, { stream: true });
 *   },
 * });
 * assert.equal(stdout, "hi\n");
 * assert.equal(r.reason, "exit");
 * assert.equal(r.exitCode, 0);
 * assert.equal(r.stop, "none"); // nothing was left to stop
 * assert.deepEqual(groups.pgids(), []);
 * ```
 *
 * @example A timeout stops the whole group
 * ```ts
 * import { ProcessGroups } from "./process_group.ts";
 * import assert from "node:assert/strict";
 *
 * // The shell and the `sleep` it starts are in one group; SIGTERM reaches both.
 * const groups = new ProcessGroups({ graceMs: 1000 });
 * const r = await groups.run("sh", ["-c", "sleep 10; echo never"], { cwd: ".", timeoutMs: 50 });
 * assert.equal(r.reason, "timeout");
 * assert.equal(r.signal, "SIGTERM");
 * assert.equal(r.stop, "terminated");
 * ```
 */
export class ProcessGroups {
  readonly #graceMs: number;
  readonly #pollMs: number;
  readonly #live = new Map<number, Promise<unknown>>();
  readonly #records: AgentRecordSink | undefined;

  /**
   * Creates an empty registry.
   *
   * @param options Grace period and poll interval.
   */
  constructor(options: ProcessGroupsOptions = {}) {
    this.#graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
    this.#pollMs = options.pollMs ?? DEFAULT_POLL_MS;
    this.#records = options.records;
  }

  /** The grace period between SIGTERM and SIGKILL, in milliseconds. */
  get graceMs(): number {
    return this.#graceMs;
  }

  /**
   * PGIDs of the groups currently registered.
   *
   * @returns The PGIDs in spawn order.
   */
  pgids(): number[] {
    return [...this.#live.keys()];
  }

  /**
   * Starts `program` as the leader of a new process group with stdin null
   * and waits until the group is gone. Output goes to `onOutput` chunk by
   * chunk. On timeout or abort the group is stopped (SIGTERM, SIGKILL
   * after the grace period). When the leader exits on its own, processes it
   * left in its group are stopped the same way.
   *
   * @param program The program (looked up on `PATH`).
   * @param args Its arguments, each passed as it is (no shell).
   * @param options Working directory, environment, timeout, signal, output sink.
   * @returns How it ended.
   * @throws {Error} When the program cannot be started (`Deno.errors.NotFound`, …).
   */
  async run(program: string, args: string[], options: GroupRunOptions): Promise<GroupRunResult> {
    const started = performance.now();
    const child = new Deno.Command(program, {
      args,
      cwd: options.cwd,
      ...(options.env === undefined ? {} : { env: options.env }),
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      detached: true,
    }).spawn();
    const pgid = child.pid;
    const status = child.status;
    this.#live.set(pgid, status);
    const pumps = [
      pump(child.stdout, "stdout", options.onOutput),
      pump(child.stderr, "stderr", options.onOutput),
    ];
    let reason: GroupRunResult["reason"] = "exit";
    let stop: GroupRunResult["stop"] = "none";
    let leftovers = 0;
    try {
      await this.#records?.add(pgid, program, args);
      reason = await waitExit(status, options.timeoutMs, options.signal);
      if (reason === "exit") {
        leftovers = await countLive(pgid);
        if (leftovers > 0) stop = toStop(await this.#terminateGroup(pgid, status));
      } else {
        stop = toStop(await this.#terminateGroup(pgid, status));
      }
      const st = await status;
      await drain(pumps);
      return {
        reason,
        exitCode: st.signal === null ? st.code : null,
        signal: st.signal,
        stop,
        leftovers,
        durationMs: performance.now() - started,
      };
    } finally {
      this.#live.delete(pgid);
      await this.#records?.remove(pgid);
    }
  }

  /**
   * Stops one group: SIGTERM, then poll every `pollMs` until it is gone;
   * SIGKILL when it outlives the grace period.
   *
   * @param pgid The group's ID (its leader's PID).
   * @returns `gone` when there was nothing to signal, `terminated` when SIGTERM sufficed, `killed` otherwise.
   */
  terminate(pgid: number): Promise<TerminateOutcome> {
    return this.#terminateGroup(pgid, this.#live.get(pgid));
  }

  /**
   * Stops every registered group at once (each with its own grace period)
   * and clears the registry.
   *
   * @returns How many groups there were.
   */
  async killAll(): Promise<number> {
    const entries = [...this.#live.entries()];
    this.#live.clear();
    await Promise.all(entries.map(([pgid, exit]) => this.#terminateGroup(pgid, exit)));
    return entries.length;
  }

  async #terminateGroup(pgid: number, leaderExit?: Promise<unknown>): Promise<TerminateOutcome> {
    if (!signalGroup(pgid, "SIGTERM")) return "gone";
    // The leader's exit wakes a poll early; Deno reaps the leader, so it does
    // not keep the group alive as a zombie.
    let wake: Promise<unknown> | undefined = leaderExit;
    let leaderGone = false;
    void leaderExit?.then(() => leaderGone = true, () => leaderGone = true);
    const deadline = performance.now() + this.#graceMs;
    for (;;) {
      const left = deadline - performance.now();
      if (left <= 0) break;
      await sleep(Math.min(this.#pollMs, left), wake);
      if (leaderGone) wake = undefined;
      if ((await countLive(pgid)) === 0) return "terminated";
    }
    signalGroup(pgid, "SIGKILL");
    const giveUp = performance.now() + AFTER_KILL_MS;
    while (performance.now() < giveUp && (await countLive(pgid)) > 0) {
      await sleep(Math.min(this.#pollMs, 20));
    }
    return "killed";
  }
}

function toStop(o: TerminateOutcome): GroupRunResult["stop"] {
  return o === "gone" ? "none" : o;
}

/** Sends a signal to a whole group; `false` when the group does not exist. */
function signalGroup(pgid: number, signal: Deno.Signal): boolean {
  try {
    Deno.kill(-pgid, signal);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

/**
 * How many processes of the group are alive (zombies do not count: where
 * nobody reaps orphans, e.g. a container whose PID 1 does not, they would
 * otherwise keep a dead group "alive"). Uses `/proc` when the signal-0
 * probe says the group exists; without `/proc` the probe decides.
 *
 * @param pgid The group.
 * @returns The number of live members (at least 1 when `/proc` is missing and the group exists).
 */
export async function countLive(pgid: number): Promise<number> {
  if (!signalGroup(pgid, 0 as unknown as Deno.Signal)) return 0;
  let n = 0;
  try {
    for await (const entry of Deno.readDir("/proc")) {
      const c = entry.name.charCodeAt(0);
      if (c < 48 || c > 57) continue;
      const stat = await Deno.readTextFile(`/proc/${entry.name}/stat`).catch(() => null);
      if (stat === null) continue;
      // "pid (comm) state ppid pgrp …" — comm may contain spaces and parentheses.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) === pgid && fields[0] !== "Z" && fields[0] !== "X") n++;
    }
  } catch {
    return 1; // no /proc: trust the probe
  }
  return n;
}

/** Reads a stream to its end, chunk by chunk, until it closes or is cancelled. */
interface Pump {
  /** Settles when the stream ended or was cancelled. */
  done: Promise<void>;
  /** Stops reading. */
  cancel(): Promise<void>;
}

function pump(
  stream: ReadableStream<Uint8Array>,
  name: "stdout" | "stderr",
  onOutput: GroupRunOptions["onOutput"],
): Pump {
  const reader = stream.getReader();
  const done = (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        if (onOutput) {
          try {
            onOutput(value, name);
          } catch {
            // A failing sink must not stop the drain (the pipe would fill up).
          }
        }
      }
    } catch {
      // Cancelled.
    }
  })();
  return { done, cancel: () => reader.cancel().catch(() => {}) };
}

/** Waits for the pipes to close; a process that escaped the group may hold them open. */
async function drain(pumps: Pump[]): Promise<void> {
  const all = Promise.all(pumps.map((p) => p.done));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = await Promise.race([
    all.then(() => false),
    new Promise<boolean>((r) => timer = setTimeout(() => r(true), DRAIN_MS)),
  ]);
  clearTimeout(timer);
  if (timedOut) {
    await Promise.all(pumps.map((p) => p.cancel()));
    await all;
  }
}

async function waitExit(
  status: Promise<Deno.CommandStatus>,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<"exit" | "timeout" | "abort"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  try {
    return await Promise.race([
      status.then(() => "exit" as const),
      new Promise<"timeout">((r) => timer = setTimeout(() => r("timeout"), timeoutMs)),
      new Promise<"abort">((r) => {
        if (!signal) return;
        if (signal.aborted) r("abort");
        onAbort = () => r("abort");
        signal.addEventListener("abort", onAbort, { once: true });
      }),
    ]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener("abort", onAbort);
  }
}

/** Sleeps `ms`, or less when `wake` settles first. */
function sleep(ms: number, wake?: Promise<unknown>): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const t = new Promise<void>((r) => timer = setTimeout(r, ms));
  const done = wake ? Promise.race([t, wake.then(() => {}, () => {})]) : t;
  return done.finally(() => clearTimeout(timer));
}
