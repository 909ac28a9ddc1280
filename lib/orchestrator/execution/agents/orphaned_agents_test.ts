// Orphaned agents with real processes: groups started here stand in for
// the agents of a pg that was killed, recorded as pg records them.

import assert from "node:assert/strict";
import { DenoFileSystem } from "../../../io/fs.ts";
import { AgentRecords } from "./agent_records.ts";
import { recordedGroupState, stopOrphanedAgents } from "./orphaned_agents.ts";
import { ProcessGroups } from "./process_group.ts";
import { type ProcessTable, ProcProcessTable } from "./process_table.ts";

const table = new ProcProcessTable();
const HAS_PROC = await table.available();

/** A process group whose leader (and its child) ignore SIGTERM; `pids` are leader and child. */
async function stubbornGroup(): Promise<{ child: Deno.ChildProcess; pids: number[] }> {
  const child = new Deno.Command("sh", {
    args: ["-c", "trap '' TERM; sh -c \"trap '' TERM; sleep 60\" & echo $!; wait"],
    stdin: "null",
    stdout: "piped",
    stderr: "null",
    detached: true,
  }).spawn();
  const reader = child.stdout.getReader();
  const { value } = await reader.read();
  reader.releaseLock();
  await child.stdout.cancel();
  return { child, pids: [child.pid, Number(new TextDecoder().decode(value).trim())] };
}

function alive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

function records(dir: string): AgentRecords {
  return new AgentRecords({ fs: new DenoFileSystem(), root: dir, table, pgPid: 1 });
}

Deno.test({
  name:
    "stopOrphanedAgents() stops a recorded group that ignores SIGTERM with SIGKILL, child included",
  ignore: !HAS_PROC,
  async fn() {
    const dir = await Deno.makeTempDir();
    const { child, pids } = await stubbornGroup();
    try {
      const recs = records(dir);
      await recs.add(child.pid, "claude", ["-p", "prompt"]);
      const groups = new ProcessGroups({ graceMs: 150, pollMs: 20 });
      const outcomes = await stopOrphanedAgents({
        records: recs,
        table,
        terminate: (pgid) => groups.terminate(pgid),
      });
      assert.deepEqual(outcomes.map((o) => [o.record.pgid, o.outcome, o.how]), [
        [child.pid, "stopped", "killed"],
      ]);
      assert.ok(pids.every((p) => !alive(p)), "leader and child are gone");
      assert.deepEqual(await recs.list(), [], "the record is deleted");
    } finally {
      try {
        Deno.kill(-child.pid, "SIGKILL");
      } catch { /* gone */ }
      await child.status;
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "stopOrphanedAgents() never signals a PGID whose process has another start time",
  ignore: !HAS_PROC,
  async fn() {
    const dir = await Deno.makeTempDir();
    const { child, pids } = await stubbornGroup();
    try {
      const recs = records(dir);
      await recs.add(child.pid, "claude", []);
      // The record says the agent started earlier than the process now holding the PID.
      const path = `${dir}/.phase-golem/agents/${child.pid}.json`;
      const record = JSON.parse(await Deno.readTextFile(path));
      record.start_time -= 1;
      await Deno.writeTextFile(path, JSON.stringify(record));
      let signalled = false;
      const outcomes = await stopOrphanedAgents({
        records: recs,
        table,
        terminate: () => {
          signalled = true;
          return Promise.resolve("terminated");
        },
      });
      assert.deepEqual(outcomes.map((o) => o.outcome), ["reused"]);
      assert.equal(signalled, false);
      assert.ok(pids.every(alive), "not touched");
      assert.deepEqual(await recs.list(), [], "the stale record is deleted");
    } finally {
      Deno.kill(-child.pid, "SIGKILL");
      await child.status;
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "recordedGroupState(): with its leader gone, the members left are still the agent's group",
  ignore: !HAS_PROC,
  async fn() {
    // The leader prints its PID and start time and exits; its `sleep` stays in the group.
    // (`output()` would ignore `detached`; `spawn()` honours it.)
    const out = await new Deno.Command("sh", {
      args: ["-c", "sleep 60 >/dev/null 2>&1 & echo $$ $(cut -d' ' -f22 /proc/$$/stat)"],
      stdin: "null",
      stdout: "piped",
      stderr: "null",
      detached: true,
    }).spawn().output();
    const [pgid, startTime] = new TextDecoder().decode(out.stdout).trim().split(" ").map(Number);
    try {
      assert.equal(await table.process(pgid!), null, "the leader is gone");
      assert.equal((await table.group(pgid!)).length, 1, "its sleep is left");
      const record = {
        pgid: pgid!,
        startTime: startTime!,
        bootId: await table.bootId(),
        pgPid: 1,
        startedAt: "",
        command: [],
      };
      assert.equal(await recordedGroupState(record, table), "running");
      // A record of a leader that started after the members: not this group.
      assert.equal(
        await recordedGroupState({ ...record, startTime: startTime! + 10_000_000 }, table),
        "reused",
      );
      assert.equal(await recordedGroupState({ ...record, bootId: "another boot" }, table), "gone");
    } finally {
      Deno.kill(-pgid!, "SIGKILL");
    }
  },
});

Deno.test("recordedGroupState(): without start times nothing is verifiable; a missing group is gone", async () => {
  const record = { pgid: 4242, startTime: 7, bootId: null, pgPid: 1, startedAt: "", command: [] };
  const noProc: ProcessTable = {
    available: () => Promise.resolve(false),
    process: () => Promise.resolve(null),
    group: () => Promise.resolve([]),
    bootId: () => Promise.resolve(null),
  };
  assert.equal(await recordedGroupState(record, noProc), "unverifiable");
  assert.equal(await recordedGroupState({ ...record, startTime: null }, table), "unverifiable");
  const empty: ProcessTable = { ...noProc, available: () => Promise.resolve(true) };
  assert.equal(await recordedGroupState(record, empty), "gone");
});

Deno.test("AgentRecords.list() skips files that are not records; parseAgentRecord() checks the fields", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/.phase-golem/agents`, { recursive: true });
    const write = (name: string, text: string) =>
      Deno.writeTextFile(`${dir}/.phase-golem/agents/${name}`, text);
    await write("10.json", JSON.stringify({ pgid: 10, start_time: 5, boot_id: null, pg_pid: 2 }));
    await write("11.json", JSON.stringify({ pgid: 12, start_time: 5, boot_id: null }));
    await write("13.json", "not json");
    await write("14.json", JSON.stringify({ pgid: 14, start_time: "5", boot_id: null }));
    await write("notes.txt", "hello");
    const list = await records(dir).list();
    assert.deepEqual(list.map((r) => [r.pgid, r.startTime, r.pgPid]), [[10, 5, 2]]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
