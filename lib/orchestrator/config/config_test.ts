import assert from "node:assert/strict";
import { MemoryFileSystem } from "../../io/fs.ts";
import {
  ConfigError,
  configJsonSchema,
  defaultConfig,
  defaultFeaturePipeline,
  parseConfigText,
  type PgConfig,
  type PhaseConfig,
  type PipelineConfig,
  resolvePipeline,
  validateConfig,
} from "./config.ts";
import { configFormatOf, loadConfig } from "./config_file.ts";
import { configTemplate } from "./config_template.ts";
import { workflowPackPipelines, workflowPackTriage } from "./workflow_pack.ts";

const FIXTURES = new URL("../../../tests/fixtures/upstream/configs/", import.meta.url);
const ENC = new TextEncoder();

function toml(text: string): Promise<PgConfig> {
  return parseConfigText(text, { format: "toml", path: "phase-golem.toml" });
}

function jsonc(text: string): Promise<PgConfig> {
  return parseConfigText(text, { format: "jsonc", path: "phase-golem.jsonc" });
}

async function problemsOf(
  fn: () => Promise<unknown>,
): Promise<{ code: string; problems: readonly string[]; message: string }> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof ConfigError) return { code: e.code, problems: e.problems, message: e.message };
    throw e;
  }
  throw new Error("expected a ConfigError");
}

const MAIN = '[[pipelines.p.phases]]\nname = "a"\nis_destructive = false\n';

/** Upstream's built-in `feature` pipeline (pg.md §3.4), which task-golem's config spells out. */
function upstreamFeature(): PipelineConfig {
  const w = ".claude/skills/changes/workflows";
  const ph = (name: string, workflow: string, destructive = false): PhaseConfig => ({
    name,
    workflows: [`${w}/${workflow}`],
    is_destructive: destructive,
    staleness: "ignore",
  });
  return {
    pre_phases: [ph("research", "orchestration/research-scope.md")],
    phases: [
      ph("prd", "0-prd/create-prd.md"),
      ph("tech-research", "1-tech-research/tech-research.md"),
      ph("design", "2-design/design.md"),
      ph("spec", "3-spec/create-spec.md"),
      ph("build", "orchestration/build-spec-phase.md", true),
      ph("review", "5-review/change-review.md"),
    ],
  };
}

// ---------------------------------------------------------------------------
// Defaults and fixtures

Deno.test("parseConfigText() of an empty file gives every default and the feature pipeline", async () => {
  const c = await toml("");
  assert.deepEqual(c, {
    project: { prefix: "WRK" },
    guardrails: { max_size: "medium", max_complexity: "medium", max_risk: "low" },
    execution: {
      phase_timeout_minutes: 30,
      max_retries: 2,
      default_phase_cap: 100,
      max_wip: 1,
      max_concurrent: 1,
    },
    agent: { cli: "claude" },
    triage: { workflows: [] },
    pipelines: { feature: defaultFeaturePipeline() },
  });
  assert.deepEqual(defaultConfig(), c);
  // [Fix] §3.1: the defaults pass validation too.
  assert.deepEqual(validateConfig(defaultConfig()), []);
});

Deno.test("defaultFeaturePipeline() is the workflow pack's: research, then prd … review, build and review destructive", () => {
  const p = defaultFeaturePipeline();
  assert.deepEqual(p.pre_phases.map((x) => x.name), ["research"]);
  assert.deepEqual(p.phases.map((x) => x.name), [
    "prd",
    "tech-research",
    "design",
    "spec",
    "build",
    "review",
  ]);
  assert.deepEqual(
    [...p.pre_phases, ...p.phases].filter((x) => x.is_destructive).map((x) => x.name),
    ["build", "review"],
  );
  assert.ok([...p.pre_phases, ...p.phases].every((x) => x.staleness === "ignore"));
  // [Fix] the files `pg init` writes, not upstream's author's .claude/skills/….
  assert.equal(p.phases[4]!.workflows[0], "phase-golem-workflows/feature/build.md");
  assert.equal(p.pre_phases[0]!.workflows[0], "phase-golem-workflows/feature/research.md");
  assert.deepEqual(p, workflowPackPipelines().feature);
});

