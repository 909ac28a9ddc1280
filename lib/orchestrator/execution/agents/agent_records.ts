/**
 * The record of every running agent process group, on disk, so that the
 * next `pg run` or `pg triage` can stop the agents of a pg that was killed
 * (SIGKILL, the OOM killer) and never stopped them itself.
 *
 * One file per group, `.phase-golem/agents/{pgid}.json`, written when the
 * agent starts and deleted when its group is gone:
 *
 * ```json
 * {"pgid": 4242, "start_time": 987654, "boot_id": "0f3c…", "pg_pid": 4100,
 *  "started_at": "2026-01-01T00:00:00.000Z",
 *  "command": ["claude", "--dangerously-skip-permissions", "--output-format", "json",
 *              "-p", "# Phase prd for WRK-001… (48213 bytes)"]}
 * ```
 *
 * `start_time` is the leader's start time in clock ticks after boot
 * (`/proc/{pid}/stat` field 22) and `boot_id` the boot it counts from;
 * both are `null` where the system cannot tell. Together with the PGID
 * they identify the process even after its PID was given to another one.
 * Long arguments (the prompt) are shortened.
 *
 * @module
 */

import type { FileSystem } from "../../../io/fs.ts";
import { join } from "../../../io/path.ts";
import type { WarningSink } from "../../../io/warning.ts";
import type { ProcessTable } from "./process_table.ts";

/** The directory of the records, under the project root. */
export const AGENT_RECORDS_DIR = ".phase-golem/agents";

/** Arguments longer than this are shortened in a record. */
const MAX_ARG = 120;

/** One running agent process group, as recorded. */
export interface AgentRecord {
  /** The group's ID (its leader's PID). */
  pgid: number;
  /** The leader's start time in clock ticks after boot, or `null` when unknown. */
  startTime: number | null;
  /** The boot the start time counts from, or `null` when unknown. */
  bootId: string | null;
  /** The pg process that started it. */
  pgPid: number;
  /** When it started (ISO 8601). */
  startedAt: string;
  /** The program and its arguments, long ones shortened. */
  command: string[];
}

/** Where a process-group launcher reports the groups it starts and ends. */
export interface AgentRecordSink {
  /**
   * A group started.
   *
   * @param pgid Its ID.
   * @param program The program.
   * @param args Its arguments.
   */
  add(pgid: number, program: string, args: readonly string[]): Promise<void>;
  /**
   * A group is gone.
   *
   * @param pgid Its ID.
   */
  remove(pgid: number): Promise<void>;
}

/** Options for {@linkcode AgentRecords}. */
export interface AgentRecordsOptions {
  /** File system. */
  fs: FileSystem;
  /** Project root (absolute). */
  root: string;
  /** Start times and the boot ID. */
  table: ProcessTable;
  /** This pg process's ID. */
  pgPid: number;
  /** Now (default: the system clock). */
  now?: () => Date;
  /** Told when a record cannot be written or deleted (the agent runs anyway). */
  warn?: WarningSink;
}

/** Shortens an argument for a record: `# Phase prd for WRK-001… (48213 bytes)`. */
function shorten(arg: string): string {
  if (arg.length <= MAX_ARG) return arg;
  const bytes = new TextEncoder().encode(arg).length;
  return `${[...arg].slice(0, 60).join("").replace(/\s+/g, " ")}… (${bytes} bytes)`;
}

/**
 * Reads a record file's content.
 *
 * @param text The JSON text.
 * @returns The record, or `null` when it is not one.
 */
export function parseAgentRecord(text: string): AgentRecord | null {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof o !== "object" || o === null) return null;
  const { pgid, start_time: startTime, boot_id: bootId, pg_pid: pgPid } = o;
  if (!Number.isInteger(pgid) || (pgid as number) <= 1) return null;
  if (startTime !== null && !Number.isInteger(startTime)) return null;
  if (bootId !== null && typeof bootId !== "string") return null;
  return {
    pgid: pgid as number,
    startTime: startTime as number | null,
    bootId: bootId as string | null,
    pgPid: Number.isInteger(pgPid) ? pgPid as number : 0,
    startedAt: typeof o.started_at === "string" ? o.started_at : "",
    command: Array.isArray(o.command) ? o.command.map(String) : [],
  };
}

