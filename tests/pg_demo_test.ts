/**
 * `pg demo`, the project's main job: offline, the real engine with the
 * scripted agent, a clean repository at the end.
 */

import assert from "node:assert/strict";
import { REPO_ROOT, run } from "./_helpers.ts";

Deno.test("pg demo runs the pipeline end to end and leaves a clean, inspectable repository", async () => {
  const r = await run(Deno.execPath(), [
    "run",
    "--quiet",
    "--allow-all",
    `${REPO_ROOT}/cli/pg.ts`,
    "demo",
  ], {
    cwd: REPO_ROOT,
  });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const dir = /Demo repository: (\S+)/.exec(r.stdout)?.[1];
  assert.ok(dir, r.stdout);
  try {
    assert.match(r.stdout + r.stderr, /Halt reason: AllDoneOrBlocked/);
    assert.match(r.stdout, /pg run exited 0/);
    const git = (...args: string[]) => run("git", args, { cwd: dir });
    assert.equal((await git("status", "--porcelain")).stdout, "", "tree clean after the run");
    const log = (await git("log", "--format=%s")).stdout.trim().split("\n");
    for (const phase of ["triage", "design", "build", "review", "research"]) {
      assert.ok(
        log.some((l) => l.includes(`][${phase}] `)),
        `a ${phase} commit: ${log.join(" | ")}`,
      );
    }
    const done = await Deno.readTextFile(`${dir}/.task-golem/archive.jsonl`);
    for (
      const t of ["Write the config parser", "Add a --verbose flag", "Fix the typo in the README"]
    ) {
      assert.ok(done.includes(`"title":"${t}","status":"done"`), t);
    }
    assert.ok(done.includes("Document the parser's error messages"), "the follow-up was done too");
    const active = await Deno.readTextFile(`${dir}/.task-golem/tasks.jsonl`);
    assert.match(active, /"title":"Redesign the storage layer","status":"blocked"/);
    assert.match(active, /Requires human review before entering pipeline/);
    assert.ok(
      (await Deno.stat(`${dir}/src/write-the-config-parser.ts`)).isFile,
      "the agent wrote code",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
