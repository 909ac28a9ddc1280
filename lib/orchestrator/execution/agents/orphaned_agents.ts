/**
 * Agents a killed pg left running (issue 10 §4): `pg run` and `pg triage`
 * read the records of `.phase-golem/agents/` at start and stop every
 * recorded process group that still runs, before anything else. A group
 * is signalled only when the system shows it is the recorded one: its
 * leader has the recorded start time (or, the leader gone, every member
 * started after it). A PID that was given to another process is never
 * signalled, and neither is anything where start times cannot be read.
 *
 * @module
 */

import type { AgentRecord, AgentRecords } from "./agent_records.ts";
import type { TerminateOutcome } from "./process_group.ts";
import type { ProcessTable } from "./process_table.ts";

/**
 * What the system says about a recorded group:
 *
 * - `running`: it is the recorded agent's group, and something in it runs;
 * - `gone`: nothing of it runs (or the record is from another boot);
 * - `reused`: the PID belongs to another process now (other start time);
 * - `unverifiable`: start times cannot be read here (no `/proc`), or were
 *   not recorded.
 */
export type RecordedGroupState = "running" | "gone" | "reused" | "unverifiable";

/**
 * Looks a recorded group up in the process table.
 *
 * @param record The record.
 * @param table The process table.
 * @returns What runs under that PGID now.
 */
export async function recordedGroupState(
  record: AgentRecord,
  table: ProcessTable,
): Promise<RecordedGroupState> {
  if (record.startTime === null || !(await table.available())) return "unverifiable";
  const boot = await table.bootId();
  if (record.bootId !== null && boot !== null && record.bootId !== boot) return "gone";
  const leader = await table.process(record.pgid);
  if (leader !== null) return leader.startTime === record.startTime ? "running" : "reused";
  // The leader exited; a PID is not given out again while its group
  // exists, so members left in the group are the agent's children.
  const members = await table.group(record.pgid);
  if (members.length === 0) return "gone";
  return members.every((m) => m.startTime >= record.startTime!) ? "running" : "reused";
}

/** What happened to one recorded group. */
export interface OrphanOutcome {
  /** The record. */
  record: AgentRecord;
  /**
   * `stopped` (it ran and was stopped), `found` (it runs; a dry run leaves
   * it), or the {@linkcode RecordedGroupState} that kept it from being
   * signalled.
   */
  outcome: "stopped" | "found" | "gone" | "reused" | "unverifiable";
  /** How it was stopped: by SIGTERM, or by SIGKILL after the grace period. */
  how?: "terminated" | "killed";
}

/** Options for {@linkcode stopOrphanedAgents}. */
export interface StopOrphansOptions {
  /** The records. */
  records: AgentRecords;
  /** The process table. */
  table: ProcessTable;
  /** Stops one group (SIGTERM, SIGKILL after the grace period). */
  terminate: (pgid: number) => Promise<TerminateOutcome>;
  /** Only the groups this pg process started (default: every record). */
  owner?: number;
  /** Only look: signal nothing and keep the records. */
  dryRun?: boolean;
}

/**
 * Stops every recorded group that still runs, all at once, and deletes the
 * records it dealt with (a dry run only looks).
 *
 * @param options Records, process table, how to stop a group.
 * @returns One outcome per record, in PGID order.
 */
export async function stopOrphanedAgents(options: StopOrphansOptions): Promise<OrphanOutcome[]> {
  const { records, table } = options;
  const list = (await records.list()).filter((r) =>
    options.owner === undefined || r.pgPid === options.owner
  );
  return await Promise.all(list.map(async (record): Promise<OrphanOutcome> => {
    const state = await recordedGroupState(record, table);
    if (options.dryRun) return { record, outcome: state === "running" ? "found" : state };
    if (state !== "running") {
      await records.remove(record.pgid);
      return { record, outcome: state };
    }
    const how = await options.terminate(record.pgid);
    await records.remove(record.pgid);
    return how === "gone" ? { record, outcome: "gone" } : { record, outcome: "stopped", how };
  }));
}

/** A log line about one recorded group: its level and text. */
export interface OrphanMessage {
  /** `warn` for what the user should know, `info`, or `debug`. */
  level: "warn" | "info" | "debug";
  /** The line. */
  message: string;
}

/** A recorded command for a log line: its words, cut at 80 characters. */
function commandLine(command: readonly string[]): string {
  const text = command.join(" ");
  return text.length <= 80 ? text : `${text.slice(0, 79)}…`;
}

/**
 * What to tell the user about one recorded group.
 *
 * @param o The outcome.
 * @param graceMs The grace period before SIGKILL, in milliseconds.
 * @returns The level and the line.
 *
 * @example
 * ```ts
 * import { describeOrphanOutcome } from "./orphaned_agents.ts";
 * import assert from "node:assert/strict";
 *
 * const record = {
 *   pgid: 4242, startTime: 1, bootId: null, pgPid: 1, startedAt: "", command: ["claude", "-p", "…"],
 * };
 * assert.deepEqual(describeOrphanOutcome({ record, outcome: "stopped", how: "killed" }, 5000), {
 *   level: "warn",
 *   message: "Warning: stopped agent process group 4242 (claude -p …), " +
 *     "left running by a killed run: SIGKILL after 5 s",
 * });
 * ```
 */
export function describeOrphanOutcome(o: OrphanOutcome, graceMs: number): OrphanMessage {
  const { record } = o;
  const group = `agent process group ${record.pgid} (${commandLine(record.command)})`;
  switch (o.outcome) {
    case "stopped":
      return {
        level: "warn",
        message: `Warning: stopped ${group}, left running by a killed run: ${
          o.how === "killed" ? `SIGKILL after ${graceMs / 1000} s` : "SIGTERM"
        }`,
      };
    case "found":
      return {
        level: "warn",
        message: `Warning: ${group}, left by a killed run, is still running; ` +
          "pg run would stop it first",
      };
    case "reused":
      return {
        level: "info",
        message: `Not signalling process group ${record.pgid}: process ${record.pgid} is not ` +
          "the recorded agent (it started at another time; the PID was reused)",
      };
    case "unverifiable":
      return {
        level: "warn",
        message: `Warning: cannot tell whether ${group} still runs (no process start times ` +
          `here); if it does, stop it with: kill -TERM -${record.pgid}`,
      };
    case "gone":
      return { level: "debug", message: `The ${group} a killed run recorded has ended` };
  }
}
