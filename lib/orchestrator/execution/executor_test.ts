import assert from "node:assert/strict";
import { PgItem } from "../../adapter/pg_item.ts";
import { DenoFileSystem } from "../../io/fs.ts";
import { AgentError } from "./agents/agent_runner.ts";
import { ScriptedAgentRunner, type ScriptStep } from "./agents/scripted_agent_runner.ts";
import type { PhaseConfig } from "../config/config.ts";
import {
  checkStaleness,
  executePhase,
  type ExecutorContext,
  type ExecutorStore,
} from "./executor.ts";
import { MemoryLogger } from "../../io/logger.ts";
import { item, testRepo } from "../../_testing/test_repo.ts";

function phase(name: string, o: Partial<PhaseConfig> = {}): PhaseConfig {
  return { name, workflows: ["wf.md"], is_destructive: false, staleness: "ignore", ...o };
}

class FakeStore implements ExecutorStore {
  starts: [string, string][] = [];
  ancestor: boolean | Error = true;
  head: string | Error = "a".repeat(40);
  headSha(): Promise<string> {
    return this.head instanceof Error ? Promise.reject(this.head) : Promise.resolve(this.head);
  }
  isAncestor(): Promise<boolean> {
    return this.ancestor instanceof Error
      ? Promise.reject(this.ancestor)
      : Promise.resolve(this.ancestor);
  }
  recordPhaseStart(id: string, sha: string): Promise<void> {
    this.starts.push([id, sha]);
    return Promise.resolve();
  }
}

