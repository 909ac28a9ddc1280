import assert from "node:assert/strict";
import { PgError } from "../../adapter/pg_error.ts";
import { DenoFileSystem } from "../../io/fs.ts";
import { FakeProcessRunner } from "../../io/process_runner.ts";
import { GitRepo, parsePorcelainZ, unstagedPaths } from "./git.ts";
import { testRepo } from "../../_testing/test_repo.ts";

Deno.test("parsePorcelainZ() reads plain, untracked and renamed entries verbatim", () => {
  const out = ' M src/a.ts\0?? dir/new file.txt\0R  new\nname.md\0old "q".md\0?? ünï.txt\0';
  assert.deepEqual(parsePorcelainZ(out), [
    { index: " ", worktree: "M", path: "src/a.ts" },
    { index: "?", worktree: "?", path: "dir/new file.txt" },
    { index: "R", worktree: " ", path: "new\nname.md", origPath: 'old "q".md' },
    { index: "?", worktree: "?", path: "ünï.txt" },
  ]);
  assert.deepEqual(parsePorcelainZ(""), []);
});

Deno.test("parsePorcelainZ() rejects malformed entries and renames without a source", () => {
  assert.throws(() => parsePorcelainZ("XY\0"), SyntaxError);
  assert.throws(() => parsePorcelainZ("R  new\0"), /Rename without its source/);
});

Deno.test("unstagedPaths() skips fully staged entries", () => {
  const entries = parsePorcelainZ("R  b\0a\0D  gone\0 D del\0RM c\0d\0?? e\0");
  assert.deepEqual(unstagedPaths(entries), ["del", "c", "e"]);
});

Deno.test("GitRepo stages a staged rename and deletion without failing", async () => {
  const repo = await testRepo();
  try {
    await repo.sh("mv", "README.md", "DOCS.md");
    await repo.sh("rm", "-q", ".gitignore");
    await Deno.writeTextFile(`${repo.dir}/DOCS.md`, "changed after the rename\n");
    assert.deepEqual(await repo.git.stageDirty(), ["DOCS.md"]);
    assert.ok((await repo.git.commit("rename")).committed);
    assert.equal(await repo.sh("status", "--porcelain"), "");
  } finally {
    await repo.cleanup();
  }
});

Deno.test("GitRepo passes --literal-pathspecs and paths after --, never through a shell", async () => {
  const runner = new FakeProcessRunner();
  const git = new GitRepo({ runner, root: "/repo", fs: new DenoFileSystem() });
  await git.stagePaths(["-rf", ":(glob)*", "$(rm -rf ~)"]);
  assert.deepEqual(runner.calls[0], {
    cmd: "git",
    args: ["--literal-pathspecs", "add", "-A", "--", "-rf", ":(glob)*", "$(rm -rf ~)"],
    options: { cwd: "/repo" },
  });
});

Deno.test("GitRepo.isAncestor() validates the SHA before running git", async () => {
  const runner = new FakeProcessRunner();
  const git = new GitRepo({ runner, root: "/repo", fs: new DenoFileSystem() });
  await assert.rejects(
    () => git.isAncestor("HEAD; rm -rf /"),
    /Git error: Invalid SHA: 'HEAD; rm -rf \/'/,
  );
  await assert.rejects(() => git.isAncestor(""), /Invalid SHA: ''/);
  assert.equal(runner.calls.length, 0);
});

Deno.test("GitRepo stages hostile file names literally and commits only when staged", async () => {
  const repo = await testRepo();
  try {
    const names = ["a b.txt", "new\nline.txt", '"quoted".txt', "*", ":(glob)x", "-dash", "ü.txt"];
    for (const n of names) await Deno.writeTextFile(`${repo.dir}/${n}`, n);
    await Deno.rename(`${repo.dir}/README.md`, `${repo.dir}/READ ME.md`);
    const staged = await repo.git.stageDirty();
    assert.deepEqual(new Set(staged), new Set([...names, "README.md", "READ ME.md"]));
    const r = await repo.git.commit("[WRK-001][build] Add files");
    assert.ok(r.committed);
    assert.equal(await repo.sh("status", "--porcelain"), "");
    const files = (await repo.sh("ls-files", "-z")).split("\0").filter((f) => f !== "");
    for (const n of names) assert.ok(files.includes(n), n);
    assert.deepEqual(await repo.git.commit("nothing"), {
      committed: false,
      reason: "nothing_staged",
    });
    assert.equal(
      (await repo.sh("log", "--format=%s")).split("\n")[0],
      "[WRK-001][build] Add files",
    );
  } finally {
    await repo.cleanup();
  }
});