Deno.test("parseConfigText() accepts the upstream example config (inline-table arrays)", async () => {
  const text = await Deno.readTextFile(new URL("62dc439-orchestrate.example.toml", FIXTURES));
  const c = await toml(text);
  assert.equal(c.project.prefix, "WRK");
  assert.equal(c.project.backlog_path, undefined);
  assert.deepEqual(c.guardrails, { max_size: "medium", max_complexity: "medium", max_risk: "low" });
  assert.deepEqual(c.execution, {
    phase_timeout_minutes: 30,
    max_retries: 2,
    default_phase_cap: 100,
    max_wip: 1,
    max_concurrent: 1,
  });
  assert.deepEqual(Object.keys(c.pipelines), ["feature"]);
  const f = c.pipelines.feature!;
  assert.deepEqual(f.pre_phases, [{
    name: "research",
    workflows: ["workflows/research-scope.md"],
    is_destructive: false,
    staleness: "ignore",
  }]);
  assert.deepEqual(f.phases.map((p) => [p.name, p.is_destructive]), [
    ["prd", false],
    ["build", true],
    ["review", false],
  ]);
});

Deno.test("parseConfigText() accepts task-golem's phase-golem.toml", async () => {
  const text = await Deno.readTextFile(new URL("787d52d-phase-golem.toml", FIXTURES));
  const c = await toml(text);
  assert.equal(c.project.prefix, "TG");
  assert.equal(c.guardrails.max_risk, "medium");
  assert.equal(c.execution.max_wip, 5);
  assert.equal(c.execution.max_concurrent, 3);
  assert.deepEqual(c.pipelines.feature, upstreamFeature());
});

Deno.test("parseConfigText() accepts [[pipelines.x.phases]] array-of-tables syntax", async () => {
  const c = await toml(`
[execution]
max_concurrent = 3

[[pipelines.blog-post.phases]]
name = "draft"
workflows = ["w/draft.md"]
is_destructive = false

[[pipelines.blog-post.phases]]
name = "edit"
is_destructive = false

[[pipelines.blog-post.phases]]
name = "publish"
is_destructive = true
staleness = "warn"
`);
  assert.deepEqual(Object.keys(c.pipelines), ["blog-post"]);
  const p = c.pipelines["blog-post"]!;
  assert.deepEqual(p.pre_phases, []);
  assert.deepEqual(p.phases[2], {
    name: "publish",
    workflows: [],
    is_destructive: true,
    staleness: "warn",
  });
  assert.deepEqual(p.phases[1]!.workflows, []);
});

Deno.test("parseConfigText() accepts the destructive alias and defaults to non-destructive", async () => {
  const c = await toml(`
[[pipelines.p.phases]]
name = "a"
destructive = true
[[pipelines.p.phases]]
name = "b"
`);
  assert.deepEqual(c.pipelines.p!.phases.map((p) => p.is_destructive), [true, false]);
  const both = await problemsOf(() =>
    toml('[[pipelines.p.phases]]\nname = "a"\ndestructive = true\nis_destructive = true\n')
  );
  assert.deepEqual(both.problems, ["pipelines.p.phases[0]: duplicate field `is_destructive`"]);
});

Deno.test("parseConfigText() keeps the legacy backlog_path and ignores unknown keys where allowed", async () => {
  const c = await toml(`
top_level_extra = 1
[project]
prefix = "HAMY"
backlog_path = ".dev/BACKLOG.yaml"
other = "x"
[guardrails]
whatever = true
[execution]
speed = "fast"
[pipelines.p]
comment = "ignored"
[[pipelines.p.phases]]
name = "a"
`);
  assert.equal(c.project.prefix, "HAMY");
  assert.equal(c.project.backlog_path, ".dev/BACKLOG.yaml");
  assert.equal(Object.hasOwn(c.project, "other"), false);
  assert.equal(Object.hasOwn(c.pipelines.p!, "comment"), false);
});

Deno.test("parseConfigText() normalises agent.model: trimmed, empty means unset", async () => {
  assert.deepEqual(
    (await toml('[agent]\ncli = "opencode"\nmodel = "  anthropic/claude-3.5 "\n')).agent,
    {
      cli: "opencode",
      model: "anthropic/claude-3.5",
    },
  );
  assert.deepEqual((await toml('[agent]\nmodel = "   "\n')).agent, { cli: "claude" });
});

