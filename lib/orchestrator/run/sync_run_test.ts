// The sync side of the run loop, on its own: how an idle worker waits.

import assert from "node:assert/strict";
import { MemoryLogger } from "../../io/logger.ts";
import type { Coordinator } from "../repo/coordinator.ts";
import type { SchedulerItem } from "../scheduling/scheduler_item.ts";
import { SyncRun } from "./sync_run.ts";

const NOW = "2026-01-01T00:00:00Z";

function held(id: string, by: string, expiresAt: string): SchedulerItem {
  return {
    id,
    status: "InProgress",
    phase: "build",
    phasePool: "main",
    pipelineType: null,
    impact: null,
    size: null,
    risk: null,
    complexity: null,
    tags: [],
    dependencies: [],
    createdAt: NOW,
    claim: { by, expiresAt },
  };
}

function idleRun(options: { watch?: boolean } = {}) {
  const sleeps: number[] = [];
  const run = new SyncRun({
    // Waiting touches the coordinator only to release a kept claim (none here).
    coordinator: {} as Coordinator,
    log: new MemoryLogger(),
    observer: { event: () => {} },
    signal: new AbortController().signal,
    now: () => NOW,
    maxAttempts: 1,
  }, {
    worker: "w1",
    leaseMs: 3_600_000,
    pollMs: 1000,
    ...options,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  });
  return { run, sleeps };
}

Deno.test("SyncRun.idle() looks again soon after it starts waiting for claims, then every poll", async () => {
  const { run, sleeps } = idleRun();
  const items = [held("WRK-001", "w2", "2026-01-01T01:00:00Z")];
  for (let i = 0; i < 5; i++) assert.equal(await run.idle(items, true), true);
  assert.deepEqual(sleeps, [125, 250, 500, 1000, 1000]);
  // One of the claims ends: the waits start short again.
  const more = [...items, held("WRK-002", "w3", "2026-01-01T01:00:00Z")];
  await run.idle(more, true);
  await run.idle(more, true);
  await run.idle(items, true);
  assert.deepEqual(sleeps.slice(5), [125, 250, 125]);
});

Deno.test("SyncRun.idle() waits no longer than the earliest lease", async () => {
  const { run, sleeps } = idleRun();
  const items = [held("WRK-001", "w2", "2026-01-01T00:00:00.010Z")];
  assert.equal(await run.idle(items, true), true);
  assert.deepEqual(sleeps, [10 + 50]);
});

Deno.test("SyncRun.idle() with --watch and no claims waits the poll interval, or halts without --watch", async () => {
  const watching = idleRun({ watch: true });
  assert.equal(await watching.run.idle([], false), true);
  assert.equal(await watching.run.idle([], false), true);
  assert.deepEqual(watching.sleeps, [1000, 1000]);
  const once = idleRun();
  assert.equal(await once.run.idle([], false), false);
  assert.deepEqual(once.sleeps, []);
});
