// Black-box tests of `pg init`: the real CLI in temporary git repositories,
// each with a PATH of its own so that agent CLIs installed here do not count.

import assert from "node:assert/strict";
import { GITATTRIBUTES_LINES } from "../mod.ts";
import { DenoFileSystem } from "../lib/io/fs.ts";
import { loadConfig } from "../lib/orchestrator/config/config_file.ts";
import { workflowPackFiles } from "../lib/orchestrator/config/workflow_pack_files.ts";
import { readText, tempRepo } from "./_helpers.ts";
import { isolatedPath, makeStore, pg } from "./_pg.ts";
import { e2eItem } from "./_pg_e2e.ts";

const NEXT_STEPS = "Next steps:\n" +
  '  tg add "Describe one change"            # add backlog items; --dep ID waits for item ID\n' +
  "  git add .gitattributes .gitignore .task-golem phase-golem.jsonc phase-golem-workflows\n" +
  '  git commit -m "Set up phase-golem"\n' +
  "  pg run                                  # triage, then each item through its pipeline\n";

/** Every file under `dir` but `.git/`, with its content. */
async function snapshot(dir: string, sub = ""): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for await (const e of Deno.readDir(`${dir}/${sub}`)) {
    const rel = sub === "" ? e.name : `${sub}/${e.name}`;
    if (rel === ".git") continue;
    if (e.isDirectory) Object.assign(out, await snapshot(dir, rel), { [`${rel}/`]: "" });
    else out[rel] = await Deno.readTextFile(`${dir}/${rel}`);
  }
  return out;
}

/** A temp git repository and a PATH of its own holding `programs`. */
async function setup(programs: string[] = []) {
  const repo = await tempRepo();
  const bin = await Deno.makeTempDir({ prefix: "pg-init-bin-" });
  const env = { PATH: await isolatedPath(bin, programs) };
  return {
    dir: repo.dir,
    env,
    init: (args: string[] = [], cwd = repo.dir) => pg(["init", ...args], cwd, env),
    cleanup: async () => {
      await repo.cleanup();
      await Deno.remove(bin, { recursive: true });
    },
  };
}

Deno.test("pg init sets up a new repository: store, config with the agent on PATH, workflow pack, folders, next steps", async () => {
  const t = await setup(["codex", "opencode"]);
  try {
    await Deno.writeTextFile(`${t.dir}/.gitignore`, "node_modules/");
    const first = await t.init(["--prefix", "HAMY"]);
    assert.equal(first.stderr, "");
    assert.equal(first.code, 0);
    assert.equal(
      first.stdout,
      "Initialized phase-golem in .\n" +
        "  Created: .task-golem/, .gitattributes, phase-golem.jsonc, " +
        "phase-golem-workflows/ (11 files), _ideas/, _worklog/, changes/, .phase-golem/\n" +
        "  Updated: .gitignore\n" +
        "  Agent: codex (found on PATH; also there: opencode, see agent.cli)\n\n" + NEXT_STEPS,
    );

    // The store, as `tg init` creates it (merge-driver lines included).
    assert.equal(await readText(`${t.dir}/.task-golem/tasks.jsonl`), '{"schema_version":1}\n');
    assert.equal(
      await readText(`${t.dir}/.gitattributes`),
      GITATTRIBUTES_LINES.map((l) => l + "\n").join(""),
    );
    assert.equal(await readText(`${t.dir}/.gitignore`), "node_modules/\n.phase-golem/\n");
    for (const d of ["_ideas", "_worklog", "changes", ".phase-golem"]) {
      assert.ok((await Deno.stat(`${t.dir}/${d}`)).isDirectory, d);
    }
    const schema = JSON.parse((await readText(`${t.dir}/.phase-golem/phase-golem.schema.json`))!);
    assert.equal(schema.title, "phase-golem configuration");

    // The config names the agent and the pack; every file it references exists.
    const { config, base } = await loadConfig(new DenoFileSystem(), { root: t.dir });
    assert.equal(config.project.prefix, "HAMY");
    assert.deepEqual(config.agent, { cli: "codex" });
    assert.deepEqual(Object.keys(config.pipelines), ["feature", "fix"]);
    const referenced = [
      ...config.triage.workflows,
      ...Object.values(config.pipelines).flatMap((p) =>
        [...p.pre_phases, ...p.phases].flatMap((ph) => ph.workflows)
      ),
    ];
    assert.equal(new Set(referenced).size, 10);
    for (const path of referenced) {
      assert.ok((await Deno.stat(`${base}/${path}`)).isFile, path);
    }
    for (const file of workflowPackFiles()) {
      assert.equal(await readText(`${t.dir}/${file.path}`), file.text, file.path);
    }

    // A second run changes nothing, whatever it is given.
    const before = await snapshot(t.dir);
    const second = await pg(["init", "--prefix", "OTHER"], t.dir, {
      PATH: await isolatedPath(`${t.env.PATH}/only-claude`, ["claude"]),
    });
    assert.equal(second.code, 0, second.stderr);
    assert.equal(
      second.stdout,
      "Initialized phase-golem in .\n" +
        "  Kept (already there): .task-golem/, phase-golem.jsonc, phase-golem-workflows/ (11 files)\n" +
        "\n" + NEXT_STEPS,
    );
    assert.deepEqual(await snapshot(t.dir), before);

    const status = await pg(["status"], t.dir);
    assert.deepEqual([status.code, status.stdout], [0, "No items in backlog.\n"]);
  } finally {
    await t.cleanup();
  }
});