Deno.test("parseConfigText() accepts what §3.3 does not forbid (zero timeout, empty prefix)", async () => {
  const c = await toml('[project]\nprefix = ""\n[execution]\nphase_timeout_minutes = 0\n');
  assert.equal(c.project.prefix, "");
  assert.equal(c.execution.phase_timeout_minutes, 0);
});

// ---------------------------------------------------------------------------
// Type errors (parse errors), all reported together

Deno.test("parseConfigText() rejects unknown keys in [agent] and phase tables", async () => {
  const r = await problemsOf(() =>
    toml('[agent]\nfoo = 1\n[[pipelines.p.phases]]\nname = "a"\ncolour = "red"\n')
  );
  assert.equal(r.code, "Parse");
  assert.deepEqual(r.problems, [
    "agent.foo: unknown field `foo`, expected one of `cli`, `model`, `command`",
    "pipelines.p.phases[0].colour: unknown field `colour`, expected one of `name`, `workflows`, `is_destructive`, `destructive`, `staleness`",
  ]);
  assert.equal(
    r.message,
    "Failed to parse phase-golem.toml:\n  - " + r.problems.join("\n  - "),
  );
});

Deno.test("parseConfigText() reports a missing phase name", async () => {
  const r = await problemsOf(() => toml("[[pipelines.p.phases]]\nis_destructive = true\n"));
  assert.deepEqual(r.problems, ["pipelines.p.phases[0]: missing field `name`"]);
  assert.equal(
    r.message,
    "Failed to parse phase-golem.toml: pipelines.p.phases[0]: missing field `name`",
  );
});

Deno.test("parseConfigText() reports bad enum spellings (case-sensitive)", async () => {
  const r = await problemsOf(() =>
    toml(
      '[agent]\ncli = "Claude"\n[guardrails]\nmax_size = "huge"\nmax_risk = "LOW"\n' +
        MAIN + 'staleness = "Block"\n',
    )
  );
  assert.deepEqual(r.problems, [
    "guardrails.max_size: unknown variant `huge`, expected one of `small`, `medium`, `large`",
    "guardrails.max_risk: unknown variant `LOW`, expected one of `low`, `medium`, `high`",
    "agent.cli: unknown variant `Claude`, expected one of `claude`, `opencode`, `codex`, `command`",
    "pipelines.p.phases[0].staleness: unknown variant `Block`, expected one of `ignore`, `warn`, `block`",
  ]);
});

Deno.test("parseConfigText() reports negative, fractional, too large and mistyped numbers", async () => {
  const r = await problemsOf(() =>
    toml(
      '[execution]\nmax_retries = -1\nmax_wip = 1.5\nmax_concurrent = 4294967296\nphase_timeout_minutes = "30"\n',
    )
  );
  assert.deepEqual(r.problems, [
    'execution.phase_timeout_minutes: invalid type: string "30", expected u32',
    "execution.max_retries: invalid value: integer `-1`, expected u32",
    "execution.max_wip: invalid type: floating point `1.5`, expected u32",
    "execution.max_concurrent: invalid value: integer `4294967296`, expected u32",
  ]);
});

Deno.test("parseConfigText() reads execution.max_cost_usd, a positive number, unset by default", async () => {
  assert.equal((await toml("[execution]\nmax_cost_usd = 2.5\n")).execution.max_cost_usd, 2.5);
  assert.equal((await toml("[execution]\nmax_cost_usd = 3\n")).execution.max_cost_usd, 3);
  assert.equal((await toml("")).execution.max_cost_usd, undefined);
  const r = await problemsOf(() => toml("[execution]\nmax_cost_usd = 0\n"));
  assert.deepEqual(r.problems, [
    "execution.max_cost_usd: invalid value: integer `0`, expected a number > 0",
  ]);
  const s = await problemsOf(() => toml('[execution]\nmax_cost_usd = "1"\n'));
  assert.deepEqual(s.problems, [
    'execution.max_cost_usd: invalid value: string "1", expected a number > 0',
  ]);
});

Deno.test("parseConfigText() reports wrong value types", async () => {
  const r = await problemsOf(() =>
    toml(
      'project = "x"\n[[pipelines.p.phases]]\nname = 7\nworkflows = "w.md"\nis_destructive = "yes"\n',
    )
  );
  assert.deepEqual(r.problems, [
    'project: invalid type: string "x", expected a table',
    "pipelines.p.phases[0].name: invalid type: integer `7`, expected a string",
    'pipelines.p.phases[0].workflows: invalid type: string "w.md", expected a sequence',
    'pipelines.p.phases[0].is_destructive: invalid type: string "yes", expected a boolean',
  ]);
});

