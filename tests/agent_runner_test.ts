// The agent runners against real processes: fake CLIs (tests/fixtures/agents)
// run through wrapper scripts first on the agent's PATH. pg.md §8.7–§8.11 and
// the "Agent" scenarios of §10.1.

import assert from "node:assert/strict";
import {
  AgentError,
  type AgentRunOutcome,
} from "../lib/orchestrator/execution/agents/agent_runner.ts";
import { AgentUnavailableError } from "../lib/orchestrator/execution/agents/agent_runner.ts";
import { commandCli } from "../lib/orchestrator/execution/agents/agent_clis.ts";
import {
  type AgentRunnerOptions,
  CliAgentRunner,
} from "../lib/orchestrator/execution/agents/cli_agent_runner.ts";
import { createAgentRunner } from "../lib/orchestrator/execution/agents/create_agent_runner.ts";
import { ProcessGroups } from "../lib/orchestrator/execution/agents/process_group.ts";
import {
  safeResultPath,
  UnsafeNameError,
} from "../lib/orchestrator/execution/agents/result_file.ts";
import type { AgentConfig } from "../lib/orchestrator/config/config.ts";
import {
  type FakeAgentEnv,
  fakePrompt,
  isAlive,
  liveGroupMembers,
  makeFakeAgentEnv,
  waitForJson,
} from "./_fake_agents.ts";

/** Grace period between SIGTERM and SIGKILL in these tests. */
const GRACE_MS = 400;

interface Setup {
  env: FakeAgentEnv;
  resultPath: string;
  record: string;
  runner(agent?: AgentConfig, options?: AgentRunnerOptions): CliAgentRunner;
}

function agentTest(name: string, fn: (s: Setup) => Promise<void>): void {
  Deno.test(name, async () => {
    const env = await makeFakeAgentEnv();
    try {
      await fn({
        env,
        resultPath: safeResultPath(env.root, "WRK-001", "prd"),
        record: `${env.root}/record.json`,
        runner: (agent = { cli: "claude" }, options = {}) =>
          createAgentRunner(agent, {
            env: env.env,
            groups: new ProcessGroups({ graceMs: GRACE_MS }),
            root: env.root,
            ...options,
          }),
      });
    } finally {
      await env.cleanup();
    }
  });
}

async function agentError(p: Promise<unknown>): Promise<AgentError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof AgentError, `expected an AgentError, got ${e}`);
    return e;
  }
  assert.fail("expected the run to fail");
}

async function exists(path: string): Promise<boolean> {
  return (await Deno.lstat(path).catch(() => null)) !== null;
}

// ---------------------------------------------------------------------------
// Results

agentTest("run() returns a valid result and deletes the result file", async (s) => {
  const outcome = await s.runner().run({
    prompt: fakePrompt({ mode: "succeed", resultPath: s.resultPath, record: s.record }),
    resultPath: s.resultPath,
    cwd: s.env.root,
    timeoutMs: 20_000,
  });
  assert.deepEqual(outcome.result, {
    itemId: "WRK-001",
    phase: "prd",
    result: "phase_complete",
    summary: "Fake succeed for WRK-001/prd",
    followUps: [],
    duplicates: [],
  });
  assert.equal(outcome.exitCode, 0);
  assert.equal(outcome.signal, null);
  assert.deepEqual(outcome.warnings, []);
  assert.equal(outcome.usage, undefined);
  assert.ok(outcome.durationMs > 0);
  assert.equal(await exists(s.resultPath), false);
});

