import assert from "node:assert/strict";
import { FixedClock } from "../../io/clock.ts";
import { MemoryFileSystem } from "../../io/fs.ts";
import {
  parseRunState,
  RUN_STATE_RECENT,
  type RunState,
  RunStateRecorder,
  withRunState,
} from "./run_state.ts";
import type { RunEvent } from "./run_events.ts";
import type { RunSink } from "./run_session.ts";

const PATH = "/repo/.phase-golem/run_state.json";

async function setup(fs = new MemoryFileSystem()) {
  await fs.mkdirp("/repo/.phase-golem");
  const warnings: string[] = [];
  const recorder = new RunStateRecorder({
    fs,
    root: "/repo",
    pid: 4242,
    kind: "run",
    clock: new FixedClock({ secs: 1767225600, nanos: 0 }, 1_000_000_000),
    warn: (m) => warnings.push(m),
  });
  const read = async (): Promise<RunState> => {
    const bytes = await fs.readFile(PATH);
    return parseRunState(new TextDecoder().decode(bytes!))!;
  };
  return { fs, recorder, read, warnings };
}

function started(id: string, phase: string, attempt = 1): RunEvent {
  return {
    type: "phase_started",
    "item_id": id,
    title: `Title of ${id}`,
    phase,
    attempt,
    "max_attempts": 3,
  };
}

function finished(id: string, phase: string, extra: Partial<RunEvent> = {}): RunEvent {
  return {
    type: "phase_finished",
    "item_id": id,
    phase,
    outcome: "complete",
    "duration_ms": 1500,
    attempts: 1,
    summary: `${phase} done`,
    ...extra,
  } as RunEvent;
}

Deno.test("RunStateRecorder writes nothing until the run starts, then the empty state", async () => {
  const s = await setup();
  await s.recorder.finish("RunError");
  assert.equal(await s.fs.readFile(PATH), null, "a run that never started leaves no file");
  s.recorder.start();
  await s.recorder.flush();
  const state = await s.read();
  assert.equal(state.pid, 4242);
  assert.equal(state.kind, "run");
  assert.equal(state.started_at, "2026-01-01T00:00:00Z");
  assert.equal(state.finished_at, null);
  assert.deepEqual(state.running, []);
  assert.deepEqual(state.totals, { runs: 0, "duration_ms": 0, "cost_usd": null, tokens: null });
});

Deno.test("RunStateRecorder shows a running phase with its attempt, then its result and totals", async () => {
  const s = await setup();
  s.recorder.event(started("WRK-1", "prd"));
  await s.recorder.flush();
  let state = await s.read();
  assert.equal(state.running.length, 1);
  assert.equal(state.running[0]!.title, "Title of WRK-1");
  assert.equal(state.running[0]!.attempt, 1);
  assert.equal(state.running[0]!.cost_usd, null);
  const firstStart = state.running[0]!.started_at;

  s.recorder.event(started("WRK-1", "prd", 2));
  await s.recorder.flush();
  state = await s.read();
  assert.equal(state.running.length, 1, "a retry updates the running phase");
  assert.equal(state.running[0]!.attempt, 2);
  assert.equal(state.running[0]!.started_at, firstStart);
  assert.notEqual(state.running[0]!.attempt_started_at, firstStart);

  s.recorder.event(
    finished("WRK-1", "prd", { "cost_usd": 0.25, "input_tokens": 100, "output_tokens": 20 }),
  );
  s.recorder.event(started("WRK-1", "build"));
  s.recorder.event(started("WRK-2", "triage"));
  s.recorder.event(finished("WRK-2", "triage", { outcome: "failed", summary: "no result" }));
  s.recorder.event({ type: "item_blocked", "item_id": "WRK-2", reason: "r" });
  s.recorder.event({ type: "commit", sha: "abc", subject: "[WRK-1][prd] Done", kind: "phase" });
  await s.recorder.flush();
  state = await s.read();
  assert.deepEqual(state.running.map((r) => [r.item_id, r.phase, r.cost_usd]), [
    ["WRK-1", "build", 0.25],
  ]);
  assert.deepEqual(state.recent.map((r) => [r.item_id, r.phase, r.outcome, r.title]), [
    ["WRK-2", "triage", "failed", "Title of WRK-2"],
    ["WRK-1", "prd", "complete", "Title of WRK-1"],
  ]);
  assert.equal(state.recent[1]!.tokens, 120);
  assert.deepEqual(state.totals, { runs: 2, "duration_ms": 3000, "cost_usd": 0.25, tokens: 120 });
  assert.deepEqual(state.by_item["WRK-1"], {
    runs: 1,
    "duration_ms": 1500,
    "cost_usd": 0.25,
    tokens: 120,
  });
  assert.deepEqual(Object.keys(state.by_phase).sort(), ["prd", "triage"]);
  assert.deepEqual(state.items_blocked, ["WRK-2"]);
  assert.equal(state.commits, 1);
  assert.equal(state.last_commit, "[WRK-1][prd] Done");

  await s.recorder.finish("AllDoneOrBlocked");
  state = await s.read();
  assert.equal(state.halt_reason, "AllDoneOrBlocked");
  assert.notEqual(state.finished_at, null);
  assert.deepEqual(state.running, []);
});