/**
 * The records of one project: written by the process-group launcher, read
 * at startup to find orphaned agents.
 *
 * @example Record a group, list it, delete it (in memory)
 * ```ts
 * import { MemoryFileSystem } from "@golem/golem";
 * import { AgentRecords } from "./agent_records.ts";
 * import assert from "node:assert/strict";
 *
 * const table = {
 *   available: () => Promise.resolve(true),
 *   process: (pid: number) => Promise.resolve({ pid, pgid: pid, startTime: 555, state: "S" }),
 *   group: () => Promise.resolve([]),
 *   bootId: () => Promise.resolve("boot-1"),
 * };
 * const records = new AgentRecords({
 *   fs: new MemoryFileSystem(),
 *   root: "/repo",
 *   table,
 *   pgPid: 100,
 *   now: () => new Date(0),
 * });
 * await records.add(4242, "claude", ["-p", "x".repeat(500)]);
 * const [r] = await records.list();
 * assert.equal(r!.pgid, 4242);
 * assert.equal(r!.startTime, 555);
 * assert.deepEqual(r!.command, ["claude", "-p", `${"x".repeat(60)}… (500 bytes)`]);
 * await records.remove(4242);
 * assert.deepEqual(await records.list(), []);
 * ```
 */
export class AgentRecords implements AgentRecordSink {
  readonly #o: AgentRecordsOptions;
  readonly #dir: string;

  /** @param options File system, root, process table, this PID. */
  constructor(options: AgentRecordsOptions) {
    this.#o = options;
    this.#dir = join(options.root, AGENT_RECORDS_DIR);
  }

  #path(pgid: number): string {
    return join(this.#dir, `${pgid}.json`);
  }

  /**
   * Records a group that just started (a failure is a warning).
   *
   * @param pgid Its ID.
   * @param program The program.
   * @param args Its arguments.
   */
  async add(pgid: number, program: string, args: readonly string[]): Promise<void> {
    const { fs, table } = this.#o;
    try {
      const [info, bootId] = await Promise.all([table.process(pgid), table.bootId()]);
      const record = {
        pgid,
        "start_time": info?.startTime ?? null,
        "boot_id": bootId,
        "pg_pid": this.#o.pgPid,
        "started_at": (this.#o.now?.() ?? new Date()).toISOString(),
        command: [program, ...args].map(shorten),
      };
      await fs.mkdirp(this.#dir);
      await fs.writeFileAtomic(
        this.#path(pgid),
        new TextEncoder().encode(JSON.stringify(record) + "\n"),
      );
    } catch (e) {
      this.#o.warn?.(
        `Warning: could not record agent process group ${pgid}: ${(e as Error).message}`,
      );
    }
  }

  /**
   * Deletes a group's record (a missing one is fine; a failure is a warning).
   *
   * @param pgid Its ID.
   */
  async remove(pgid: number): Promise<void> {
    try {
      await this.#o.fs.remove(this.#path(pgid));
    } catch (e) {
      this.#o.warn?.(
        `Warning: could not delete the record of agent process group ${pgid}: ${
          (e as Error).message
        }`,
      );
    }
  }

  /**
   * Every record, oldest PGID first. Files that are not records are
   * skipped (and left alone).
   *
   * @returns The records.
   */
  async list(): Promise<AgentRecord[]> {
    const { fs } = this.#o;
    let names: string[];
    try {
      names = await fs.readDir(this.#dir);
    } catch {
      return [];
    }
    const out: AgentRecord[] = [];
    for (const name of names) {
      const m = /^(\d+)\.json$/.exec(name);
      if (m === null) continue;
      const bytes = await fs.readFile(join(this.#dir, name)).catch(() => null);
      const record = bytes === null ? null : parseAgentRecord(new TextDecoder().decode(bytes));
      if (record !== null && record.pgid === Number(m[1])) out.push(record);
    }
    return out.sort((a, b) => a.pgid - b.pgid);
  }
}