agentTest(
  "run() passes the prompt as one argument, cwd = root, stdin null, environment inherited",
  async (s) => {
    const hostile = [
      "-rf starts like an option",
      "mode: succeed",
      `record: ${s.record}`,
      "quotes ' \" and `backticks` and $(touch pwned-subst) and ${HOME}",
      "; touch pwned-semicolon && echo | cat > pwned-pipe",
      "line with trailing backslash \\",
      "",
      "When you are finished, write a JSON result file to:",
      "```",
      s.resultPath,
      "```",
    ].join("\n");
    const outcome = await s.runner(undefined, {
      env: { ...s.env.env, FAKE_AGENT_MARKER: "from-options" },
    }).run({ prompt: hostile, resultPath: s.resultPath, cwd: s.env.root, timeoutMs: 20_000 });
    assert.equal(outcome.exitCode, 0);
    const rec = await waitForJson(s.record);
    assert.deepEqual(rec.argv, [
      "--dangerously-skip-permissions",
      "--output-format",
      "json",
      "-p",
      "--",
      hostile,
    ]);
    assert.equal(rec.prompt, hostile);
    assert.equal(rec.cwd, s.env.root);
    assert.notEqual(Deno.cwd(), s.env.root);
    assert.equal(rec.stdin, "eof");
    assert.equal(rec.marker, "from-options");
    for (const name of ["pwned-subst", "pwned-semicolon", "pwned-pipe"]) {
      assert.equal(await exists(`${s.env.root}/${name}`), false, name);
    }
  },
);

agentTest("run() fails with no_result when the agent exits 1 without a file", async (s) => {
  const e = await agentError(
    s.runner().run({
      prompt: fakePrompt({ mode: "fail", resultPath: s.resultPath }),
      resultPath: s.resultPath,
      cwd: s.env.root,
      timeoutMs: 20_000,
    }),
  );
  assert.equal(e.kind, "no_result");
  assert.equal(e.message, `Agent failed (exit code 1): Result file not found: ${s.resultPath}`);
});

agentTest("run() fails with no_result when the agent exits 0 without a file", async (s) => {
  const e = await agentError(
    s.runner().run({
      prompt: fakePrompt({ mode: "no_file", resultPath: s.resultPath }),
      resultPath: s.resultPath,
      cwd: s.env.root,
      timeoutMs: 20_000,
    }),
  );
  assert.equal(e.message, `Agent failed (zero exit): Result file not found: ${s.resultPath}`);
});

agentTest("run() reports invalid JSON and leaves the bad file for the cleanup", async (s) => {
  const e = await agentError(
    s.runner().run({
      prompt: fakePrompt({ mode: "bad_json", resultPath: s.resultPath }),
      resultPath: s.resultPath,
      cwd: s.env.root,
      timeoutMs: 20_000,
    }),
  );
  assert.equal(e.kind, "no_result");
  assert.equal(
    e.message,
    `Agent failed (zero exit): Failed to parse result JSON from ${s.resultPath}: Unexpected end of JSON input`,
  );
  assert.equal(await exists(s.resultPath), true);
});

agentTest(
  "run() returns a result for another item or phase as it is (the executor checks identity)",
  async (s) => {
    const runner = s.runner();
    const other = await runner.run({
      prompt: fakePrompt({ mode: "other_item", resultPath: s.resultPath }),
      resultPath: s.resultPath,
      cwd: s.env.root,
      timeoutMs: 20_000,
    });
    assert.equal(other.result.itemId, "WRK-999");
    assert.equal(other.result.phase, "prd");
    const phase = await runner.run({
      prompt: fakePrompt({ mode: "other_phase", resultPath: s.resultPath }),
      resultPath: s.resultPath,
      cwd: s.env.root,
      timeoutMs: 20_000,
    });
    assert.equal(phase.result.itemId, "WRK-001");
    assert.equal(phase.result.phase, "build");
    assert.equal(await exists(s.resultPath), false);
  },
);

agentTest("run() accepts a valid result after a non-zero exit, with a warning", async (s) => {
  const seen: string[] = [];
  const outcome = await s.runner().run({
    prompt: fakePrompt({ mode: "nonzero_valid", resultPath: s.resultPath }),
    resultPath: s.resultPath,
    cwd: s.env.root,
    timeoutMs: 20_000,
    onWarning: (m) => seen.push(m),
  });
  assert.equal(outcome.exitCode, 3);
  assert.equal(outcome.result.result, "phase_complete");
  assert.deepEqual(outcome.warnings, [
    "Agent exited with non-zero status but produced valid result",
  ]);
  assert.deepEqual(seen, outcome.warnings);
});

