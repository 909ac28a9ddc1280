/**
 * `deno task install` works offline and yields a `tg` that runs: the test
 * runs the task's own command with `--root` pointing at a temp directory.
 */

import assert from "node:assert/strict";
import { REPO_ROOT, tempRepo } from "./_helpers.ts";

Deno.test("deno task install puts a working tg on PATH (offline)", async () => {
  const root = await Deno.makeTempDir({ prefix: "tg-install-" });
  const repo = await tempRepo();
  try {
    const config = JSON.parse(await Deno.readTextFile(`${REPO_ROOT}/deno.json`));
    const words = (config.tasks.install as string).split(" ");
    assert.deepEqual(words.slice(0, 2), ["deno", "install"]);
    const install = await new Deno.Command(Deno.execPath(), {
      args: [...words.slice(1, -1), "--root", root, words.at(-1)!],
      cwd: REPO_ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(install.success, new TextDecoder().decode(install.stderr));
    const tgBin = `${root}/bin/tg`;
    const run = async (...args: string[]) => {
      const out = await new Deno.Command(tgBin, {
        args,
        cwd: repo.dir,
        env: { PATH: `${Deno.execPath().replace(/\/[^/]+$/, "")}:${Deno.env.get("PATH")}` },
        stdout: "piped",
        stderr: "piped",
      }).output();
      return { code: out.code, stdout: new TextDecoder().decode(out.stdout) };
    };
    assert.match((await run("--version")).stdout, /^tg \d+\.\d+\.\d+\n$/);
    assert.equal((await run("init")).code, 0);
    assert.match((await run("add", "installed")).stdout, /^Created item: tg-/);
  } finally {
    await Deno.remove(root, { recursive: true });
    await repo.cleanup();
  }
});
