import assert from "node:assert/strict";
import { MemoryFileSystem } from "../../io/fs.ts";
import { SILENT_LOGGER } from "../../io/logger.ts";
import { testConfig } from "../../_testing/scheduler_fixtures.ts";
import type { ExecutorStore } from "../execution/executor.ts";
import { ScriptedAgentRunner } from "../execution/agents/scripted_agent_runner.ts";
import { executorContext, type ExecutorContextOptions } from "./executor_context.ts";
import { RecordingObserver, type RunObserver } from "./run_events.ts";
import { executeTriage } from "../execution/triage_task.ts";
import { item } from "../../_testing/test_repo.ts";

function options(observer: RunObserver, extra: Partial<ExecutorContextOptions> = {}) {
  const config = testConfig();
  config.execution.max_retries = 3;
  config.execution.phase_timeout_minutes = 2;
  return {
    store: {} as ExecutorStore,
    runner: new ScriptedAgentRunner(),
    config,
    configBase: "/p",
    root: "/p",
    fs: new MemoryFileSystem(),
    log: SILENT_LOGGER,
    observer,
    signal: new AbortController().signal,
    now: () => "2026-01-01T00:00:00Z",
    ...extra,
  };
}

Deno.test("executorContext() takes retries and the phase timeout from the config", () => {
  const exec = executorContext(options(new RecordingObserver()));
  assert.equal(exec.maxRetries, 3);
  assert.equal(exec.timeoutMs, 120_000);
  assert.equal(exec.root, "/p");
  assert.equal(exec.now(), "2026-01-01T00:00:00Z");
  assert.ok(exec.elapsedMs() >= 0);
});

Deno.test("executorContext() gives executeTriage the config's triage guides, under the config base", async () => {
  const runner = new ScriptedAgentRunner([
    { result: { itemId: "WRK-001", phase: "triage", result: "phase_complete" } },
  ]);
  const o = options(new RecordingObserver(), { runner, configBase: "/p/conf" });
  o.config.triage.workflows = ["guides/triage.md"];
  const exec = executorContext(o);
  assert.deepEqual(exec.triageWorkflows, ["guides/triage.md"]);
  const result = await executeTriage({
    itemId: "WRK-001",
    item: item("WRK-001", "New"),
    backlog: [],
    pipelines: ["feature"],
  }, exec);
  assert.equal(result.kind, "Success");
  assert.match(
    runner.requests[0]!.prompt,
    /^Read and follow the triage guide at `\/p\/conf\/guides\/triage\.md`\./m,
  );
});

Deno.test("executorContext() reports each attempt as phase_started, titled when it can", () => {
  const observer = new RecordingObserver();
  const titles = new Map([["WRK-001", "Add the parser"]]);
  const exec = executorContext(options(observer, { title: (id) => titles.get(id) }));
  exec.onAttempt!("WRK-001", "build", 1, 2);
  exec.onAttempt!("WRK-002", "triage", 2, 2);
  assert.deepEqual(observer.of("phase_started"), [
    {
      type: "phase_started",
      "item_id": "WRK-001",
      title: "Add the parser",
      phase: "build",
      attempt: 1,
      "max_attempts": 2,
    },
    {
      type: "phase_started",
      "item_id": "WRK-002",
      title: "WRK-002",
      phase: "triage",
      attempt: 2,
      "max_attempts": 2,
    },
  ]);
});

Deno.test("executorContext() passes agent output on only to an observer that takes it", () => {
  assert.equal(executorContext(options(new RecordingObserver())).onOutput, undefined);
  const seen: string[] = [];
  const exec = executorContext(options({
    event() {},
    agentOutput: (id, chunk, stream) => seen.push(`${id} ${stream} ${chunk.length}`),
  }));
  exec.onOutput!("WRK-001", new Uint8Array(3), "stderr");
  assert.deepEqual(seen, ["WRK-001 stderr 3"]);
});