Deno.test("parseConfigText() reports TOML syntax errors with their location", async () => {
  const r = await problemsOf(() => toml("[execution]\nmax_wip = \n"));
  assert.equal(r.code, "Parse");
  assert.match(r.message, /^Failed to parse phase-golem\.toml: Invalid TOML document/);
  assert.match(r.message, /max_wip =/);
});

// ---------------------------------------------------------------------------
// Validation rules (§3.3)

Deno.test("validateConfig() rule 1: max_wip and max_concurrent must be >= 1", async () => {
  const r = await problemsOf(() => toml("[execution]\nmax_wip = 0\nmax_concurrent = 0\n"));
  assert.equal(r.code, "Invalid");
  assert.deepEqual(r.problems, [
    "execution.max_wip must be >= 1",
    "execution.max_concurrent must be >= 1",
  ]);
  assert.equal(
    r.message,
    "Config validation failed in phase-golem.toml:\n  - execution.max_wip must be >= 1\n  - execution.max_concurrent must be >= 1",
  );
});

Deno.test("validateConfig() rule 2: agent.model characters and leading dash", async () => {
  const table: [string, string[]][] = [
    ["claude-opus-4", []],
    ["anthropic/claude_3.5", []],
    ["bad model", [
      "agent.model contains invalid characters (allowed: alphanumeric, '.', '_', '/', '-')",
    ]],
    ["--dangerous", ["agent.model must not start with '-' (flag-like values are rejected)"]],
    ["-x;rm", [
      "agent.model contains invalid characters (allowed: alphanumeric, '.', '_', '/', '-')",
      "agent.model must not start with '-' (flag-like values are rejected)",
    ]],
    ["modèle", [
      "agent.model contains invalid characters (allowed: alphanumeric, '.', '_', '/', '-')",
    ]],
  ];
  for (const [model, expected] of table) {
    const c = await toml("");
    c.agent.model = model;
    assert.deepEqual(validateConfig(c), expected, model);
  }
});

Deno.test("validateConfig() rule 3: main phase, duplicates (k-1), destructive pre-phase, block staleness", async () => {
  const r = await problemsOf(() =>
    toml(`
[execution]
max_wip = 2
max_concurrent = 0

[agent]
model = "-m"

[pipelines.empty]
pre_phases = [{ name = "r", is_destructive = false }]

[pipelines.dup]
pre_phases = [
  { name = "x", is_destructive = true },
  { name = "x", is_destructive = false, staleness = "block" },
]
phases = [
  { name = "x", is_destructive = true, staleness = "block" },
  { name = "y", is_destructive = false },
]
`)
  );
  assert.deepEqual(r.problems, [
    "execution.max_concurrent must be >= 1",
    "agent.model must not start with '-' (flag-like values are rejected)",
    "pipelines.empty: must have at least one main phase",
    "pipelines.dup: duplicate phase name 'x'",
    "pipelines.dup: duplicate phase name 'x'",
    "pipelines.dup: pre_phase 'x' cannot be destructive",
    "pipelines.dup: phase 'x' uses staleness 'block' which is incompatible with max_wip > 1",
    "pipelines.dup: phase 'x' uses staleness 'block' which is incompatible with max_wip > 1",
  ]);
});

Deno.test("validateConfig() allows staleness block while max_wip is 1", async () => {
  const c = await toml(MAIN + 'staleness = "block"\n');
  assert.equal(c.pipelines.p!.phases[0]!.staleness, "block");
});

// ---------------------------------------------------------------------------
// JSONC

Deno.test("parseConfigText() reads JSONC with comments and trailing commas like TOML", async () => {
  const fromToml = await toml(
    await Deno.readTextFile(new URL("787d52d-phase-golem.toml", FIXTURES)),
  );
  const fromJsonc = await jsonc(`{
  // same keys as the TOML file
  "$schema": "./phase-golem.schema.json",
  "project": { "prefix": "TG" },
  "guardrails": { "max_size": "medium", "max_complexity": "medium", "max_risk": "medium" },
  "execution": {
    "phase_timeout_minutes": 30, "max_retries": 2, "default_phase_cap": 100,
    "max_wip": 5, "max_concurrent": 3, /* block comment */
  },
  "pipelines": {
    "feature": ${JSON.stringify(upstreamFeature())},
  },
}`);
  assert.deepEqual(fromJsonc, fromToml);
});

