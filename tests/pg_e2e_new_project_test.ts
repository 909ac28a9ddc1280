// A user's own repository from zero: `pg init` (no `tg init`), `tg add`,
// a commit and `pg run`, with the default config and the workflow pack that
// `pg init` writes, the fake `claude` of tests/fixtures standing in for the
// agent (as itself on PATH, or through a `command` agent). Each project has
// a PATH of its own (git and the fake), so agent CLIs installed here do not
// count.

import assert from "node:assert/strict";
import { DenoFileSystem } from "../lib/io/fs.ts";
import { loadConfig } from "../lib/orchestrator/config/config_file.ts";
import { type Output, run, TG_ENTRY } from "./_helpers.ts";
import { isolatedPath, PG_ENTRY } from "./_pg.ts";
import type { ClaudeCall } from "./_pg_e2e.ts";

const FAKE_CLAUDE = new URL("./fixtures/fake_claude.ts", import.meta.url).pathname;
const FAKE_ARGV = [Deno.execPath(), "run", "--no-config", "--quiet", "-A", FAKE_CLAUDE];

interface NewProject {
  dir: string;
  pg(args: string[], path?: string): Promise<Output>;
  tg(args: string[]): Promise<Output>;
  git(...args: string[]): Promise<string>;
  scenarios(table: Record<string, unknown>): Promise<void>;
  calls(): Promise<ClaudeCall[]>;
  /** A PATH of its own holding git and `programs` (stubs that print a line). */
  pathWith(programs: string[]): Promise<string>;
  cleanup(): Promise<void>;
}

/** A brand-new git repository (no store, no config) and a PATH with git and, if asked, the fake claude. */
async function newProject(o: { claudeOnPath: boolean }): Promise<NewProject> {
  const base = await Deno.realPath(await Deno.makeTempDir({ prefix: "pg-new-" }));
  const dir = `${base}/repo`;
  const state = `${base}/state`;
  const table = `${base}/scenarios.json`;
  await Deno.mkdir(dir);
  await Deno.writeTextFile(table, "{}");
  const bin = await isolatedPath(`${base}/bin`);
  if (o.claudeOnPath) {
    await Deno.writeTextFile(
      `${bin}/claude`,
      `#!/bin/sh\nexec ${FAKE_ARGV.map((a) => `'${a}'`).join(" ")} "$@"\n`,
      { mode: 0o755 },
    );
  }
  const env = {
    PATH: bin,
    FAKE_CLAUDE_SCENARIOS: table,
    FAKE_CLAUDE_STATE: state,
    TG_AUTHOR: "tester",
  };
  const git = async (...args: string[]) => {
    const r = await run("git", args, { cwd: dir, env });
    if (r.code !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
    return r.stdout.trim();
  };
  await git("init", "-q", "-b", "main");
  await git("config", "user.name", "Test User");
  await git("config", "user.email", "test@example.com");
  await git("config", "commit.gpgsign", "false");
  let extra = 0;
  return {
    dir,
    pg: (args, path = bin) =>
      run(Deno.execPath(), ["run", "--quiet", "-A", PG_ENTRY, ...args], {
        cwd: dir,
        env: { ...env, PATH: path },
      }),
    tg: (args) =>
      run(Deno.execPath(), ["run", "--quiet", "-A", TG_ENTRY, ...args], { cwd: dir, env }),
    git,
    scenarios: (t) => Deno.writeTextFile(table, JSON.stringify(t)),
    calls: async () => {
      const text = await Deno.readTextFile(`${state}/calls.jsonl`).catch(() => "");
      return text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));
    },
    pathWith: (programs) => isolatedPath(`${base}/bin-${++extra}`, programs),
    cleanup: () => Deno.remove(base, { recursive: true }),
  };
}

/** `tg add`, returning the new item's ID. */
async function add(p: NewProject, args: string[]): Promise<string> {
  const r = await p.tg(["add", ...args, "--json"]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout).id;
}

/**
 * The whole set-up and one run: `pg init`, three items (the second after the
 * first), a commit, `pg run`. Triage sends the first item through `feature`
 * with scoping, the second through `feature` directly, the third through
 * `fix`; the agent writes an artifact in each phase and code in each build.
 */