Deno.test("GitRepo never stages or commits paths staged before the run", async () => {
  const repo = await testRepo();
  try {
    await Deno.writeTextFile(`${repo.dir}/foreign.txt`, "someone else's work\n");
    await repo.sh("add", "foreign.txt");
    const foreign = await repo.git.stagedPaths();
    assert.deepEqual([...foreign], ["foreign.txt"]);
    await Deno.writeTextFile(`${repo.dir}/mine.txt`, "agent output\n");
    await Deno.writeTextFile(`${repo.dir}/foreign.txt`, "someone else's work, edited\n");
    const staged = await repo.git.stageDirty({ exclude: foreign });
    assert.deepEqual(staged, ["mine.txt"]);
    const r = await repo.git.commit("[WRK-001][build] Mine", { exclude: foreign });
    assert.ok(r.committed);
    const inCommit = (await repo.sh("show", "--name-only", "--format=", "HEAD")).trim();
    assert.equal(inCommit, "mine.txt");
    // The foreign file is still staged (its first version) and modified.
    assert.equal(await repo.sh("status", "--porcelain"), "AM foreign.txt\n");
    // With only foreign paths staged there is nothing to commit.
    assert.deepEqual(await repo.git.commit("x", { exclude: foreign }), {
      committed: false,
      reason: "nothing_staged",
    });
  } finally {
    await repo.cleanup();
  }
});

Deno.test("GitRepo.commit() reports a rejecting pre-commit hook with git's output", async () => {
  const repo = await testRepo();
  try {
    await Deno.mkdir(`${repo.dir}/.hooks`);
    await Deno.writeTextFile(
      `${repo.dir}/.hooks/pre-commit`,
      "#!/bin/sh\necho 'hook says no' >&2\nexit 1\n",
    );
    await Deno.chmod(`${repo.dir}/.hooks/pre-commit`, 0o755);
    await repo.sh("config", "core.hooksPath", ".hooks");
    await Deno.writeTextFile(`${repo.dir}/x.txt`, "x");
    await repo.git.stagePaths(["x.txt"]);
    await assert.rejects(
      () => repo.git.commit("msg"),
      (e) => e instanceof PgError && e.code === "Git" && /hook says no/.test(e.message),
    );
  } finally {
    await repo.cleanup();
  }
});

Deno.test("GitRepo.headSha() and isAncestor() follow history", async () => {
  const repo = await testRepo();
  try {
    const first = await repo.git.headSha();
    assert.match(first, /^[0-9a-f]{40}$/);
    await Deno.writeTextFile(`${repo.dir}/x.txt`, "x");
    await repo.git.stageDirty();
    await repo.git.commit("second");
    assert.equal(await repo.git.isAncestor(first), true);
    await repo.sh("checkout", "-q", "--orphan", "other");
    await repo.sh("commit", "-q", "-m", "orphan");
    assert.equal(await repo.git.isAncestor(first), false);
    await assert.rejects(
      () => repo.git.isAncestor("0123456789abcdef0123456789abcdef01234567"),
      PgError,
    );
  } finally {
    await repo.cleanup();
  }
});

Deno.test("GitRepo.preconditionFailure() checks repo, clean tree, branch, rebase, merge in order", async () => {
  const repo = await testRepo();
  try {
    assert.equal(await repo.git.preconditionFailure(), null);
    await Deno.writeTextFile(`${repo.dir}/dirty.txt`, "x");
    assert.equal(
      await repo.git.preconditionFailure(),
      "Working tree is not clean. Commit or stash changes before running phase-golem.",
    );
    await Deno.remove(`${repo.dir}/dirty.txt`);
    await repo.sh("checkout", "-q", "--detach");
    assert.equal(
      await repo.git.preconditionFailure(),
      "Detached HEAD state detected. Check out a branch before running phase-golem.",
    );
    await repo.sh("checkout", "-q", "main");
    await Deno.mkdir(`${repo.dir}/.git/rebase-merge`);
    assert.equal(
      await repo.git.preconditionFailure(),
      "Rebase in progress. Complete or abort the rebase before running phase-golem.",
    );
    await Deno.remove(`${repo.dir}/.git/rebase-merge`);
    await Deno.writeTextFile(`${repo.dir}/.git/MERGE_HEAD`, await repo.git.headSha());
    assert.equal(
      await repo.git.preconditionFailure(),
      "Merge in progress. Complete or abort the merge before running phase-golem.",
    );
  } finally {
    await repo.cleanup();
  }
  const plain = await Deno.makeTempDir();
  try {
    const git = new GitRepo({
      runner: new (await import("../../io/process_runner.ts")).DenoProcessRunner(),
      root: plain,
      fs: new DenoFileSystem(),
    });
    // GIT_CEILING_DIRECTORIES is not needed: temp dirs are not inside a repo.
    assert.equal(await git.preconditionFailure(), "Not a git repository (or git is not installed)");
  } finally {
    await Deno.remove(plain, { recursive: true });
  }
});
