/**
 * The GitHub workflows, checked as far as this machine can: they parse, name
 * only tasks, scripts and actions that exist, release what the issue asks
 * for, and their shell steps work. The steps that need GitHub or Deno's
 * runtime download (compiling, uploading, publishing) cannot run here; the
 * tag check, the smoke test (against stand-ins for the binaries that run the
 * sources with the compile task's permissions), the archives and the
 * checksums do.
 */

import assert from "node:assert/strict";
import { parseDocument } from "yaml";
import { REPO_ROOT, run } from "./_helpers.ts";
import { denoConfig, taskPrograms } from "./_package.ts";

/** The parts of a workflow these tests read. */
interface Workflow {
  name: string;
  on: Record<string, Record<string, unknown> | null>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

interface Job {
  uses?: string;
  needs?: string | string[];
  permissions?: Record<string, string>;
  strategy?: { matrix?: Record<string, unknown[]> };
  steps?: Step[];
}

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  "working-directory"?: string;
}

const DIR = `${REPO_ROOT}/.github/workflows`;
const TARGETS = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
  "x86_64-pc-windows-msvc",
];

async function workflow(file: string): Promise<Workflow> {
  const doc = parseDocument(await Deno.readTextFile(`${DIR}/${file}`), { prettyErrors: true });
  assert.deepEqual([...doc.errors, ...doc.warnings].map((e) => e.message), [], file);
  return doc.toJS() as Workflow;
}

function steps(wf: Workflow): Step[] {
  return Object.values(wf.jobs).flatMap((j) => j.steps ?? []);
}

function needs(job: Job): string[] {
  return job.needs === undefined ? [] : [job.needs].flat();
}

/** The one step of `job` whose `run` satisfies `test`. */
function stepRunning(job: Job | undefined, test: (run: string) => boolean): Step {
  const found = (job?.steps ?? []).filter((s) => s.run !== undefined && test(s.run));
  assert.equal(found.length, 1, `one step runs it: ${test}`);
  return found[0]!;
}

Deno.test("the workflows parse and use only tasks, scripts, actions and jobs that exist", async () => {
  const files = (await Array.fromAsync(Deno.readDir(DIR))).map((e) => e.name).sort();
  assert.deepEqual(files, ["ci.yml", "release.yml"]);
  const { tasks } = await denoConfig();
  const ciRun = await Deno.readTextFile(`${REPO_ROOT}/.ci/run`);
  const pinned = /deno@(\d+\.\d+\.\d+)/.exec(ciRun)?.[1];
  assert.ok(pinned, ".ci/run installs a pinned Deno");
  assert.ok(
    ((await Deno.stat(`${REPO_ROOT}/.ci/run`)).mode! & 0o111) !== 0,
    ".ci/run is executable",
  );
  for (const file of files) {
    const wf = await workflow(file);
    assert.ok(wf.name && wf.on && wf.jobs, `${file}: name, on, jobs`);
    assert.deepEqual(wf.permissions, { contents: "read" }, `${file}: read-only by default`);
    for (const [name, job] of Object.entries(wf.jobs)) {
      for (const need of needs(job)) assert.ok(need in wf.jobs, `${file}: ${name} needs ${need}`);
      if (job.uses?.startsWith("./")) await Deno.stat(`${REPO_ROOT}/${job.uses}`);
    }
    for (const step of steps(wf)) {
      for (const [, task] of step.run?.matchAll(/deno task ([\w:-]+)/g) ?? []) {
        assert.ok(task! in tasks, `${file}: task "${task}" exists`);
      }
      if (step.run?.includes(".ci/run")) assert.equal(step.run.trim(), ".ci/run");
      if (step.uses?.startsWith("denoland/setup-deno@")) {
        assert.equal(step.with?.["deno-version"], pinned, `${file}: the Deno of .ci/run`);
      }
    }
  }
});

Deno.test("ci.yml runs the checks and .ci/run on pushes and pull requests, and for the release", async () => {
  const ci = await workflow("ci.yml");
  assert.deepEqual(Object.keys(ci.on).sort(), ["pull_request", "push", "workflow_call"]);
  assert.deepEqual(ci.on.push, { branches: ["**"] }, "branch pushes (a tag runs the release)");
  const commands = steps(ci).map((s) => s.run).filter((r) => r !== undefined);
  assert.deepEqual(commands, [
    "deno fmt --check && deno lint && deno check . && deno doc --lint mod.ts",
    ".ci/run",
    "deno publish --dry-run",
  ]);
});