Deno.test("parseConfigText() reports JSONC syntax errors with line and column", async () => {
  const r = await problemsOf(() => jsonc('{\n  "project": { "prefix": }\n}'));
  assert.equal(r.code, "Parse");
  assert.deepEqual(r.problems, ["ValueExpected at line 2 column 26"]);
  assert.equal(r.message, "Failed to parse phase-golem.jsonc: ValueExpected at line 2 column 26");
});

Deno.test("parseConfigText() rejects a JSONC document that is not an object", async () => {
  const r = await problemsOf(() => jsonc("[1]"));
  assert.deepEqual(r.problems, ["(top level): invalid type: sequence, expected an object"]);
});

// ---------------------------------------------------------------------------
// Loading

async function fsWith(files: Record<string, string>): Promise<MemoryFileSystem> {
  const fs = new MemoryFileSystem();
  await fs.mkdirp("/p/cfg");
  for (const [path, text] of Object.entries(files)) await fs.writeFile(path, ENC.encode(text));
  return fs;
}

Deno.test("loadConfig() uses the defaults when no config file exists", async () => {
  const loaded = await loadConfig(await fsWith({}), { root: "/p" });
  assert.equal(loaded.path, null);
  assert.equal(loaded.base, "/p");
  assert.deepEqual(loaded.config, defaultConfig());
});

Deno.test("loadConfig() reads phase-golem.toml from the root", async () => {
  const fs = await fsWith({ "/p/phase-golem.toml": '[project]\nprefix = "AB"\n' });
  const loaded = await loadConfig(fs, { root: "/p" });
  assert.equal(loaded.path, "/p/phase-golem.toml");
  assert.equal(loaded.config.project.prefix, "AB");
});

Deno.test("loadConfig() prefers phase-golem.jsonc and warns about the ignored TOML file", async () => {
  const fs = await fsWith({
    "/p/phase-golem.toml": '[project]\nprefix = "TOML"\n',
    "/p/phase-golem.jsonc": '{ "project": { "prefix": "JSONC" } }',
  });
  const warnings: string[] = [];
  const loaded = await loadConfig(fs, { root: "/p", warn: (m) => warnings.push(m) });
  assert.equal(loaded.config.project.prefix, "JSONC");
  assert.equal(loaded.path, "/p/phase-golem.jsonc");
  assert.deepEqual(warnings, [
    "Both phase-golem.jsonc and phase-golem.toml exist in /p; using phase-golem.jsonc and ignoring phase-golem.toml",
  ]);
});

Deno.test("loadConfig() with --config requires the file and uses its directory as base", async () => {
  const fs = await fsWith({ "/p/cfg/custom.jsonc": '{ "execution": { "max_wip": 2 } }' });
  const loaded = await loadConfig(fs, { root: "/p", configPath: "/p/cfg/custom.jsonc" });
  assert.equal(loaded.base, "/p/cfg");
  assert.equal(loaded.config.execution.max_wip, 2);
  await assert.rejects(
    loadConfig(fs, { root: "/p", configPath: "/p/nope.toml" }),
    (e: unknown) =>
      e instanceof ConfigError && e.code === "NotFound" &&
      e.message === "Config file not found: /p/nope.toml",
  );
});

Deno.test("loadConfig() reports a file that is not UTF-8 as a read error", async () => {
  const fs = new MemoryFileSystem();
  await fs.mkdirp("/p");
  await fs.writeFile("/p/phase-golem.toml", new Uint8Array([0xff, 0xfe]));
  await assert.rejects(
    loadConfig(fs, { root: "/p" }),
    (e: unknown) =>
      e instanceof ConfigError && e.code === "Read" &&
      e.message === "Failed to read /p/phase-golem.toml: stream did not contain valid UTF-8",
  );
});

Deno.test("configFormatOf() picks JSONC for .jsonc/.json and TOML otherwise", () => {
  assert.equal(configFormatOf("a/phase-golem.jsonc"), "jsonc");
  assert.equal(configFormatOf("x.JSON"), "jsonc");
  assert.equal(configFormatOf("phase-golem.toml"), "toml");
  assert.equal(configFormatOf("config"), "toml");
});