agentTest("run() deletes a stale result file before spawning, with a warning", async (s) => {
  await Deno.writeTextFile(
    s.resultPath,
    '{"item_id":"WRK-001","phase":"prd","result":"phase_complete","summary":"stale"}',
  );
  const seen: string[] = [];
  const e = await agentError(
    s.runner().run({
      prompt: fakePrompt({ mode: "fail", resultPath: s.resultPath }),
      resultPath: s.resultPath,
      cwd: s.env.root,
      timeoutMs: 20_000,
      onWarning: (m) => seen.push(m),
    }),
  );
  assert.deepEqual(seen, [`Warning: Stale result file found at ${s.resultPath}, deleted`]);
  assert.equal(e.message, `Agent failed (exit code 1): Result file not found: ${s.resultPath}`);

  await Deno.writeTextFile(s.resultPath, "stale");
  const outcome = await s.runner().run({
    prompt: fakePrompt({ mode: "succeed", resultPath: s.resultPath }),
    resultPath: s.resultPath,
    cwd: s.env.root,
    timeoutMs: 20_000,
  });
  assert.deepEqual(outcome.warnings, [
    `Warning: Stale result file found at ${s.resultPath}, deleted`,
  ]);
});

agentTest("run() aborts the attempt when the stale result file cannot be deleted", async (s) => {
  await Deno.mkdir(`${s.resultPath}`);
  await Deno.writeTextFile(`${s.resultPath}/keep`, "x");
  const e = await agentError(
    s.runner().run({
      prompt: fakePrompt({ mode: "succeed", resultPath: s.resultPath, record: s.record }),
      resultPath: s.resultPath,
      cwd: s.env.root,
      timeoutMs: 20_000,
    }),
  );
  assert.equal(e.kind, "spawn");
  assert.match(e.message, /^Failed to delete stale result file .*phase_result_WRK-001_prd\.json: /);
  assert.equal(await exists(s.record), false);
});

// ---------------------------------------------------------------------------
// Timeout, shutdown, process groups

agentTest(
  "timeout: a SIGTERM-ignoring agent and its SIGTERM-ignoring grandchild are SIGKILLed after the grace",
  async (s) => {
    const timeoutMs = 2000;
    const started = performance.now();
    const e = await agentError(
      s.runner().run({
        prompt: fakePrompt({ mode: "ignore_term", resultPath: s.resultPath, record: s.record }),
        resultPath: s.resultPath,
        cwd: s.env.root,
        timeoutMs,
      }),
    );
    const elapsed = performance.now() - started;
    assert.equal(e.kind, "timeout");
    assert.equal(e.message, "Agent timed out after 2 seconds");
    const rec = await waitForJson(s.record);
    const pid = rec.pid as number;
    const grandchild = rec.grandchild as number;
    // SIGTERM did not end it: the run lasted the timeout plus the whole grace.
    assert.ok(elapsed >= timeoutMs + GRACE_MS - 50, `elapsed ${elapsed}`);
    assert.ok(elapsed < timeoutMs + GRACE_MS + 3000, `elapsed ${elapsed}`);
    // Nothing of the group survives (the fake agent's wrapper exec'd deno, so its PID is the PGID).
    assert.equal(await isAlive(pid), false);
    assert.equal(await isAlive(grandchild), false);
    assert.deepEqual(await liveGroupMembers(pid), []);
  },
);

agentTest(
  "timeout: an agent that exits on SIGTERM ends the wait at once (no grace delay) [Fix]",
  async (s) => {
    const runner = s.runner(undefined, { groups: new ProcessGroups() }); // the real 5 s grace
    assert.equal(runner.groups.graceMs, 5000);
    const timeoutMs = 1500;
    const started = performance.now();
    const e = await agentError(runner.run({
      prompt: fakePrompt({ mode: "sleep_forever", resultPath: s.resultPath, record: s.record }),
      resultPath: s.resultPath,
      cwd: s.env.root,
      timeoutMs,
    }));
    const elapsed = performance.now() - started;
    assert.equal(e.message, "Agent timed out after 1.5 seconds");
    assert.ok(elapsed < timeoutMs + 1000, `elapsed ${elapsed}: waited for the grace period`);
    const rec = await waitForJson(s.record);
    assert.equal(await isAlive(rec.pid as number), false);
    assert.deepEqual(runner.groups.pgids(), []);
  },
);

