// deno-lint-ignore-file no-console
/**
 * Spawn overhead of one agent run through the runner (pg.md §8.7–§8.8), for
 * the per-phase overhead target: a no-op agent (a sh script that
 * writes a valid result and exits) started directly with `Deno.Command`
 * (baseline) and through `CliAgentRunner.run()` (result-path check,
 * stale-file delete, own process group, streamed output, group check after
 * exit, result read, parse and delete). Prints the median of N runs each.
 *
 * Usage: `deno run -A tests/agent_spawn_bench.ts [--runs N]`
 *
 * @module
 */

import { createAgentRunner } from "../lib/orchestrator/execution/agents/create_agent_runner.ts";
import { safeResultPath } from "../lib/orchestrator/execution/agents/result_file.ts";
import { makeFakeAgentEnv } from "./_fake_agents.ts";

const RUNS = Number(Deno.args[Deno.args.indexOf("--runs") + 1] || 200) || 200;

const env = await makeFakeAgentEnv();
const resultPath = safeResultPath(env.root, "WRK-001", "prd");
// About the size of a real phase prompt.
const prompt = "# Autonomous Agent\n\n" + "Context line of the prompt.\n".repeat(250);
const runner = createAgentRunner(
  { cli: "command", command: ["noop", "{result_path}", "{prompt}"] },
  { env: env.env, root: env.root },
);

async function plain(): Promise<void> {
  const out = await new Deno.Command("noop", {
    args: [resultPath, prompt],
    cwd: env.root,
    env: env.env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error("noop failed");
  await Deno.remove(resultPath);
}

async function throughRunner(): Promise<void> {
  let bytes = 0;
  const outcome = await runner.run({
    prompt,
    resultPath,
    cwd: env.root,
    timeoutMs: 30_000,
    onOutput: (c) => bytes += c.length,
  });
  if (outcome.result.result !== "phase_complete") throw new Error("bad result");
}

async function median(fn: () => Promise<void>): Promise<{ median: number; p90: number }> {
  for (let i = 0; i < 10; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { median: times[RUNS >> 1]!, p90: times[Math.floor(RUNS * 0.9)]! };
}

try {
  const base = await median(plain);
  const run = await median(throughRunner);
  const f = (n: number) => n.toFixed(2).padStart(6);
  console.log(`agent spawn, ${RUNS} runs each          median     p90  (ms)`);
  console.log(`no-op agent, plain Deno.Command        ${f(base.median)}  ${f(base.p90)}`);
  console.log(`no-op agent through the runner          ${f(run.median)}  ${f(run.p90)}`);
  console.log(`runner overhead (median difference)     ${f(run.median - base.median)}`);
} finally {
  await env.cleanup();
}
