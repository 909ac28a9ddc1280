// No orphaned agents (issue 10 §4), with real processes: pg records each
// agent's process group in .phase-golem/agents/; after pg is SIGKILLed the
// next run stops the agent and its child before its first phase, and
// never signals a recorded PGID that now belongs to another process. A
// third Ctrl-C stops the agents and exits at once.

import assert from "node:assert/strict";
import { e2eItem, e2eProject, processesWithMarker, untimed, waitFor } from "./_pg_e2e.ts";

function alive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

function startTime(pid: number): number {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]);
}

/** Reads a stream as it comes; `text()` is what arrived so far. */
function collect(stream: ReadableStream<Uint8Array>): { text(): string; done: Promise<void> } {
  let text = "";
  const done = (async () => {
    const dec = new TextDecoder();
    for await (const chunk of stream) text += dec.decode(chunk, { stream: true });
  })();
  return { text: () => text, done };
}

const HAS_PROC = (await Deno.stat("/proc/self/stat").catch(() => null)) !== null;

Deno.test({
  name: "e2e: after pg is SIGKILLed, the next run stops its agent and the agent's child first",
  ignore: !HAS_PROC,
  async fn() {
    const p = await e2eProject([e2eItem("WRK-001", "InProgress", { phase: "prd", pool: "main" })]);
    // Another process, in a group of its own, whose PID a stale record names.
    const bystander = new Deno.Command("sleep", {
      args: ["60"],
      stdin: "null",
      stdout: "null",
      stderr: "null",
      detached: true,
    }).spawn();
    try {
      await p.scenarios({
        "WRK-001/prd/1": { grandchild: "term", sleep: "forever" },
        "WRK-001/prd/2": { result: { result: "blocked", summary: "stop here" } },
      });
      const killed = p.spawnPg(["run"]);
      const killedErr = collect(killed.stderr);
      await waitFor(async () => (await p.calls()).some((c) => c.grandchild !== null), 20_000);
      const agent = (await p.calls())[0]!;
      const recordPath = `${p.dir}/.phase-golem/agents/${agent.pid}.json`;
      await waitFor(async () => (await Deno.stat(recordPath).catch(() => null)) !== null);
      const record = JSON.parse(await Deno.readTextFile(recordPath));
      assert.equal(record.pgid, agent.pid);
      assert.equal(record.start_time, startTime(agent.pid));
      assert.equal(record.pg_pid, killed.pid);
      assert.deepEqual(record.command.slice(0, 5), [
        "claude",
        "--dangerously-skip-permissions",
        "--output-format",
        "json",
        "-p",
      ]);
      assert.match(record.command[5], /… \(\d+ bytes\)$/, "the prompt is shortened");

      killed.kill("SIGKILL");
      await killed.status;
      await killed.stdout.cancel();
      await killedErr.done;
      assert.ok(alive(agent.pid) && alive(agent.grandchild!), "the agents outlive a killed pg");

      // A record whose PGID is now another process's (its start time differs).
      await Deno.writeTextFile(
        `${p.dir}/.phase-golem/agents/${bystander.pid}.json`,
        JSON.stringify({
          ...record,
          pgid: bystander.pid,
          start_time: startTime(bystander.pid) - 1,
        }),
      );

      const r = await p.pg(["run"]);
      const err = untimed(r.stderr);
      assert.equal(r.code, 1, err); // the item ends blocked: "All targets blocked"
      assert.ok(!alive(agent.pid), "agent stopped");
      assert.ok(!alive(agent.grandchild!), "the agent's child stopped");
      assert.ok(alive(bystander.pid), "the reused PID is not signalled");
      assert.deepEqual(await processesWithMarker(p.marker), []);
      const lines = err.split("\n");
      const stopped = lines.findIndex((l) =>
        l.startsWith(`Warning: stopped agent process group ${agent.pid} (claude `) &&
        l.endsWith(", left running by a killed run: SIGTERM")
      );
      const firstPhase = lines.findIndex((l) => l.includes("Starting phase"));
      assert.ok(stopped >= 0, err);
      assert.ok(stopped < firstPhase, "stopped before the first phase");
      assert.ok(lines.includes(
        `Not signalling process group ${bystander.pid}: process ${bystander.pid} is not the ` +
          "recorded agent (it started at another time; the PID was reused)",
      ));
      assert.deepEqual([...Deno.readDirSync(`${p.dir}/.phase-golem/agents`)], [], "records gone");
      assert.equal((await p.calls()).length, 2, "prd resumed once");
    } finally {
      try {
        Deno.kill(bystander.pid, "SIGKILL");
      } catch { /* gone */ }
      await bystander.status;
      for (const pid of await processesWithMarker(p.marker)) {
        try {
          Deno.kill(pid, "SIGKILL");
        } catch { /* gone */ }
      }
      await p.cleanup();
    }
  },
});

Deno.test({
  name: "e2e: a third Ctrl-C stops the agents at once and exits 130",
  ignore: !HAS_PROC,
  async fn() {
    const p = await e2eProject([e2eItem("WRK-001", "InProgress", { phase: "prd", pool: "main" })]);
    try {
      // The agent and its child ignore SIGTERM: a graceful stop waits 5 s for them.
      await p.scenarios({ "*/*/*": { grandchild: true, ignore_term: true, sleep: "forever" } });
      const child = p.spawnPg(["run"]);
      const err = collect(child.stderr);
      await waitFor(async () => (await p.calls()).some((c) => c.grandchild !== null), 20_000);
      const agent = (await p.calls())[0]!;
      const t0 = performance.now();
      const seen = (s: string) => () => Promise.resolve(untimed(err.text()).includes(s));
      child.kill("SIGINT");
      await waitFor(seen("Received SIGINT; shutting down gracefully"));
      child.kill("SIGINT");
      await waitFor(seen("Received SIGINT again; one more stops the agents at once"));
      child.kill("SIGINT");
      const status = await child.status;
      const secs = (performance.now() - t0) / 1000;
      await child.stdout.cancel();
      await err.done;
      assert.equal(status.code, 130, err.text());
      assert.ok(secs < 4, `took ${secs}s; the 5 s grace period was not waited for`);
      assert.match(
        untimed(err.text()),
        /Received SIGINT a third time; stopping the agents and exiting\n/,
      );
      assert.ok(!alive(agent.pid) && !alive(agent.grandchild!), "agents stopped");
      assert.deepEqual(await processesWithMarker(p.marker), []);
      assert.deepEqual([...Deno.readDirSync(`${p.dir}/.phase-golem/agents`)], []);
    } finally {
      for (const pid of await processesWithMarker(p.marker)) {
        try {
          Deno.kill(pid, "SIGKILL");
        } catch { /* gone */ }
      }
      await p.cleanup();
    }
  },
});