// ---------------------------------------------------------------------------
// Pipelines and schema

Deno.test("resolvePipeline() uses the item's type, else feature, else the only pipeline (Fix B23)", async () => {
  const two = await toml(MAIN + '[[pipelines.q.phases]]\nname = "b"\n');
  assert.equal(resolvePipeline(two, "q")?.name, "q");
  assert.equal(resolvePipeline(two, null), null);
  assert.equal(resolvePipeline(two, "feature"), null);
  const one = await toml(MAIN);
  assert.equal(resolvePipeline(one, null)?.name, "p");
  assert.equal(resolvePipeline(one, "feature"), null);
  assert.equal(resolvePipeline(one, "constructor"), null);
  const def = defaultConfig();
  assert.equal(resolvePipeline(def, null)?.name, "feature");
  assert.equal(resolvePipeline(def, "feature")?.pipeline, def.pipelines.feature);
});

Deno.test("configJsonSchema() describes every section with defaults and enums", async () => {
  const s = (await configJsonSchema()) as {
    $schema: string;
    properties: Record<string, { properties?: Record<string, Record<string, unknown>> }>;
  };
  assert.equal(s.$schema, "https://json-schema.org/draft/2020-12/schema");
  assert.deepEqual(Object.keys(s.properties), [
    "project",
    "guardrails",
    "execution",
    "agent",
    "triage",
    "pipelines",
    "sync",
  ]);
  const exec = s.properties.execution!.properties!;
  assert.equal(exec.max_wip!.default, 1);
  assert.equal(exec.max_wip!.type, "integer");
  assert.deepEqual(s.properties.agent!.properties!.cli!.enum, [
    "claude",
    "opencode",
    "codex",
    "command",
  ]);
  assert.deepEqual(s.properties.agent!.properties!.command!.type, "array");
  assert.equal(JSON.stringify(s).includes('"additionalProperties":false'), true);
});

Deno.test("schema/phase-golem.schema.json is up to date (run `deno task schema`)", async () => {
  const committed = await Deno.readTextFile(
    new URL("../../../schema/phase-golem.schema.json", import.meta.url),
  );
  assert.equal(committed, JSON.stringify(await configJsonSchema(), null, 2) + "\n");
});

Deno.test("configTemplate() round-trips through the loader with the prefix, the agent and the workflow pack", async () => {
  const c = await jsonc(configTemplate("HAMY"));
  const expected = defaultConfig();
  expected.project.prefix = "HAMY";
  expected.triage = workflowPackTriage();
  expected.pipelines = workflowPackPipelines();
  assert.deepEqual(c, expected);
  assert.deepEqual(Object.keys(c.pipelines), ["feature", "fix"]);
  assert.equal((await jsonc(configTemplate(""))).project.prefix, "");
  for (const agent of ["claude", "codex", "opencode"] as const) {
    assert.deepEqual((await jsonc(configTemplate("X", { agent }))).agent, { cli: agent });
  }
  assert.match(configTemplate("X"), /"\$schema": "\.\/\.phase-golem\/phase-golem\.schema\.json"/);
});

Deno.test("parseConfigText() reads [triage] workflows and rejects unknown keys there", async () => {
  assert.deepEqual((await toml('[triage]\nworkflows = ["guides/triage.md"]\n')).triage, {
    workflows: ["guides/triage.md"],
  });
  const r = await problemsOf(() => jsonc('{ "triage": { "workflow": "x.md" } }'));
  assert.deepEqual([r.code, r.problems], [
    "Parse",
    ["triage.workflow: unknown field `workflow`, expected `workflows`"],
  ]);
});

Deno.test("parseConfigText() reads agent.cli codex and command with its argv template", async () => {
  assert.deepEqual((await toml('[agent]\ncli = "codex"\nmodel = "gpt-5"\n')).agent, {
    cli: "codex",
    model: "gpt-5",
  });
  const c = await jsonc(
    '{ "agent": { "cli": "command", "command": ["my-agent", "--out", "{result_path}", "{prompt}"] } }',
  );
  assert.deepEqual(c.agent, {
    cli: "command",
    command: ["my-agent", "--out", "{result_path}", "{prompt}"],
  });
  // Other CLIs keep (and ignore) a command.
  assert.deepEqual(
    (await toml('[agent]\ncli = "claude"\ncommand = ["x", "{prompt}"]\n')).agent.command,
    ["x", "{prompt}"],
  );
});