async function exec(
  steps: ScriptStep[],
  o: {
    phase?: PhaseConfig;
    store?: FakeStore;
    retries?: number;
    signal?: AbortSignal;
    item?: PgItem;
    earlier?: { used: number; failure: string };
  } = {},
) {
  const root = await Deno.realPath(await Deno.makeTempDir());
  const runner = new ScriptedAgentRunner(steps);
  const log = new MemoryLogger();
  const store = o.store ?? new FakeStore();
  const attempts: number[] = [];
  const ctx: ExecutorContext = {
    store,
    runner,
    fs: new DenoFileSystem(),
    root,
    configBase: root,
    maxRetries: o.retries ?? 2,
    timeoutMs: 60_000,
    signal: o.signal ?? new AbortController().signal,
    log,
    now: () => "2026-01-01T00:00:00Z",
    elapsedMs: () => 0,
    onAttempt: (_i, _p, k) => attempts.push(k),
  };
  try {
    const result = await executePhase({
      item: o.item ?? new PgItem(item("WRK-001", "InProgress", { phase: "build", pool: "main" })),
      phase: o.phase ?? phase("build"),
      previousSummary: null,
      earlier: o.earlier,
    }, ctx);
    return { result, runner, log, store, attempts, root };
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

const OK: ScriptStep = { result: { itemId: "WRK-001", phase: "build", result: "phase_complete" } };

Deno.test("executePhase() success: records the phase start, creates the change folder", async () => {
  const r = await exec([OK]);
  assert.equal(r.result.kind, "Success");
  assert.deepEqual(r.store.starts, [["WRK-001", "a".repeat(40)]]);
  assert.deepEqual(r.attempts, [1]);
  const req = r.runner.requests[0]!;
  assert.equal(req.resultPath, `${r.root}/.phase-golem/phase_result_WRK-001_build.json`);
  assert.equal(req.cwd, r.root);
  assert.equal(req.timeoutMs, 60_000);
  assert.match(
    req.prompt,
    new RegExp(`change folder for this item is: \`${r.root}/changes/WRK-001_item-wrk-001\``),
  );
});

Deno.test("executePhase() retries failures and agent errors, then succeeds or gives up", async () => {
  const failed: ScriptStep = {
    result: { itemId: "WRK-001", phase: "build", result: "failed", summary: "red" },
  };
  const r = await exec([failed, {
    error: new AgentError("timeout", "Agent timed out after 60 seconds"),
  }, OK]);
  assert.equal(r.result.kind, "Success");
  assert.deepEqual(r.attempts, [1, 2, 3]);
  assert.equal(r.result.kind === "Success" && r.result.stats.attempts, 3);
  const gaveUp = await exec([failed, failed], { retries: 1 });
  assert.deepEqual(gaveUp.result, {
    kind: "Failed",
    reason: "Phase build failed after 2 attempts. Last failure: red",
    stats: { startedAt: "2026-01-01T00:00:00Z", durationMs: 0, attempts: 2, usage: null },
  });
  const errors = await exec([{
    error: new AgentError("no_result", "Agent failed (zero exit): Result file not found: x"),
  }], { retries: 0 });
  assert.equal(
    errors.result.kind === "Failed" && errors.result.reason,
    "Phase build failed after 1 attempts. Last error: Agent failed (zero exit): Result file not found: x",
  );
});

Deno.test("executePhase() sub-phase, blocked, identity mismatch", async () => {
  const sub = await exec([{
    result: { itemId: "WRK-001", phase: "build", result: "subphase_complete" },
  }]);
  assert.equal(sub.result.kind, "SubphaseComplete");
  const blocked = await exec([{
    result: { itemId: "WRK-001", phase: "build", result: "blocked", summary: "s", context: "why" },
  }]);
  assert.equal(blocked.result.kind === "Blocked" && blocked.result.reason, "why");
  const other = await exec([{
    result: { itemId: "WRK-001", phase: "review", result: "phase_complete" },
  }, OK]);
  assert.deepEqual(
    other.result.kind === "Failed" && other.result.reason,
    "Result identity mismatch: phase: expected 'build', got 'review'",
  );
  assert.equal(other.runner.requests.length, 1, "not retried");
});

Deno.test("executePhase() [Fix] shutdown is Cancelled, never a retry or a failure", async () => {
  const ctrl = new AbortController();
  const r = await exec([() => {
    ctrl.abort();
    return Promise.reject(new AgentError("shutdown", "Shutdown requested"));
  }, OK], { signal: ctrl.signal });
  assert.equal(r.result.kind, "Cancelled");
  assert.equal(r.runner.requests.length, 1);
  const before = await exec([OK], { signal: AbortSignal.abort() });
  assert.equal(before.result.kind, "Cancelled");
  assert.equal(before.runner.requests.length, 0);
});

Deno.test("executePhase() setup failures: HEAD, unsafe names", async () => {
  const store = new FakeStore();
  store.head = new Error("Git error: no HEAD");
  const r = await exec([OK], { store });
  assert.deepEqual(r.result, {
    kind: "Failed",
    reason: "Failed to get HEAD SHA: Git error: no HEAD",
    stats: null,
  });
  const bad = await exec([OK], { phase: phase("../../x") });
  assert.equal(bad.result.kind, "Blocked");
  assert.match(
    bad.result.kind === "Blocked" ? bad.result.reason : "",
    /^Phase name '\.\.\/\.\.\/x' cannot be used in file names/,
  );
  assert.equal(bad.runner.requests.length, 0);
});

Deno.test("executePhase() staleness of destructive phases: ignore, warn, block, check failure", async () => {
  const withCommit = () => {
    const raw = item("WRK-001", "InProgress", { phase: "build", pool: "main" });
    raw.extensions["x-pg-last-phase-commit"] = "b".repeat(40);
    return new PgItem(raw);
  };
  const stale = new FakeStore();
  stale.ancestor = false;
  const ignore = await exec([OK], {
    store: stale,
    item: withCommit(),
    phase: phase("build", { is_destructive: true }),
  });
  assert.equal(ignore.result.kind, "Success");
  const warn = await exec([OK], {
    store: stale,
    item: withCommit(),
    phase: phase("build", { is_destructive: true, staleness: "warn" }),
  });
  assert.equal(warn.result.kind, "Success");
  assert.ok(
    warn.log.at("WARN").includes("[WRK-001][BUILD] Warning: prior phase artifacts may be stale"),
  );
  const block = await exec([OK], {
    store: stale,
    item: withCommit(),
    phase: phase("build", { is_destructive: true, staleness: "block" }),
  });
  assert.deepEqual(block.result, {
    kind: "Blocked",
    reason: `Stale: prior phase based on commit ${"b".repeat(40)} no longer in history`,
    result: null,
    stats: null,
  });
  // Non-destructive phases never check.
  const nd = await exec([OK], {
    store: stale,
    item: withCommit(),
    phase: phase("build", { staleness: "block" }),
  });
  assert.equal(nd.result.kind, "Success");
  const broken = new FakeStore();
  broken.ancestor = new Error("Git error: bad object");
  const failed = await exec([OK], {
    store: broken,
    item: withCommit(),
    phase: phase("build", { is_destructive: true }),
  });
  assert.equal(
    failed.result.kind === "Blocked" && failed.result.reason,
    `Staleness check failed for commit ${"b".repeat(40)}: Git error: bad object`,
  );
});

Deno.test("checkStaleness() against real history rewritten onto an orphan branch", async () => {
  const repo = await testRepo([item("WRK-001", "InProgress", { phase: "build", pool: "main" })]);
  try {
    const old = await repo.git.headSha();
    const raw = item("WRK-001", "InProgress");
    raw.extensions["x-pg-last-phase-commit"] = old;
    const pg = new PgItem(raw);
    assert.deepEqual(await checkStaleness(pg, phase("b", { staleness: "block" }), repo.git), {
      kind: "proceed",
    });
    await repo.sh("checkout", "-q", "--orphan", "rewritten");
    await repo.sh("commit", "-q", "-m", "rewritten history");
    for (
      const [s, want] of [["ignore", "proceed"], ["warn", "warn"], ["block", "block"]] as const
    ) {
      assert.equal((await checkStaleness(pg, phase("b", { staleness: s }), repo.git)).kind, want);
    }
    raw.extensions["x-pg-last-phase-commit"] = "0123456789abcdef0123456789abcdef01234567";
    const unknown = await checkStaleness(pg, phase("b"), repo.git);
    assert.equal(unknown.kind, "block");
    assert.match(
      unknown.kind === "block" ? unknown.reason : "",
      /^Staleness check failed for commit 0123456789abcdef/,
    );
    raw.extensions["x-pg-last-phase-commit"] = "not-a-sha";
    const invalid = await checkStaleness(pg, phase("b"), repo.git);
    assert.equal(
      invalid.kind === "block" && invalid.reason,
      "Staleness check failed for commit not-a-sha: Git error: Invalid SHA: 'not-a-sha'",
    );
  } finally {
    await repo.cleanup();
  }
});

Deno.test("executePhase() counts earlier attempts whose work was dropped, with their reason", async () => {
  const failure = "Your changes conflicted with another worker's in a.ts and were dropped";
  const r = await exec([OK], { retries: 2, earlier: { used: 1, failure } });
  assert.deepEqual(r.attempts, [2], "the first attempt here is attempt 2");
  assert.equal(r.result.kind === "Success" && r.result.stats.attempts, 2);
  assert.ok(r.runner.requests[0]!.prompt.includes(failure), "the reason is in the prompt");
  const last = await exec([{
    result: { itemId: "WRK-001", phase: "build", result: "failed", summary: "red" },
  }], { retries: 1, earlier: { used: 1, failure } });
  assert.equal(
    last.result.kind === "Failed" && last.result.reason,
    "Phase build failed after 2 attempts. Last failure: red",
  );
});
