import assert from "node:assert/strict";
import { DenoProcessRunner, FakeProcessRunner } from "./process_runner.ts";

const runner = new DenoProcessRunner();

Deno.test("DenoProcessRunner.run() collects stdout, stderr and the exit code", async () => {
  const r = await runner.run("sh", ["-c", "printf 'out\\n'; printf 'err' >&2; exit 3"]);
  assert.deepEqual(r, { code: 3, stdout: "out\n", stderr: "err", timedOut: false });
});

Deno.test("DenoProcessRunner.run() passes cwd, env and stdin", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const r = await runner.run("sh", ["-c", 'pwd; printf "%s" "$GOLEM_X"; cat'], {
      cwd: dir,
      env: { GOLEM_X: "value" },
      stdin: new TextEncoder().encode("|piped"),
    });
    assert.equal(r.stdout, `${await Deno.realPath(dir)}\nvalue|piped`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("DenoProcessRunner.run() gives the child no stdin by default", async () => {
  const r = await runner.run("sh", ["-c", "cat; echo done"]);
  assert.equal(r.stdout, "done\n");
});

Deno.test("DenoProcessRunner.run() kills a process that runs past its timeout", async () => {
  const started = Date.now();
  const r = await runner.run("sleep", ["5"], { timeoutMs: 100 });
  assert.equal(r.timedOut, true);
  assert.equal(r.code, -1);
  assert.ok(Date.now() - started < 3000);
});

Deno.test("DenoProcessRunner.run() stops when aborted", async () => {
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 50);
  const r = await runner.run("sleep", ["5"], { signal: ac.signal });
  assert.equal(r.code, -1);
  assert.equal(r.timedOut, false);
});

Deno.test("DenoProcessRunner.run() rejects when the program does not exist", async () => {
  await assert.rejects(runner.run("golem-no-such-program-xyz", []), Deno.errors.NotFound);
});

Deno.test("FakeProcessRunner.run() answers from its script, then the fallback", async () => {
  const fake = new FakeProcessRunner(
    [{ stdout: "first" }, (cmd, args) => ({ stdout: `${cmd} ${args.join(" ")}`, code: 2 })],
    { stderr: "fallback" },
  );
  assert.deepEqual(await fake.run("git", ["a"]), {
    code: 0,
    stdout: "first",
    stderr: "",
    timedOut: false,
  });
  assert.deepEqual(await fake.run("git", ["b", "c"], { cwd: "/r" }), {
    code: 2,
    stdout: "git b c",
    stderr: "",
    timedOut: false,
  });
  assert.equal((await fake.run("x", [])).stderr, "fallback");
  assert.deepEqual(fake.calls.map((c) => c.args), [["a"], ["b", "c"], []]);
  assert.equal(fake.calls[1]!.options.cwd, "/r");
});