Deno.test("parseConfigText() rejects a command that is not a list of strings", async () => {
  const r = await problemsOf(() =>
    toml('[agent]\ncli = "command"\ncommand = "my-agent {prompt}"\n')
  );
  assert.deepEqual(r.problems, [
    'agent.command: invalid type: string "my-agent {prompt}", expected a sequence',
  ]);
  const r2 = await problemsOf(() => toml('[agent]\ncli = "command"\ncommand = ["a", 1]\n'));
  assert.deepEqual(r2.problems, ["agent.command[1]: invalid type: integer `1`, expected a string"]);
});

Deno.test("validateConfig() agent.command rules for cli = command", async () => {
  const table: [string[] | undefined, string[]][] = [
    [["my-agent", "{prompt}"], []],
    [["/opt/bin/agent", "-p", "{prompt}", "--result", "{result_path}"], []],
    [["./agent.sh", "{result_path}", "{prompt}", "{prompt}"], []],
    [undefined, ['agent.command is required when agent.cli is "command"']],
    [[], ['agent.command must not be empty (e.g. ["my-agent", "--prompt", "{prompt}"])']],
    [["{prompt}"], ["agent.command[0] must be a program name, not the placeholder {prompt}"]],
    [["{result_path}", "{prompt}"], [
      "agent.command[0] must be a program name, not the placeholder {result_path}",
    ]],
    [["  ", "{prompt}"], ['agent.command[0] must be a program name, got "  "']],
    [["--help", "{prompt}"], ['agent.command[0] must be a program name, got "--help"']],
    [["a\nb", "{prompt}"], ['agent.command[0] must be a program name, got "a\\nb"']],
    [["my-agent", "--result", "{result_path}"], [
      'agent.command must pass the prompt: add "{prompt}" as one argument',
    ]],
    [["my-agent", "--prompt={prompt}", "--out={result_path}"], [
      'agent.command must pass the prompt: add "{prompt}" as one argument',
      'agent.command[1]: {prompt} must be a whole argument (it is not replaced inside "--prompt={prompt}")',
      'agent.command[2]: {result_path} must be a whole argument (it is not replaced inside "--out={result_path}")',
    ]],
  ];
  for (const [command, expected] of table) {
    const c = await toml("");
    c.agent = command === undefined ? { cli: "command" } : { cli: "command", command };
    assert.deepEqual(validateConfig(c), expected, JSON.stringify(command));
  }
  // Reported with the other rules, after rule 2.
  const r = await problemsOf(() =>
    toml('[execution]\nmax_wip = 0\n[agent]\ncli = "command"\nmodel = "-x"\ncommand = []\n')
  );
  assert.deepEqual(r.problems, [
    "execution.max_wip must be >= 1",
    "agent.model must not start with '-' (flag-like values are rejected)",
    'agent.command must not be empty (e.g. ["my-agent", "--prompt", "{prompt}"])',
  ]);
  // Only cli = "command" uses it.
  const c = await toml("");
  c.agent = { cli: "codex", command: [] };
  assert.deepEqual(validateConfig(c), []);
});

Deno.test("parseConfigText() reads [sync]: the remote, the poll interval and the lease", async () => {
  const options = { format: "toml", path: "phase-golem.toml" } as const;
  const c = await parseConfigText('[sync]\nremote = "origin"\nlease_seconds = 120\n', options);
  assert.deepEqual(c.sync, { remote: "origin", poll_seconds: 10, lease_seconds: 120 });
  assert.equal((await parseConfigText("", options)).sync, undefined);
  await assert.rejects(
    parseConfigText('[sync]\nremote = ""\nlease = 3\n', options),
    (e) => {
      assert.ok(e instanceof ConfigError);
      assert.deepEqual(e.problems, [
        "sync.lease: unknown field `lease`, expected one of `remote`, `poll_seconds`, `lease_seconds`",
      ]);
      return true;
    },
  );
  await assert.rejects(parseConfigText('[sync]\nremote = ""\n', options), (e) => {
    assert.ok(e instanceof ConfigError);
    assert.deepEqual(e.problems, ['sync.remote must name a git remote (e.g. "origin")']);
    return true;
  });
});