agentTest(
  "abort: the signal stops the agent's group and the attempt fails with Shutdown requested",
  async (s) => {
    const controller = new AbortController();
    const runner = s.runner();
    const run = runner.run({
      prompt: fakePrompt({ mode: "ignore_term", resultPath: s.resultPath, record: s.record }),
      resultPath: s.resultPath,
      cwd: s.env.root,
      timeoutMs: 60_000,
      signal: controller.signal,
    });
    const rec = await waitForJson(s.record);
    assert.deepEqual(runner.groups.pgids(), [rec.pid]);
    assert.equal(await isAlive(rec.grandchild as number), true);
    controller.abort();
    const e = await agentError(run);
    assert.equal(e.kind, "shutdown");
    assert.equal(e.message, "Shutdown requested");
    assert.equal(await isAlive(rec.pid as number), false);
    assert.equal(await isAlive(rec.grandchild as number), false);
    assert.deepEqual(await liveGroupMembers(rec.pid as number), []);
    assert.deepEqual(runner.groups.pgids(), []);
  },
);

agentTest(
  "timeout: the upstream fixture (`sleep 3600 &` + `sleep 3600`) loses its grandchild too",
  async (s) => {
    // The command runner runs sh directly; the prompt becomes $0 of the script.
    const runner = s.runner({
      cli: "command",
      command: ["sh", "-c", "echo $$ > pids; sleep 3600 & echo $! >> pids; sleep 3600", "{prompt}"],
    }, { groups: new ProcessGroups() });
    const started = performance.now();
    const e = await agentError(runner.run({
      prompt: "# p",
      resultPath: s.resultPath,
      cwd: s.env.root,
      timeoutMs: 500,
    }));
    const elapsed = performance.now() - started;
    assert.equal(e.message, "Agent timed out after 0.5 seconds");
    assert.ok(elapsed < 500 + 1500, `elapsed ${elapsed}`);
    const [leader, grandchild] = (await Deno.readTextFile(`${s.env.root}/pids`)).trim().split("\n")
      .map(Number);
    assert.equal(await isAlive(leader!), false);
    assert.equal(await isAlive(grandchild!), false);
    assert.deepEqual(await liveGroupMembers(leader!), []);
  },
);

agentTest(
  "abort: a shutdown requested while the agent runs fails the attempt even if it wrote a result",
  async (s) => {
    const controller = new AbortController();
    const e = await agentError(
      s.runner().run({
        // Writes the result first, then prints: the first output chunk requests the shutdown.
        prompt: fakePrompt({ mode: "succeed_with_usage", resultPath: s.resultPath }),
        resultPath: s.resultPath,
        cwd: s.env.root,
        timeoutMs: 20_000,
        signal: controller.signal,
        onOutput: () => controller.abort(),
      }),
    );
    assert.equal(e.kind, "shutdown");
    assert.equal(e.message, "Shutdown requested");
    // Not read: left for the shutdown cleanup.
    assert.equal(await exists(s.resultPath), true);
  },
);

agentTest("abort: an already aborted signal fails before anything is spawned", async (s) => {
  const controller = new AbortController();
  controller.abort();
  const e = await agentError(
    s.runner().run({
      prompt: fakePrompt({ mode: "succeed", resultPath: s.resultPath, record: s.record }),
      resultPath: s.resultPath,
      cwd: s.env.root,
      timeoutMs: 20_000,
      signal: controller.signal,
    }),
  );
  assert.equal(e.kind, "shutdown");
  assert.equal(await exists(s.record), false);
});

