import assert from "node:assert/strict";
import { DenoProcessRunner, FakeProcessRunner, type ProcessRunner } from "../io/process_runner.ts";
import { TaskStoreError } from "./errors.ts";
import { commit, stageSelf } from "./git.ts";

Deno.test("stageSelf() adds the changed store files (items and event logs) in the repository root", async () => {
  const runner = new FakeProcessRunner([
    { stdout: " M .task-golem/tasks.jsonl\0?? .task-golem/events.jsonl\0" },
    {},
  ]);
  await stageSelf(runner, "/repo");
  assert.deepEqual(runner.calls.map((c) => [c.cmd, c.args, c.options.cwd]), [
    ["git", [
      "status",
      "--porcelain",
      "-z",
      "--untracked-files=all",
      "--",
      ".task-golem/tasks.jsonl",
      ".task-golem/archive.jsonl",
      ".task-golem/events.jsonl",
      ".task-golem/events.archive.jsonl",
    ], "/repo"],
    ["git", ["add", "--", ".task-golem/tasks.jsonl", ".task-golem/events.jsonl"], "/repo"],
  ]);
  const clean = new FakeProcessRunner([{ stdout: "" }]);
  await stageSelf(clean, "/repo");
  assert.equal(clean.calls.length, 1, "nothing to add");
});

Deno.test("commit() commits and returns the trimmed HEAD sha", async () => {
  const runner = new FakeProcessRunner([{}, { stdout: "0123abcd\n" }]);
  assert.equal(await commit(runner, "/repo", "tg: add tg-1"), "0123abcd");
  assert.deepEqual(runner.calls.map((c) => c.args), [
    ["commit", "-m", "tg: add tg-1"],
    ["rev-parse", "HEAD"],
  ]);
});

Deno.test("commit() reports a failing git as Io with its stderr", async () => {
  const runner = new FakeProcessRunner([{ code: 1, stderr: "nothing to commit\n" }]);
  await assert.rejects(commit(runner, "/repo", "m"), (e) => {
    assert.ok(e instanceof TaskStoreError);
    assert.equal(e.code, "Io");
    assert.equal(e.exitCode, 2);
    assert.equal(e.message, "git commit failed: nothing to commit");
    return true;
  });
  assert.equal(runner.calls.length, 1, "no rev-parse after a failed commit");
});

Deno.test("stageSelf() reports a git that cannot start", async () => {
  const missing: ProcessRunner = {
    run: () => Promise.reject(new Error("No such file or directory (os error 2)")),
  };
  await assert.rejects(
    stageSelf(missing, "/repo"),
    (e) =>
      e instanceof TaskStoreError && e.code === "Io" &&
      e.message === "Failed to run git status: No such file or directory (os error 2)",
  );
});

Deno.test("commit() works with a real git repository", async () => {
  const dir = await Deno.makeTempDir({ prefix: "golem-git-test-" });
  const git = (...args: string[]) =>
    new Deno.Command("git", { args, cwd: dir, stdout: "null", stderr: "null" }).output();
  try {
    assert.ok((await git("init", "-q")).success, "git init");
    await git("config", "user.name", "Test");
    await git("config", "user.email", "test@example.com");
    await Deno.mkdir(`${dir}/.task-golem`);
    await Deno.writeTextFile(`${dir}/.task-golem/tasks.jsonl`, '{"schema_version":1}\n');
    await Deno.writeTextFile(`${dir}/.task-golem/archive.jsonl`, '{"schema_version":1}\n');
    await Deno.writeTextFile(`${dir}/.task-golem/events.jsonl`, "");
    const runner = new DenoProcessRunner();
    await stageSelf(runner, dir);
    const sha = await commit(runner, dir, "init store");
    const files = await new Deno.Command("git", {
      args: ["show", "--name-only", "--format=", "HEAD"],
      cwd: dir,
    }).output();
    assert.deepEqual(new TextDecoder().decode(files.stdout).trim().split("\n").sort(), [
      ".task-golem/archive.jsonl",
      ".task-golem/events.jsonl",
      ".task-golem/tasks.jsonl",
    ]);
    assert.match(sha, /^[0-9a-f]{40}$/);
    await assert.rejects(commit(runner, dir, "again"), /^TaskStoreError: git commit failed/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