Deno.test("pg init names the agent: claude first, --agent NAME, or none on PATH", async () => {
  const cases: [string[], string[], string, string][] = [
    [
      ["opencode", "codex", "claude"],
      [],
      "claude",
      "Agent: claude (found on PATH; also there: codex, opencode, see agent.cli)",
    ],
    [
      [],
      [],
      "claude",
      "Agent: claude (none of claude, codex, opencode is on PATH: install one, " +
      "or set agent.cli in phase-golem.jsonc)",
    ],
    [["codex"], ["--agent", "codex"], "codex", "Agent: codex (chosen with --agent, found on PATH)"],
    [
      ["claude"],
      ["--agent", "opencode"],
      "opencode",
      "Agent: opencode (chosen with --agent; not on PATH: install it before `pg run`)",
    ],
  ];
  for (const [programs, args, cli, line] of cases) {
    const t = await setup(programs);
    try {
      const r = await t.init(args);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(r.stdout.includes(`\n  ${line}\n\nNext steps:\n`), r.stdout);
      const { config } = await loadConfig(new DenoFileSystem(), { root: t.dir });
      assert.equal(config.agent.cli, cli);
    } finally {
      await t.cleanup();
    }
  }

  const t = await setup(["claude"]);
  try {
    const bad = await t.init(["--agent", "aider"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /invalid value 'aider' for '--agent <NAME>'/);
    assert.match(bad.stderr, /possible values: claude, codex, opencode/);
    assert.equal(await readText(`${t.dir}/phase-golem.jsonc`), null);

    assert.equal((await t.init()).code, 0);
    const config = await readText(`${t.dir}/phase-golem.jsonc`);
    const again = await t.init(["--agent", "codex"]);
    assert.equal(again.code, 0);
    assert.equal(
      again.stderr,
      "Warning: --agent codex ignored: phase-golem.jsonc exists and was kept; set agent.cli in it\n",
    );
    assert.equal(await readText(`${t.dir}/phase-golem.jsonc`), config);
  } finally {
    await t.cleanup();
  }
});

Deno.test("pg init restores missing workflow files and never overwrites an edited one", async () => {
  const t = await setup(["claude"]);
  try {
    assert.equal((await t.init()).code, 0);
    const edited = `${t.dir}/phase-golem-workflows/feature/build.md`;
    await Deno.writeTextFile(edited, "# Build\n\nRun `make check`.\n");
    await Deno.remove(`${t.dir}/phase-golem-workflows/fix/review.md`);
    await Deno.remove(`${t.dir}/_ideas`);
    const r = await t.init();
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split("\n");
    assert.equal(lines[1], "  Created: phase-golem-workflows/fix/review.md, _ideas/");
    assert.ok(lines[2]!.startsWith("  Kept (already there): .task-golem/, phase-golem.jsonc, "));
    assert.ok(lines[2]!.includes(", phase-golem-workflows/feature/build.md, "));
    assert.equal(lines[2]!.split(", ").length, 12, "the store, the config, ten workflows");
    assert.equal(await readText(edited), "# Build\n\nRun `make check`.\n");
    const restored = workflowPackFiles().find((f) => f.path.endsWith("fix/review.md"))!;
    assert.equal(await readText(`${t.dir}/${restored.path}`), restored.text);
  } finally {
    await t.cleanup();
  }
});

Deno.test("pg init checks git in --root, validates the prefix, keeps a store and an upstream TOML config", async () => {
  const outside = await tempRepo(false);
  const t = await setup();
  try {
    const noGit = await pg(["init"], outside.dir, t.env);
    assert.deepEqual([noGit.code, noGit.stderr], [
      1,
      "Error: Not a git repository. Run `git init` first.\n",
    ]);
    const badPrefix = await t.init(["--prefix", "W R K"], outside.dir);
    assert.deepEqual([badPrefix.code, badPrefix.stderr], [
      1,
      "Error: Prefix must contain only alphanumeric characters, hyphens, and underscores\n",
    ]);
    await makeStore(t.dir, [e2eItem("WRK-001", "New")]);
    const toml = '[project]\nprefix = "TG"\n\n[[pipelines.feature.phases]]\nname = "build"\n' +
      'workflows = ["workflows/build.md"]\n';
    await Deno.writeTextFile(`${t.dir}/phase-golem.toml`, toml);
    // [Fix] B15: the git check runs in --root, not in the process's directory.
    const ok = await pg(["--root", t.dir, "init"], outside.dir, t.env);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stderr, "");
    assert.equal(
      ok.stdout,
      `Initialized phase-golem in ${t.dir}\n` +
        "  Created: _ideas/, _worklog/, changes/, .phase-golem/, .gitignore\n" +
        "  Kept (already there): .task-golem/, phase-golem.toml\n" +
        "  Not written: phase-golem-workflows/ (phase-golem.toml does not use the workflow pack)\n" +
        "\nNext steps:\n" +
        `  cd ${t.dir}\n` +
        '  tg add "Describe one change"            # add backlog items; --dep ID waits for item ID\n' +
        "  git add .gitignore .task-golem phase-golem.toml\n" +
        '  git commit -m "Set up phase-golem"\n' +
        "  pg run                                  # triage, then each item through its pipeline\n",
    );
    assert.equal(await readText(`${t.dir}/phase-golem.toml`), toml);
    assert.equal(await readText(`${t.dir}/phase-golem.jsonc`), null);
    assert.equal(await Deno.stat(`${t.dir}/phase-golem-workflows`).catch(() => null), null);
    assert.equal(await readText(`${t.dir}/.gitattributes`), null, "the store was there");
    const status = await pg(["status"], t.dir);
    assert.match(status.stdout, /^WRK-001 +new /m);
  } finally {
    await outside.cleanup();
    await t.cleanup();
  }
});