agentTest("killAll() stops every running agent group", async (s) => {
  const runner = s.runner();
  const runs: Promise<AgentRunOutcome>[] = [];
  for (const id of ["WRK-001", "WRK-002"]) {
    const resultPath = safeResultPath(s.env.root, id, "prd");
    runs.push(runner.run({
      prompt: fakePrompt({
        mode: "sleep_forever",
        itemId: id,
        resultPath,
        record: `${s.env.root}/${id}.json`,
      }),
      resultPath,
      cwd: s.env.root,
      timeoutMs: 60_000,
    }));
  }
  const settledRuns = Promise.allSettled(runs);
  const pids = [
    (await waitForJson(`${s.env.root}/WRK-001.json`)).pid as number,
    (await waitForJson(`${s.env.root}/WRK-002.json`)).pid as number,
  ];
  assert.equal(runner.groups.pgids().length, 2);
  assert.equal(await runner.killAll(), 2);
  for (const settled of await settledRuns) {
    assert.equal(settled.status, "rejected");
    const e = (settled as PromiseRejectedResult).reason;
    assert.ok(e instanceof AgentError);
    assert.equal(e.kind, "no_result");
    assert.match(e.message, /^Agent failed \(signal SIGTERM\): Result file not found: /);
  }
  for (const pid of pids) assert.equal(await isAlive(pid), false);
  assert.deepEqual(runner.groups.pgids(), []);
  assert.equal(await runner.killAll(), 0);
});

agentTest("run() stops processes the agent left in its group, with a warning", async (s) => {
  const outcome = await s.runner().run({
    prompt: fakePrompt({ mode: "leave_child", resultPath: s.resultPath, record: s.record }),
    resultPath: s.resultPath,
    cwd: s.env.root,
    timeoutMs: 20_000,
  });
  assert.equal(outcome.result.result, "phase_complete");
  assert.deepEqual(outcome.warnings, [
    "Agent left 1 process(es) running in its process group; terminated them",
  ]);
  const rec = await waitForJson(s.record);
  assert.equal(await isAlive(rec.leftover as number), false);
});

agentTest("run() runs agents concurrently, each with its own group and result file", async (s) => {
  const runner = s.runner();
  const ids = ["WRK-001", "WRK-002", "WRK-003", "WRK-004"];
  const outcomes = await Promise.all(ids.map((id) => {
    const resultPath = safeResultPath(s.env.root, id, "build");
    return runner.run({
      prompt: fakePrompt({ mode: "succeed", itemId: id, phase: "build", resultPath }),
      resultPath,
      cwd: s.env.root,
      timeoutMs: 20_000,
    });
  }));
  assert.deepEqual(outcomes.map((o) => o.result.itemId), ids);
  assert.deepEqual(runner.groups.pgids(), []);
});

// ---------------------------------------------------------------------------
// Output

agentTest("run() streams stdout and stderr to onOutput", async (s) => {
  const out: Record<string, string> = { stdout: "", stderr: "" };
  const dec = new TextDecoder();
  await s.runner().run({
    prompt: fakePrompt({ mode: "chatty", resultPath: s.resultPath }),
    resultPath: s.resultPath,
    cwd: s.env.root,
    timeoutMs: 20_000,
    onOutput: (chunk, stream) => out[stream] += dec.decode(chunk),
  });
  assert.equal(out.stdout, "hello on stdout\n");
  assert.equal(out.stderr, "hello on stderr\n");
});

Deno.test("run() streams 100 MiB of stdout chunk by chunk with bounded memory", async () => {
  // Measured in a process of its own (tests/_stream_memory_probe.ts): `deno test --parallel`
  // runs other test modules in this process, and their memory would count as growth too.
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", "-A", new URL("./_stream_memory_probe.ts", import.meta.url).pathname],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  assert.equal(out.code, 0, dec.decode(out.stderr));
  const { result, bytes, chunks, growthMiB } = JSON.parse(dec.decode(out.stdout));
  assert.equal(result, "phase_complete");
  assert.equal(bytes, 100 * 1024 * 1024);
  assert.ok(chunks > 100, `${chunks} chunks`);
  assert.ok(growthMiB < 100, `RSS grew by ${growthMiB.toFixed(1)} MiB`);
});

