/**
 * What the system says about its processes, for telling a recorded agent
 * from a process that got its PID later: each process's group and start
 * time (Linux: `/proc/{pid}/stat`, field 22, clock ticks after boot) and
 * the boot's ID. Where there is no `/proc`, {@linkcode ProcessTable.available}
 * is `false` and nothing can be verified.
 *
 * @module
 */

/** One process, as the table sees it. */
export interface ProcessInfo {
  /** Its ID. */
  pid: number;
  /** Its process group. */
  pgid: number;
  /** When it started, in clock ticks after boot (`/proc/{pid}/stat` field 22). */
  startTime: number;
  /** Its state letter (`R`, `S`, `Z` for a zombie, …). */
  state: string;
}

/** Reads the process table. */
export interface ProcessTable {
  /** Whether processes can be looked up here (Linux `/proc`). */
  available(): Promise<boolean>;
  /**
   * One process.
   *
   * @param pid Its ID.
   * @returns It, or `null` when there is none (or the table is not available).
   */
  process(pid: number): Promise<ProcessInfo | null>;
  /**
   * The live members (zombies left out) of a process group.
   *
   * @param pgid The group.
   * @returns Its members, in no particular order.
   */
  group(pgid: number): Promise<ProcessInfo[]>;
  /**
   * The ID of the current boot (`/proc/sys/kernel/random/boot_id`): start
   * times count from the boot, so a record from another boot names no
   * process that runs now.
   *
   * @returns The ID, or `null` when it cannot be read.
   */
  bootId(): Promise<string | null>;
}

/**
 * Parses a `/proc/{pid}/stat` line: `pid (comm) state ppid pgrp … starttime …`.
 * The command name may hold spaces and parentheses, so fields are counted
 * after the last `)`.
 *
 * @param text The file's content.
 * @returns The process, or `null` when the line is malformed.
 *
 * @example
 * ```ts
 * import { parseProcStat } from "./process_table.ts";
 * import assert from "node:assert/strict";
 *
 * const line = "4242 (my (odd) agent) S 1 4242 4242 0 -1 4194560 " +
 *   "1 2 3 4 5 6 7 8 20 0 1 0 987654 1000 10 18446744073709551615";
 * assert.deepEqual(parseProcStat(line), { pid: 4242, pgid: 4242, startTime: 987654, state: "S" });
 * assert.equal(parseProcStat("garbage"), null);
 * ```
 */
export function parseProcStat(text: string): ProcessInfo | null {
  const close = text.lastIndexOf(")");
  if (close < 0) return null;
  const pid = Number(text.slice(0, text.indexOf(" ")));
  // After ") ": field 3 (state) is index 0, so field n is index n - 3.
  const fields = text.slice(close + 2).trim().split(" ");
  const state = fields[0];
  const pgid = Number(fields[2]);
  const startTime = Number(fields[19]);
  if (!Number.isInteger(pid) || state === undefined || !Number.isInteger(pgid)) return null;
  if (!Number.isInteger(startTime)) return null;
  return { pid, pgid, startTime, state };
}

/** The process table of Linux's `/proc`. */
export class ProcProcessTable implements ProcessTable {
  readonly #proc: string;

  /**
   * Reads `/proc` (or another mount of it).
   *
   * @param proc The proc file system's mount point.
   */
  constructor(proc = "/proc") {
    this.#proc = proc;
  }

  /** @returns Whether `{proc}/self/stat` can be read. */
  async available(): Promise<boolean> {
    return (await this.#read("self/stat")) !== null;
  }

  /**
   * @param pid The process.
   * @returns It, or `null`.
   */
  async process(pid: number): Promise<ProcessInfo | null> {
    if (!Number.isInteger(pid) || pid <= 0) return null;
    const text = await this.#read(`${pid}/stat`);
    return text === null ? null : parseProcStat(text);
  }

  /**
   * @param pgid The group.
   * @returns Its live members.
   */
  async group(pgid: number): Promise<ProcessInfo[]> {
    const out: ProcessInfo[] = [];
    try {
      for await (const entry of Deno.readDir(this.#proc)) {
        const c = entry.name.charCodeAt(0);
        if (c < 48 || c > 57) continue;
        const info = await this.process(Number(entry.name));
        if (info !== null && info.pgid === pgid && info.state !== "Z" && info.state !== "X") {
          out.push(info);
        }
      }
    } catch {
      // no /proc
    }
    return out;
  }

  /** @returns The boot ID, or `null`. */
  async bootId(): Promise<string | null> {
    return (await this.#read("sys/kernel/random/boot_id"))?.trim() || null;
  }

  async #read(path: string): Promise<string | null> {
    try {
      return await Deno.readTextFile(`${this.#proc}/${path}`);
    } catch {
      return null;
    }
  }
}