Deno.test("RunStateRecorder keeps the latest results only, and cuts long summaries", async () => {
  const s = await setup();
  for (let i = 0; i < RUN_STATE_RECENT + 5; i++) {
    s.recorder.event(finished(`WRK-${i}`, "build", { summary: "x".repeat(2000) }));
  }
  await s.recorder.flush();
  const state = await s.read();
  assert.equal(state.recent.length, RUN_STATE_RECENT);
  assert.equal(state.recent[0]!.item_id, `WRK-${RUN_STATE_RECENT + 4}`);
  assert.equal([...state.recent[0]!.summary].length, 500);
  assert.ok(state.recent[0]!.summary.endsWith("…"));
  assert.equal(state.totals.runs, RUN_STATE_RECENT + 5);
});

Deno.test("RunStateRecorder never overlaps writes, and the last write has every event", async () => {
  let inFlight = 0;
  let most = 0;
  let writes = 0;
  class SlowFs extends MemoryFileSystem {
    override async writeFileAtomic(path: string, data: Uint8Array): Promise<void> {
      inFlight++;
      most = Math.max(most, inFlight);
      writes++;
      await new Promise((r) => setTimeout(r, 5));
      await super.writeFileAtomic(path, data);
      inFlight--;
    }
  }
  const s = await setup(new SlowFs());
  for (let i = 0; i < 10; i++) s.recorder.event(started(`WRK-${i}`, "build"));
  await s.recorder.flush();
  assert.equal(most, 1);
  assert.ok(writes <= 3, `events are coalesced (${writes} writes)`);
  assert.equal((await s.read()).running.length, 10);
});

Deno.test("RunStateRecorder warns once when the file cannot be written, and goes on", async () => {
  const fs = new MemoryFileSystem();
  const s = await setup(fs);
  fs.failNext("rename");
  s.recorder.event(started("WRK-1", "build"));
  await s.recorder.flush();
  fs.failNext("rename");
  s.recorder.event(finished("WRK-1", "build"));
  await s.recorder.flush();
  assert.equal(s.warnings.length, 1);
  assert.match(s.warnings[0]!, /^Warning: could not write \.phase-golem\/run_state\.json: /);
  assert.equal(await fs.readFile(PATH), null);
  s.recorder.event(started("WRK-2", "build"));
  await s.recorder.flush();
  assert.equal((await s.read()).recent.length, 1, "the next write has everything");
});

Deno.test("withRunState() passes lines, events and agent output on, and events to the recorder", async () => {
  const s = await setup();
  const seen: string[] = [];
  const sink: RunSink = {
    error: (m) => seen.push(`error ${m}`),
    warn: (m) => seen.push(`warn ${m}`),
    info: (m) => seen.push(`info ${m}`),
    debug: (m) => seen.push(`debug ${m}`),
    event: (e) => seen.push(`event ${e.type}`),
    agentOutput: (id, _chunk, stream) => seen.push(`output ${id} ${stream}`),
  };
  const tee = withRunState(sink, s.recorder);
  tee.info("i");
  tee.warn("w");
  tee.error("e");
  tee.debug("d");
  tee.event(started("WRK-1", "build"));
  tee.agentOutput!("WRK-1", new Uint8Array(), "stdout");
  await s.recorder.flush();
  assert.deepEqual(seen, [
    "info i",
    "warn w",
    "error e",
    "debug d",
    "event phase_started",
    "output WRK-1 stdout",
  ]);
  assert.equal((await s.read()).running.length, 1);
  const plain = withRunState({ ...sink, agentOutput: undefined } as unknown as RunSink, s.recorder);
  assert.equal(plain.agentOutput, undefined);
});

Deno.test("parseRunState() refuses text that is not a state of this version", () => {
  assert.equal(parseRunState("not json"), null);
  assert.equal(parseRunState("[]"), null);
  assert.equal(parseRunState('{"version":2}'), null);
  assert.equal(parseRunState('{"version":1,"pid":"x"}'), null);
});
