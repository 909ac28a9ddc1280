import assert from "node:assert/strict";
import { MemoryFileSystem } from "../../io/fs.ts";
import type { Item } from "../../store/item.ts";
import { PgItem } from "../../adapter/pg_item.ts";
import { schedulerItemOf } from "../scheduling/scheduler_item.ts";
import {
  agentUnavailableHelp,
  findCycles,
  formatPreflightError,
  type PreflightOptions,
  runPreflight,
  withAgentHelp,
} from "./preflight.ts";
import { AgentUnavailableError } from "../execution/agents/agent_runner.ts";
import { testConfig } from "../../_testing/scheduler_fixtures.ts";
import { item } from "../../_testing/test_repo.ts";

const views = (items: Item[]) => items.map((it) => schedulerItemOf(new PgItem(it)));

async function setup(items: Item[], o: Partial<PreflightOptions> = {}): Promise<PreflightOptions> {
  const fs = new MemoryFileSystem();
  await fs.mkdirp("/r/.task-golem");
  return {
    fs,
    root: "/r",
    config: testConfig(),
    configBase: "/r",
    configName: "phase-golem.toml",
    items: views(items),
    archiveIds: new Set(),
    ...o,
  };
}

Deno.test("runPreflight() passes a sound project", async () => {
  assert.deepEqual(await runPreflight(await setup([item("WRK-001", "New")])), []);
});

Deno.test("runPreflight() step 0: a missing .task-golem/ is the only error", async () => {
  const o = await setup([item("A-1", "New", { deps: ["nope"] })]);
  o.fs = new MemoryFileSystem();
  const errors = await runPreflight(o);
  assert.deepEqual(errors.map(formatPreflightError), [
    "Preflight error: .task-golem/ directory not found\n  Config: /r/.task-golem\n" +
    "  Fix: Run `tg init` to initialize the task-golem store",
  ]);
});

Deno.test("runPreflight() structure errors skip the workflow and item checks", async () => {
  const config = testConfig(2);
  config.pipelines.feature!.pre_phases[0]!.is_destructive = true;
  config.pipelines.feature!.phases[1]!.staleness = "block";
  config.pipelines.feature!.phases.push({ ...config.pipelines.feature!.phases[0]! });
  config.pipelines.empty = { pre_phases: [], phases: [] };
  config.pipelines.feature!.phases[0]!.workflows = ["missing.md"];
  const errors = await runPreflight(
    await setup([item("A-1", "InProgress", { pipeline: "nope" })], { config }),
  );
  assert.deepEqual(errors.map((e) => e.condition), [
    'Duplicate phase name "prd" in pipeline "feature"',
    'Pre-phase "research" in pipeline "feature" cannot be destructive',
    'Phase "build" in pipeline "feature" uses staleness "block" which is incompatible with max_wip > 1',
    'Pipeline "empty" has no main phases',
  ]);
  assert.equal(errors[0]!.location, "phase-golem.toml → pipelines.feature.phases[3]");
  assert.equal(
    errors[1]!.location,
    "phase-golem.toml → pipelines.feature.pre_phases[0].is_destructive",
  );
});

Deno.test("runPreflight() workflow files and item pipelines, phases and pools", async () => {
  const config = testConfig();
  config.pipelines.feature!.phases[0]!.workflows = ["wf/prd.md", "wf/missing.md"];
  config.pipelines.blog!.phases[0]!.workflows = ["wf/prd.md"];
  const o = await setup([
    item("A-1", "InProgress", { pipeline: "nope" }),
    item("A-2", "Scoping", { phase: "zzz", pool: "pre" }),
    item("A-3", "InProgress", { phase: "research", pool: "main" }),
    item("A-4", "Ready", { pipeline: "gone" }),
    item("A-5", "New", { pipeline: "whatever" }),
  ], { config });
  await o.fs.mkdirp("/r/wf");
  await o.fs.writeFile("/r/wf/prd.md", new Uint8Array());
  const errors = await runPreflight(o);
  assert.deepEqual(errors.map((e) => [e.condition, e.location]), [
    ["Workflow file not found: wf/missing.md", "phase-golem.toml → pipelines → workflows"],
    [
      'Item A-1 references unknown pipeline type "nope"',
      "tasks.jsonl → items → A-1 → pipeline_type",
    ],
    [
      'Item A-2 references unknown phase "zzz" in pipeline "feature"',
      "tasks.jsonl → items → A-2 → phase",
    ],
    [
      'Item A-3 has phase_pool Main but phase "research" is in Pre',
      "tasks.jsonl → items → A-3 → phase_pool",
    ],
    [
      'Item A-4 references unknown pipeline type "gone"',
      "tasks.jsonl → items → A-4 → pipeline_type",
    ],
  ]);
});

Deno.test("runPreflight() checks the triage guides and says pg init restores the workflow pack", async () => {
  const config = testConfig();
  config.triage.workflows = ["guides/triage.md", "phase-golem-workflows/triage.md"];
  config.pipelines.blog!.phases[0]!.workflows = ["./phase-golem-workflows/fix/build.md"];
  const errors = await runPreflight(await setup([], { config, configName: "phase-golem.jsonc" }));
  assert.deepEqual(errors.map(formatPreflightError), [
    "Preflight error: Workflow file not found: ./phase-golem-workflows/fix/build.md\n" +
    "  Config: phase-golem.jsonc → pipelines → workflows\n" +
    "  Fix: Create the workflow file at ./phase-golem-workflows/fix/build.md or update the path " +
    "(`pg init` writes the missing files of phase-golem-workflows/)",
    "Preflight error: Workflow file not found: guides/triage.md\n" +
    "  Config: phase-golem.jsonc → triage.workflows\n" +
    "  Fix: Create the workflow file at guides/triage.md or update the path",
    "Preflight error: Workflow file not found: phase-golem-workflows/triage.md\n" +
    "  Config: phase-golem.jsonc → triage.workflows\n" +
    "  Fix: Create the workflow file at phase-golem-workflows/triage.md or update the path " +
    "(`pg init` writes the missing files of phase-golem-workflows/)",
  ]);
});