agentTest("run() drains output nobody listens to", async (s) => {
  const outcome = await s.runner().run({
    prompt: fakePrompt({ mode: "print_100mb", resultPath: s.resultPath }),
    resultPath: s.resultPath,
    cwd: s.env.root,
    timeoutMs: 60_000,
  });
  assert.equal(outcome.exitCode, 0);
});

agentTest("run() reads claude's cost and token figures from its JSON output", async (s) => {
  const outcome = await s.runner().run({
    prompt: fakePrompt({ mode: "succeed_with_usage", resultPath: s.resultPath }),
    resultPath: s.resultPath,
    cwd: s.env.root,
    timeoutMs: 20_000,
  });
  assert.deepEqual(outcome.usage, { costUsd: 0.0123, inputTokens: 123, outputTokens: 45 });
});

// ---------------------------------------------------------------------------
// Other CLIs, spawn failures, availability

agentTest("codex and opencode runners start their CLI with the documented argv", async (s) => {
  for (
    const [agent, head] of [
      [{ cli: "codex", model: "gpt-5" }, [
        "exec",
        "--dangerously-bypass-approvals-and-sandbox",
        "--model",
        "gpt-5",
      ]],
      [{ cli: "opencode" }, ["run", "--auto"]],
    ] as [AgentConfig, string[]][]
  ) {
    const prompt = fakePrompt({ mode: "succeed", resultPath: s.resultPath, record: s.record });
    const outcome = await s.runner(agent).run({
      prompt,
      resultPath: s.resultPath,
      cwd: s.env.root,
      timeoutMs: 20_000,
    });
    assert.equal(outcome.result.result, "phase_complete");
    assert.deepEqual((await waitForJson(s.record)).argv, [...head, prompt]);
    await Deno.remove(s.record);
  }
});

agentTest("command runner runs any program with the argv template", async (s) => {
  const runner = s.runner({
    cli: "command",
    command: ["fake-agent", "--result", "{result_path}", "{prompt}"],
  });
  assert.equal(runner.displayName, "Agent command `fake-agent`");
  const prompt = fakePrompt({
    mode: "succeed",
    resultPath: "(given by --result)",
    record: s.record,
  });
  const outcome = await runner.run({
    prompt,
    resultPath: s.resultPath,
    cwd: s.env.root,
    timeoutMs: 20_000,
  });
  assert.equal(outcome.result.itemId, "WRK-001");
  assert.deepEqual((await waitForJson(s.record)).argv, ["--result", s.resultPath, prompt]);
});

agentTest("command runner starts a program given relative to the root", async (s) => {
  await Deno.writeTextFile(
    `${s.env.root}/agent.sh`,
    `#!/bin/sh\nexec fake-agent "$@"\n`,
    { mode: 0o755 },
  );
  const runner = s.runner({ cli: "command", command: ["./agent.sh", "{prompt}"] });
  await runner.checkAvailable();
  const outcome = await runner.run({
    prompt: fakePrompt({ mode: "succeed", resultPath: s.resultPath }),
    resultPath: s.resultPath,
    cwd: s.env.root,
    timeoutMs: 20_000,
  });
  assert.equal(outcome.exitCode, 0);
});

agentTest("run() reports a program that cannot be started as a spawn error", async (s) => {
  const e = await agentError(
    s.runner({ cli: "command", command: ["zz-no-such-agent", "{prompt}"] })
      .run({
        prompt: "# p",
        resultPath: s.resultPath,
        cwd: s.env.root,
        timeoutMs: 20_000,
      }),
  );
  assert.equal(e.kind, "spawn");
  assert.equal(
    e.message,
    "Failed to spawn subprocess: Failed to spawn 'zz-no-such-agent': entity not found",
  );
});