Deno.test("release.yml tests, compiles five targets with the compile task, releases with checksums, publishes to JSR", async () => {
  const { jobs, on } = await workflow("release.yml");
  const { version } = await denoConfig();
  const tags = (on.push?.tags as string[]).map((g) => new RegExp(`^${g.replaceAll("*", ".*")}$`));
  assert.ok(tags.some((re) => re.test(`v${version}`)) && !tags.some((re) => re.test("main")));
  assert.equal(jobs.test?.uses, "./.github/workflows/ci.yml");

  assert.deepEqual(needs(jobs.build!), ["test"]);
  assert.deepEqual(jobs.build?.strategy?.matrix?.target, TARGETS);
  const compile = stepRunning(jobs.build, (r) => r.includes("compile"));
  assert.equal(compile.run, "deno task compile", "the compile task: the query worker included");
  assert.deepEqual(compile.env, { COMPILE_FLAGS: "--target ${{ matrix.target }}" });
  assert.equal(jobs.build?.permissions, undefined);

  assert.deepEqual(needs(jobs.release!), ["build"]);
  assert.deepEqual(jobs.release?.permissions, { contents: "write" });
  stepRunning(jobs.release, (r) => r.includes("SHA256SUMS"));
  const release = stepRunning(jobs.release, (r) => r.startsWith("gh release create"));
  assert.match(release.run!, /"\$GITHUB_REF_NAME" dist\/\* /);

  assert.deepEqual(needs(jobs.jsr!), ["release"]);
  assert.deepEqual(jobs.jsr?.permissions, { contents: "read", "id-token": "write" });
  stepRunning(jobs.jsr, (r) => r === "deno publish"); // provenance is on by default in Actions
});

const TOOLS = ["bash", "git", "jq", "tar", "zip", "unzip", "sha256sum"];
const missing = await (async () => {
  for (const tool of TOOLS) {
    const found = await run("bash", ["-c", `command -v ${tool}`], { cwd: REPO_ROOT }).catch(() =>
      null
    );
    if (found?.code !== 0) return tool;
  }
  return null;
})();
// deno-lint-ignore no-console
if (missing) console.log(`skipping the release steps test: ${missing} is not installed`);

Deno.test({
  name: "release.yml's shell steps work: the tag check, the smoke test, archives and checksums",
  ignore: missing !== null,
  async fn() {
    const { jobs } = await workflow("release.yml");
    const { version, tasks } = await denoConfig();
    // A checkout whose bin/ holds stand-ins for the compiled programs.
    const ws = await Deno.makeTempDir({ prefix: "golem-release-" });
    try {
      for (const file of ["deno.json", "README.md", "LICENSE"]) {
        await Deno.copyFile(`${REPO_ROOT}/${file}`, `${ws}/${file}`);
      }
      await Deno.mkdir(`${ws}/bin`);
      for (const p of taskPrograms(tasks.compile!)) {
        const args = ["run", "--quiet", ...p.permissions, `${REPO_ROOT}/${p.entry}`];
        const script = `#!/bin/sh\nexec '${Deno.execPath()}' ${args.join(" ")} "$@"\n`;
        await Deno.writeTextFile(`${ws}/bin/${p.name}`, script, { mode: 0o755 });
      }
      const step = (job: Job | undefined, name: string) => {
        const s = job?.steps?.find((s) => s.name === name);
        assert.ok(s?.run, `step "${name}"`);
        return s;
      };
      const bash = async (s: Step, env: Record<string, string>, target = TARGETS[0]!) => {
        const script = s.run!.replaceAll("${{ matrix.target }}", target);
        assert.ok(!script.includes("${{"), `only the matrix target is substituted: ${script}`);
        const cwd = `${ws}/${s["working-directory"] ?? ""}`;
        return await run("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", script], {
          cwd,
          env: { ...s.env, ...env },
        });
      };
      const tag = { GITHUB_REF_NAME: `v${version}` };

      const check = step(jobs.build, "Check that the tag is the version in deno.json");
      assert.equal((await bash(check, tag)).code, 0);
      assert.notEqual((await bash(check, { GITHUB_REF_NAME: "v0.0.0-other" })).code, 0);

      const smoke = await bash(step(jobs.build, "Smoke test"), tag);
      assert.equal(smoke.code, 0, smoke.stderr);
      assert.match(smoke.stdout, /Created item: tg-\w+ - Smoke test/);
      assert.match(smoke.stdout, /Initialized phase-golem/);

      for (const target of TARGETS) {
        const r = await bash(step(jobs.build, "Archive"), tag, target);
        assert.equal(r.code, 0, r.stderr);
      }
      const sums = await bash(step(jobs.release, "Checksums"), tag);
      assert.equal(sums.code, 0, sums.stderr);

      const dist = `${ws}/dist`;
      const archives = TARGETS.map((t) =>
        `golem-v${version}-${t}.${t.includes("windows") ? "zip" : "tar.gz"}`
      );
      assert.deepEqual(
        (await Array.fromAsync(Deno.readDir(dist))).map((e) => e.name).sort(),
        [...archives, "SHA256SUMS"].sort(),
      );
      const verify = await run("sha256sum", ["--check", "SHA256SUMS"], { cwd: dist });
      assert.equal(verify.code, 0, verify.stdout + verify.stderr);
      for (const archive of archives) {
        const list = archive.endsWith(".zip")
          ? await run("unzip", ["-Z1", archive], { cwd: dist })
          : await run("tar", ["-tzf", archive], { cwd: dist });
        const top = archive.replace(/\.(zip|tar\.gz)$/, "");
        assert.deepEqual(
          list.stdout.trim().split("\n").filter((l) => !l.endsWith("/")).sort(),
          [`${top}/LICENSE`, `${top}/README.md`, `${top}/pg`, `${top}/tg`],
        );
      }
    } finally {
      await Deno.remove(ws, { recursive: true });
    }
  },
});