async function initAddRun(p: NewProject): Promise<{ ids: string[]; run: Output }> {
  const init = await p.pg(["init"]);
  assert.equal(init.code, 0, init.stderr);
  assert.match(init.stdout, /\nNext steps:\n/);
  const parser = await add(p, ["Write the config parser"]);
  const verbose = await add(p, ["Add a --verbose flag", "--dep", parser]);
  const typo = await add(p, ["Fix the typo in the README"]);
  await p.git("add", "-A");
  await p.git("commit", "-q", "-m", "Set up phase-golem");

  const triage = (pipeline: string, size: string) => ({
    result: {
      "pipeline_type": pipeline,
      "updated_assessments": { size, complexity: "low", risk: "low", impact: "medium" },
      "commit_summary": `Triage: ${pipeline}`,
    },
  });
  const artifact = (name: string) => ({ artifact: { path: name, content: `# ${name}\n` } });
  const build = (file: string) => ({ "root_file": { path: file, content: `// ${file}\n` } });
  await p.scenarios({
    [`${parser}/triage/*`]: triage("feature", "medium"),
    [`${verbose}/triage/*`]: triage("feature", "small"),
    [`${typo}/triage/*`]: triage("fix", "small"),
    "*/research/*": artifact("research.md"),
    "*/prd/*": artifact("prd.md"),
    "*/tech-research/*": artifact("tech-research.md"),
    "*/design/*": artifact("design.md"),
    "*/spec/*": artifact("spec.md"),
    [`${parser}/build/*`]: build("src/parser.ts"),
    [`${verbose}/build/*`]: build("src/verbose.ts"),
    [`${typo}/build/*`]: build("README.md"),
    "*/review/*": artifact("review.md"),
  });
  return { ids: [parser, verbose, typo], run: await p.pg(["run"]) };
}