agentTest("run() explains a prompt too long for one argument", async (s) => {
  const e = await agentError(
    s.runner().run({
      prompt: "# " + "x".repeat(200 * 1024),
      resultPath: s.resultPath,
      cwd: s.env.root,
      timeoutMs: 20_000,
    }),
  );
  assert.equal(e.kind, "spawn");
  assert.match(
    e.message,
    /^Failed to spawn subprocess: .*Argument list too long.* \(the prompt is 204802 bytes; one argument may hold less than 131072 bytes on Linux\)$/,
  );
});

agentTest(
  "checkAvailable() probes --version and names the CLI, the hint and the error",
  async (s) => {
    const claude = s.runner();
    await claude.checkAvailable();
    assert.equal(claude.version, "fake-agent 1.0.0");

    const missing = s.runner({ cli: "codex" }, { env: { PATH: `${s.env.root}/empty` } });
    await assert.rejects(
      missing.checkAvailable(),
      (e: unknown) =>
        e instanceof AgentUnavailableError && e.missing &&
        e.message ===
          "Codex CLI not found on PATH. Install: npm install -g @openai/codex (https://github.com/openai/codex) (Failed to spawn 'codex': entity not found)",
    );
    const noClaude = s.runner({ cli: "claude" }, { env: { PATH: `${s.env.root}/empty` } });
    await assert.rejects(
      noClaude.checkAvailable(),
      /^AgentUnavailableError: Claude CLI not found on PATH\. Install: https:\/\/docs\.anthropic\.com\/en\/docs\/claude-code \(Failed to spawn 'claude': entity not found\)$/,
    );

    const brokenBin = `${s.env.root}/broken-bin`;
    await Deno.mkdir(brokenBin);
    await Deno.writeTextFile(`${brokenBin}/opencode`, "#!/bin/sh\nexit 1\n", { mode: 0o755 });
    await assert.rejects(
      s.runner({ cli: "opencode" }, { env: { PATH: brokenBin } }).checkAvailable(),
      (e: unknown) =>
        e instanceof AgentUnavailableError && !e.missing &&
        e.message === "OpenCode CLI found but `opencode --version` failed",
    );
  },
);

agentTest("checkAvailable() of a command template checks that the program exists", async (s) => {
  await s.runner({ cli: "command", command: ["fake-agent", "{prompt}"] }).checkAvailable();
  await assert.rejects(
    s.runner({ cli: "command", command: ["zz-no-such-agent", "{prompt}"] }).checkAvailable(),
    (e: unknown) =>
      e instanceof AgentUnavailableError && e.missing &&
      e.message ===
        "Agent command `zz-no-such-agent` not found on PATH. Check agent.command in the config (no executable file of that name in any PATH directory)",
  );
  await Deno.writeTextFile(`${s.env.root}/not-executable.sh`, "#!/bin/sh\n");
  await assert.rejects(
    s.runner({ cli: "command", command: ["./not-executable.sh", "{prompt}"] }).checkAvailable(),
    /\(no executable file at .*\/root\/not-executable\.sh\)$/,
  );
});

// ---------------------------------------------------------------------------
// Hostile names and paths

Deno.test("safeResultPath() refuses IDs and phase names that could leave .phase-golem/", () => {
  const hostile = [
    "",
    "..",
    "../x",
    "a/b",
    "/etc/passwd",
    "a\\b",
    ".hidden",
    "WRK-1\n",
    "WRK-1\nphase",
    "a b",
    "x;rm -rf ~",
    "$(id)",
    "`id`",
    "a|b",
    "a&b",
    "a>b",
    "a*",
    "WRK..1",
    "-rf",
    "x".repeat(201),
  ];
  for (const name of hostile) {
    assert.throws(
      () => safeResultPath("/p", name, "prd"),
      (e: unknown) =>
        e instanceof UnsafeNameError && e.what === "item ID" &&
        e.message.startsWith(`Refusing item ID ${JSON.stringify(name)} in a file name: `),
      JSON.stringify(name),
    );
    assert.throws(
      () => safeResultPath("/p", "WRK-001", name),
      (e: unknown) => e instanceof UnsafeNameError && e.what === "phase name",
      JSON.stringify(name),
    );
  }
  assert.equal(
    safeResultPath("/p", "WRK-a1b2c", "tech-research"),
    "/p/.phase-golem/phase_result_WRK-a1b2c_tech-research.json",
  );
  assert.equal(
    safeResultPath(".", "tg-3k9xq", "triage"),
    "./.phase-golem/phase_result_tg-3k9xq_triage.json",
  );
  assert.equal(
    safeResultPath("/p", "WRK_1.2", "v1.0_final"),
    "/p/.phase-golem/phase_result_WRK_1.2_v1.0_final.json",
  );
});

