/**
 * Streams the fake agent's 100 MiB of stdout through a `CliAgentRunner` and
 * prints, as one JSON line, what the bounded-memory test checks: the
 * outcome, the bytes and chunks seen, and how much this process's RSS grew.
 * It runs as a process of its own because `deno test --parallel` runs other
 * test modules in the test process, whose memory would count too.
 *
 * Usage: `deno run -A tests/_stream_memory_probe.ts`
 *
 * @module
 */

import { createAgentRunner } from "../lib/orchestrator/execution/agents/create_agent_runner.ts";
import { ProcessGroups } from "../lib/orchestrator/execution/agents/process_group.ts";
import { safeResultPath } from "../lib/orchestrator/execution/agents/result_file.ts";
import { fakePrompt, makeFakeAgentEnv } from "./_fake_agents.ts";

const env = await makeFakeAgentEnv();
try {
  const resultPath = safeResultPath(env.root, "WRK-001", "prd");
  const runner = createAgentRunner({ cli: "claude" }, {
    env: env.env,
    groups: new ProcessGroups({ graceMs: 400 }),
    root: env.root,
  });
  const before = Deno.memoryUsage().rss;
  let peak = before;
  let bytes = 0;
  let chunks = 0;
  const outcome = await runner.run({
    prompt: fakePrompt({ mode: "print_100mb", resultPath }),
    resultPath,
    cwd: env.root,
    timeoutMs: 60_000,
    onOutput: (chunk, stream) => {
      if (stream !== "stdout") return;
      bytes += chunk.length;
      if (++chunks % 64 === 0) peak = Math.max(peak, Deno.memoryUsage().rss);
    },
  });
  const report = {
    result: outcome.result.result,
    bytes,
    chunks,
    growthMiB: (peak - before) / 1024 / 1024,
  };
  Deno.stdout.writeSync(new TextEncoder().encode(JSON.stringify(report) + "\n"));
} finally {
  await env.cleanup();
}