/** Checks that the run finished every item through the pack's workflows and left the tree clean. */
async function assertAllDone(p: NewProject, ids: string[], out: Output): Promise<void> {
  const [parser, verbose, typo] = ids as [string, string, string];
  assert.equal(out.code, 0, out.stderr);
  assert.ok(!out.stderr.includes("Preflight"), out.stderr);
  assert.match(out.stderr, /Items completed: /);

  const active = JSON.parse((await p.tg(["list", "--json"])).stdout) as unknown[];
  assert.deepEqual(active, []);
  const done = JSON.parse((await p.tg(["list", "--status", "done", "--json"])).stdout) as {
    id: string;
  }[];
  assert.deepEqual(done.map((it) => it.id).sort(), [...ids].sort());
  assert.equal(await p.git("status", "--porcelain"), "");

  // Each item went through the phases of the pipeline triage chose.
  const calls = await p.calls();
  const phasesOf = (id: string) => calls.filter((c) => c.item === id).map((c) => c.phase);
  const main = ["prd", "tech-research", "design", "spec", "build", "review"];
  assert.deepEqual(phasesOf(parser), ["triage", "research", ...main]);
  assert.deepEqual(phasesOf(verbose), ["triage", ...main]);
  assert.deepEqual(phasesOf(typo), ["triage", "build", "review"]);
  const at = (id: string, phase: string) =>
    calls.findIndex((c) => c.item === id && c.phase === phase);
  assert.ok(at(parser, "review") < at(verbose, "prd"), "the dependency finished first");

  // Every prompt names a workflow of the pack that exists, the pipeline's own.
  for (const c of calls) {
    const named = [
      ...c.prompt.matchAll(/Read and follow the (?:workflow|triage guide) at `([^`]+)`/g),
    ]
      .map((m) => m[1]!);
    const expected = c.phase === "triage"
      ? "phase-golem-workflows/triage.md"
      : `phase-golem-workflows/${c.item === typo ? "fix" : "feature"}/${c.phase}.md`;
    assert.deepEqual(named, [`${p.dir}/${expected}`], `${c.item} ${c.phase}`);
    assert.ok((await Deno.stat(named[0]!)).isFile);
  }

  // The agents' files are committed, with a commit per phase.
  const files = (await p.git("ls-files")).split("\n");
  for (const f of ["src/parser.ts", "src/verbose.ts"]) assert.ok(files.includes(f), f);
  assert.equal(await Deno.readTextFile(`${p.dir}/README.md`), "// README.md\n");
  for (const id of [parser, verbose]) {
    for (const name of ["prd.md", "spec.md", "review.md"]) {
      assert.ok(files.some((f) => f.startsWith(`changes/${id}_`) && f.endsWith(`/${name}`)));
    }
  }
  const subjects = await p.git("log", "--format=%s");
  for (const s of [`[${typo}][build]`, `[${typo}][review]`, `[${parser}][research]`]) {
    assert.ok(subjects.includes(s), s);
  }
}

Deno.test("a new repository: pg init, tg add, commit, pg run with claude on PATH and the default config and workflow pack: every item done, tree clean", async () => {
  const p = await newProject({ claudeOnPath: true });
  try {
    const { ids, run } = await initAddRun(p);
    const { config } = await loadConfig(new DenoFileSystem(), { root: p.dir });
    assert.deepEqual(config.agent, { cli: "claude" }, "pg init wrote the agent on PATH");
    await assertAllDone(p, ids, run);
    assert.ok((await p.calls()).every((c) => c.argv[0] === "--dangerously-skip-permissions"));
  } finally {
    await p.cleanup();
  }
});

Deno.test("a new repository: the same with a command agent", async () => {
  const p = await newProject({ claudeOnPath: false });
  try {
    // No agent CLI on PATH: pg init writes the default; the user selects a command agent.
    const init = await p.pg(["init"]);
    assert.match(init.stdout, /Agent: claude \(none of claude, codex, opencode is on PATH/);
    const path = `${p.dir}/phase-golem.jsonc`;
    const text = await Deno.readTextFile(path);
    const command = JSON.stringify([...FAKE_ARGV, "-p", "{prompt}"]);
    assert.ok(text.includes('"cli": "claude"'));
    await Deno.writeTextFile(
      path,
      text.replace('"cli": "claude"', `"cli": "command", "command": ${command}`),
    );
    const { ids, run } = await initAddRun(p);
    assert.equal(
      (await loadConfig(new DenoFileSystem(), { root: p.dir })).config.agent.cli,
      "command",
    );
    await assertAllDone(p, ids, run);
    assert.ok((await p.calls()).every((c) => c.argv[0] === "-p"));
  } finally {
    await p.cleanup();
  }
});

Deno.test("pg run without the configured agent CLI names the ones on PATH and the config line that selects one", async () => {
  const p = await newProject({ claudeOnPath: true });
  try {
    assert.equal((await p.pg(["init"])).code, 0);
    await p.git("add", "-A");
    await p.git("commit", "-q", "-m", "Set up phase-golem");
    const codexOnly = await p.pathWith(["codex"]);
    for (const command of ["run", "triage"]) {
      const r = await p.pg([command], codexOnly);
      assert.equal(r.code, 1);
      assert.ok(
        r.stderr.endsWith(
          "Error: Claude CLI not found on PATH. Install: https://docs.anthropic.com/en/docs/claude-code " +
            "(Failed to spawn 'claude': entity not found)\n" +
            '  Config: phase-golem.jsonc → agent.cli ("claude")\n' +
            "  Fix: Install claude, or use an agent CLI that is on PATH (codex): " +
            'set "cli": "codex" in the "agent" section of phase-golem.jsonc\n',
        ),
        r.stderr,
      );
    }
    // The line it names is the fix.
    const path = `${p.dir}/phase-golem.jsonc`;
    await Deno.writeTextFile(
      path,
      (await Deno.readTextFile(path)).replace('"cli": "claude"', '"cli": "codex"'),
    );
    await p.git("commit", "-q", "-am", "Use codex");
    const fixed = await p.pg(["run"], codexOnly);
    assert.equal(fixed.code, 0, fixed.stderr);
    assert.match(fixed.stderr, /Agent: Codex CLI/);
  } finally {
    await p.cleanup();
  }
});