agentTest(
  "run() refuses a result path outside .phase-golem/ before spawning and touches nothing",
  async (s) => {
    const outside = `${s.env.root}/../evil.json`;
    await Deno.writeTextFile(outside, "keep me");
    await Deno.mkdir(`${s.env.root}/.phase-golem/sub`);
    const bad = [
      outside,
      `${s.env.root}/.phase-golem/../phase_result_WRK-001_prd.json`,
      `${s.env.root}/.phase-golem/sub/phase_result_WRK-001_prd.json`,
      `${s.env.root}/.phase-golem/other.json`,
      `${s.env.root}/.phase-golem/phase_result_WRK-001_p\nx.json`,
      `${s.env.root}/.phase-golem/phase_result_..json`,
      `${s.env.root}/phase_result_WRK-001_prd.json`,
      "/etc/passwd",
    ];
    for (const resultPath of bad) {
      const e = await agentError(
        s.runner().run({
          prompt: fakePrompt({ mode: "succeed", resultPath, record: s.record }),
          resultPath,
          cwd: s.env.root,
          timeoutMs: 20_000,
        }),
      );
      assert.equal(e.kind, "spawn", resultPath);
      assert.equal(
        e.message,
        `Refusing result path ${
          JSON.stringify(resultPath)
        }: not a phase_result_*.json file directly in ${s.env.root}/.phase-golem`,
      );
    }
    assert.equal(await exists(s.record), false);
    assert.equal(await Deno.readTextFile(outside), "keep me");
  },
);

agentTest("run() refuses a .phase-golem that is a symlink", async (s) => {
  const elsewhere = `${s.env.root}/../elsewhere`;
  await Deno.mkdir(elsewhere);
  await Deno.writeTextFile(`${elsewhere}/phase_result_WRK-001_prd.json`, "victim");
  await Deno.remove(`${s.env.root}/.phase-golem`);
  await Deno.symlink(elsewhere, `${s.env.root}/.phase-golem`);
  const e = await agentError(
    s.runner().run({
      prompt: fakePrompt({ mode: "succeed", resultPath: s.resultPath, record: s.record }),
      resultPath: s.resultPath,
      cwd: s.env.root,
      timeoutMs: 20_000,
    }),
  );
  assert.equal(
    e.message,
    `Refusing result path ${
      JSON.stringify(s.resultPath)
    }: ${s.env.root}/.phase-golem is not a directory`,
  );
  assert.equal(await Deno.readTextFile(`${elsewhere}/phase_result_WRK-001_prd.json`), "victim");
  assert.equal(await exists(s.record), false);
});

agentTest("run() creates a missing .phase-golem/ for the agent", async (s) => {
  await Deno.remove(`${s.env.root}/.phase-golem`, { recursive: true });
  const outcome = await s.runner().run({
    prompt: fakePrompt({ mode: "succeed", resultPath: s.resultPath }),
    resultPath: s.resultPath,
    cwd: s.env.root,
    timeoutMs: 20_000,
  });
  assert.equal(outcome.exitCode, 0);
});

Deno.test("commandCli() refuses a template that validateConfig() refuses", () => {
  assert.throws(
    () => commandCli(["fake-agent", "--prompt={prompt}"]),
    /^TypeError: Invalid agent command: agent\.command must pass the prompt/,
  );
  assert.throws(() => new CliAgentRunner(commandCli([])), TypeError);
});
