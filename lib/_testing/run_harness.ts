/**
 * Runs the real run loop against a temp git repo and a scripted agent
 * runner. Test-only, never published (see `lib/_testing/README.md`).
 *
 * @module
 */

import { PgItem } from "../adapter/pg_item.ts";
import { DenoFileSystem } from "../io/fs.ts";
import { formatTimestamp } from "../store/timestamp.ts";
import type { Item } from "../store/item.ts";
import type { PgConfig } from "../orchestrator/config/config.ts";
import { type CommitRecord, Coordinator } from "../orchestrator/repo/coordinator.ts";
import { MemoryLogger } from "../io/logger.ts";
import { RecordingObserver } from "../orchestrator/run/run_events.ts";
import { type RunParams, runScheduler, type RunSummary } from "../orchestrator/run/run_loop.ts";
import { testConfig } from "./scheduler_fixtures.ts";
import {
  ScriptedAgentRunner,
  type ScriptStep,
} from "../orchestrator/execution/agents/scripted_agent_runner.ts";
import { testClock, type TestRepo, testRepo } from "./test_repo.ts";

/** A finished harness run. */
export interface HarnessRun {
  repo: TestRepo;
  summary: RunSummary;
  runner: ScriptedAgentRunner;
  log: MemoryLogger;
  observer: RecordingObserver;
  commits: CommitRecord[];
  coordinator: Coordinator;
  /** The item now (active), or null. */
  item(id: string): Promise<PgItem | null>;
  /** Archived IDs. */
  archived(): Promise<string[]>;
}

/** Options for {@linkcode runHarness}. */
export interface HarnessOptions {
  /** Items in the store. */
  items: Item[];
  /** The agent's script. */
  steps: ScriptStep[];
  /** Run parameters (default cap 100). */
  params?: Partial<RunParams>;
  /** Changes to the test config. */
  config?: (c: PgConfig) => void;
  /** Aborts the run (shutdown). */
  signal?: AbortSignal;
  /** Called once the repo exists, before the run. */
  before?: (repo: TestRepo) => Promise<void>;
  /** The log (default: a new one), so a scripted agent can wait for a line. */
  log?: MemoryLogger;
}

/** Creates a repo with the items, runs the loop, and returns what happened (clean up `repo`). */
export async function runHarness(o: HarnessOptions): Promise<HarnessRun> {
  const repo = await testRepo(o.items);
  try {
    await o.before?.(repo);
    const config = testConfig();
    config.execution.max_retries = 0;
    o.config?.(config);
    const log = o.log ?? new MemoryLogger();
    const commits: CommitRecord[] = [];
    const observer = new RecordingObserver();
    const clock = testClock();
    const coordinator = await Coordinator.start({
      store: repo.store,
      git: repo.git,
      fs: new DenoFileSystem(),
      clock,
      root: repo.dir,
      prefix: "WRK",
      log,
      retryDelaysMs: [1, 1],
      onCommit: (c) => {
        commits.push(c);
        observer.event({
          type: "commit",
          sha: c.sha,
          subject: c.message.split("\n")[0]!,
          kind: c.kind,
        });
      },
    });
    const runner = new ScriptedAgentRunner(o.steps);
    const summary = await runScheduler({
      coordinator,
      runner,
      config,
      configBase: repo.dir,
      root: repo.dir,
      fs: new DenoFileSystem(),
      log,
      observer,
      signal: o.signal ?? new AbortController().signal,
      now: () => formatTimestamp(clock.now()),
      idleMs: 1,
    }, { cap: 100, ...o.params });
    await coordinator.haltCommit(summary.haltReason);
    return {
      repo,
      summary,
      runner,
      log,
      observer,
      commits,
      coordinator,
      item: async (id) => {
        const raw = (await repo.store.loadActive()).find((it) => it.id === id);
        return raw === undefined ? null : new PgItem(raw);
      },
      archived: async () => (await repo.store.loadArchive()).map((it) => it.id),
    };
  } catch (e) {
    await repo.cleanup();
    throw e;
  }
}
