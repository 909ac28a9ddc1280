import assert from "node:assert/strict";
import { BufferIo } from "../_io.ts";
import { outputMode, RunOutput } from "./_run_output.ts";

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

function output(mode: "live" | "plain" | "json", level: "info" | "warn" = "info") {
  const io = new BufferIo();
  let now = T0;
  const out = new RunOutput({ io, mode, level, now: () => now, columns: () => 60, tickMs: 0 });
  return { io, out, advance: (ms: number) => (now += ms) };
}

const START = {
  type: "phase_started" as const,
  "item_id": "WRK-001",
  title: "Add a parser for the config files",
  phase: "build",
  attempt: 1,
  "max_attempts": 3,
};

Deno.test("outputMode(): json, live on a colour terminal, plain otherwise", () => {
  assert.equal(outputMode(new BufferIo({ terminal: true }), true), "json");
  assert.equal(outputMode(new BufferIo({ terminal: true }), false), "live");
  assert.equal(
    outputMode(new BufferIo({ terminal: true, env: { NO_COLOR: "1" } }), false),
    "plain",
  );
  assert.equal(outputMode(new BufferIo({ terminal: true, env: { TERM: "dumb" } }), false), "plain");
  assert.equal(outputMode(new BufferIo({ terminal: false }), false), "plain");
});

Deno.test("RunOutput plain: timestamped lines on stderr, levels filtered", () => {
  const { io, out } = output("plain", "warn");
  out.info("hidden");
  out.warn("Warning: careful");
  out.error("boom\nsecond line");
  out.print("--- Run Summary ---");
  assert.equal(
    io.stderr,
    "2026-01-01T12:00:00.000Z Warning: careful\n2026-01-01T12:00:00.000Z boom\n" +
      "2026-01-01T12:00:00.000Z second line\n2026-01-01T12:00:00.000Z --- Run Summary ---\n",
  );
  assert.equal(io.stdout, "");
});

Deno.test("RunOutput json: one event per line on stdout with a time", () => {
  const { io, out } = output("json");
  out.event(START);
  out.event({ type: "item_blocked", "item_id": "WRK-001", reason: "why" });
  const lines = io.stdout.trim().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(lines[1], {
    type: "item_blocked",
    "item_id": "WRK-001",
    reason: "why",
    time: "2026-01-01T12:00:00.000Z",
  });
  assert.equal(lines[0].attempt, 1);
});

Deno.test("RunOutput live: a status block per running item, redrawn below scrolling lines", () => {
  const { io, out, advance } = output("live");
  out.event(START);
  assert.equal(
    io.stderr,
    "\x1b[36m▶ WRK-001  Add a parser for the…  build  00:00  attempt 1/3\x1b[0m\n",
  );
  assert.deepEqual(out.blockLines(60), [
    "▶ WRK-001  Add a parser for the…  build  00:00  attempt 1/3",
  ]);
  io.stderr = "";
  advance(83_000);
  out.info("[WRK-001][BUILD] Starting phase (attempt 2/3)");
  // Clear the block (one line up, erase), print the line, draw the block again.
  assert.equal(
    io.stderr,
    "\x1b[1F\x1b[J[WRK-001][BUILD] Starting phase (attempt 2/3)\n" +
      "\x1b[36m▶ WRK-001  Add a parser for the…  build  01:23  attempt 1/3\x1b[0m\n",
  );
  io.stderr = "";
  out.event({ ...START, "item_id": "WRK-002", title: "Docs", phase: "prd" });
  assert.equal(out.blockLines(60).length, 2);
  io.stderr = "";
  out.event({
    type: "phase_finished",
    "item_id": "WRK-001",
    phase: "build",
    outcome: "complete",
    "duration_ms": 1,
    attempts: 1,
    summary: "done",
  });
  assert.ok(io.stderr.startsWith("\x1b[2F\x1b[J"));
  assert.equal(out.blockLines(60).length, 1);
  out.close();
  assert.ok(io.stderr.endsWith("\x1b[1F\x1b[J"), "close removes the block");
});

Deno.test("RunOutput passes agent output through line by line, prefixed, cutting long lines", () => {
  const { io, out } = output("plain");
  const enc = new TextEncoder();
  out.agentOutput("WRK-001", enc.encode("hello wo"), "stdout");
  assert.equal(io.stderr, "", "partial lines wait");
  out.agentOutput("WRK-001", enc.encode("rld\r\nsecond\n"), "stdout");
  out.agentOutput("WRK-002", enc.encode("x".repeat(5000)), "stderr");
  const euro = enc.encode("€");
  out.agentOutput("WRK-001", euro.slice(0, 1), "stdout");
  out.agentOutput("WRK-001", euro.slice(1), "stdout");
  out.event({
    type: "phase_finished",
    "item_id": "WRK-001",
    phase: "build",
    outcome: "complete",
    "duration_ms": 1,
    attempts: 1,
    summary: "done",
  });
  const lines = io.stderr.split("\n").filter((l) => l !== "").map((l) => l.slice(25));
  assert.deepEqual(lines, [
    "[WRK-001] hello world",
    "[WRK-001] second",
    `[WRK-002] ${"x".repeat(4096)}`,
    "[WRK-001] €",
  ]);
  out.close();
  assert.ok(io.stderr.endsWith(`[WRK-002] ${"x".repeat(904)}\n`), "close flushes the rest");
});