Deno.test("runPreflight() duplicate IDs, dangling deps ([Fix] archive counts) and cycles", async () => {
  const errors = await runPreflight(
    await setup([
      item("A-1", "New", { deps: ["A-3"] }),
      item("A-2", "New", { deps: ["ARCH-1", "GONE-1"] }),
      item("A-3", "New", { deps: ["A-1"] }),
      item("A-1", "Done"),
      item("A-4", "Done", { deps: ["A-4"] }),
    ], { archiveIds: new Set(["ARCH-1"]) }),
  );
  assert.deepEqual(errors.map((e) => e.condition), [
    'Duplicate item ID "A-1" found at indices [0, 3]',
    "Item 'A-2' depends on 'GONE-1' which does not exist in the backlog",
    "Circular dependency detected: A-1 → A-3 → A-1",
  ]);
  assert.equal(errors[1]!.location, "tasks.jsonl → items → A-2 → dependencies");
});

Deno.test("findCycles() finds self loops and longer cycles, ignoring Done items", () => {
  assert.deepEqual(findCycles(views([item("A-1", "New", { deps: ["A-1"] })])), [["A-1", "A-1"]]);
  assert.deepEqual(
    findCycles(views([
      item("A-1", "New", { deps: ["A-2"] }),
      item("A-2", "New", { deps: ["A-3"] }),
      item("A-3", "New", { deps: ["A-1"] }),
    ])),
    [["A-1", "A-2", "A-3", "A-1"]],
  );
  assert.deepEqual(
    findCycles(
      views([item("A-1", "New", { deps: ["A-2"] }), item("A-2", "Done", { deps: ["A-1"] })]),
    ),
    [],
  );
});

Deno.test("agentUnavailableHelp() names the config key and the line that selects an agent CLI on PATH", () => {
  const help = (o: Partial<Parameters<typeof agentUnavailableHelp>[0]>) =>
    agentUnavailableHelp({
      agent: { cli: "claude" },
      configName: "phase-golem.jsonc",
      onPath: [],
      missing: true,
      ...o,
    });
  assert.deepEqual(help({ onPath: ["codex", "opencode"] }), {
    location: 'phase-golem.jsonc → agent.cli ("claude")',
    fix: "Install claude, or use an agent CLI that is on PATH (codex, opencode): " +
      'set "cli": "codex" in the "agent" section of phase-golem.jsonc',
  });
  assert.deepEqual(
    help({ configName: "phase-golem.toml", onPath: ["opencode"] }).fix,
    "Install claude, or use an agent CLI that is on PATH (opencode): " +
      'set cli = "opencode" in the [agent] table of phase-golem.toml',
  );
  assert.deepEqual(
    help({}).fix,
    "Install claude (none of claude, codex, opencode is on PATH), or run another agent: " +
      'set "cli": "command" and a command in the "agent" section of phase-golem.jsonc',
  );
  // Found but broken: its own probe, and the other CLIs only.
  assert.deepEqual(help({ agent: { cli: "codex" }, onPath: ["claude", "codex"], missing: false }), {
    location: 'phase-golem.jsonc → agent.cli ("codex")',
    fix: "Run `codex --version` to see why it fails, or use an agent CLI that is on PATH " +
      '(claude): set "cli": "claude" in the "agent" section of phase-golem.jsonc',
  });
  assert.deepEqual(help({ agent: { cli: "command", command: ["my-agent", "{prompt}"] } }), {
    location: 'phase-golem.jsonc → agent.command[0] ("my-agent")',
    fix:
      "Install my-agent or correct agent.command[0] (none of claude, codex, opencode is on PATH)",
  });
  assert.deepEqual(help({ configName: null, onPath: ["opencode"] }), {
    location: 'agent.cli (no config file: the default "claude" applies)',
    fix: "Run `pg init`: it writes phase-golem.jsonc with an agent CLI that is on PATH (opencode)",
  });
  assert.equal(
    help({ configName: null }).fix,
    "Install claude (none of claude, codex, opencode is on PATH), then run pg again",
  );
});

Deno.test("withAgentHelp() adds the Config and Fix lines to the runner's message", () => {
  const e = withAgentHelp(
    new AgentUnavailableError("Claude CLI not found on PATH. Install: x (gone)", { missing: true }),
    { agent: { cli: "claude" }, configName: "phase-golem.jsonc", onPath: ["codex"] },
  );
  assert.ok(e instanceof AgentUnavailableError);
  assert.equal(e.missing, true);
  assert.equal(
    e.message,
    "Claude CLI not found on PATH. Install: x (gone)\n" +
      '  Config: phase-golem.jsonc → agent.cli ("claude")\n' +
      "  Fix: Install claude, or use an agent CLI that is on PATH (codex): " +
      'set "cli": "codex" in the "agent" section of phase-golem.jsonc',
  );
});
