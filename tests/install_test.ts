/**
 * `deno task install` works offline and yields a `tg` and a `pg` that run: the test
 * runs the task's own commands with `--root` pointing at a temp directory.
 */

import assert from "node:assert/strict";
import { REPO_ROOT, tempRepo } from "./_helpers.ts";
import { WIRE_OPENING, wireExchange } from "./_mcp.ts";

Deno.test("deno task install puts a working tg and pg on PATH (offline)", async () => {
  const root = await Deno.makeTempDir({ prefix: "tg-install-" });
  const repo = await tempRepo();
  try {
    const config = JSON.parse(await Deno.readTextFile(`${REPO_ROOT}/deno.json`));
    // The task installs each program with its own `deno install`, joined by `&&`.
    const commands = (config.tasks.install as string).split(" && ");
    assert.equal(commands.length, 2);
    for (const command of commands) {
      const words = command.split(" ");
      assert.deepEqual(words.slice(0, 2), ["deno", "install"]);
      const install = await new Deno.Command(Deno.execPath(), {
        args: [...words.slice(1, -1), "--root", root, words.at(-1)!],
        cwd: REPO_ROOT,
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.ok(install.success, new TextDecoder().decode(install.stderr));
    }
    const run = async (program: string, ...args: string[]) => {
      const out = await new Deno.Command(`${root}/bin/${program}`, {
        args,
        cwd: repo.dir,
        env: { PATH: `${Deno.execPath().replace(/\/[^/]+$/, "")}:${Deno.env.get("PATH")}` },
        stdout: "piped",
        stderr: "piped",
      }).output();
      return { code: out.code, stdout: new TextDecoder().decode(out.stdout) };
    };
    assert.match((await run("tg", "--version")).stdout, /^tg \d+\.\d+\.\d+\n$/);
    assert.equal((await run("tg", "init")).code, 0);
    assert.match((await run("tg", "add", "installed")).stdout, /^Created item: tg-/);
    // tg mcp needs nothing beyond what the task grants.
    const wire = await wireExchange(`${root}/bin/tg`, ["mcp"], repo.dir, [
      ...WIRE_OPENING,
      { id: 2, method: "tools/call", params: { name: "list", arguments: {} } },
    ]);
    assert.equal(wire.code, 0, wire.stderr);
    const listed = JSON.parse(wire.answers.get(2)!).result;
    assert.equal(listed.structuredContent.items[0].title, "installed");
    assert.match((await run("pg", "--version")).stdout, /^pg \d+\.\d+\.\d+\n$/);
    assert.equal((await run("pg", "init")).code, 0);
    assert.match((await run("pg", "status")).stdout, /^ID +STATUS/);
  } finally {
    await Deno.remove(root, { recursive: true });
    await repo.cleanup();
  }
});
