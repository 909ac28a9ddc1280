/**
 * The thin subprocess layer of the `tg` CLI tests: what only the real
 * program shows — exit codes as a shell sees them, stdout and stderr as
 * separate streams (and a reader that goes away), `--version`, settings
 * read from the process environment (`TG_AUTHOR`, `TG_LOCK_TIMEOUT`), and
 * colours on a real terminal. Everything else runs in-process (`_tg.ts`).
 */

import assert from "node:assert/strict";
import { tg, TG_ENTRY } from "../_helpers.ts";
import { writeSyntheticStore } from "../../lib/_testing/synthetic_store.ts";
import { ESC, HEADER, jsonl, TODO, withRepo, writeStore } from "./_tg.ts";

Deno.test("the tg binary: exit codes 0, 1 and 2; output on stdout, errors only on stderr", async () => {
  await withRepo(async (dir) => {
    const version = await tg(["--version"], { cwd: dir });
    assert.equal(version.code, 0);
    assert.match(version.stdout, /^tg \d+\.\d+\.\d+\n$/);
    assert.equal(version.stderr, "");
    const help = await tg(["--help"], { cwd: dir });
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Agent-native work tracker\n\nUsage: tg \[OPTIONS\] <COMMAND>\n/);
    assert.equal(help.stderr, "");

    const init = await tg(["init"], { cwd: dir });
    assert.deepEqual(init, {
      code: 0,
      stdout: "Initialized task-golem project at .task-golem/\n",
      stderr: "",
    });
    const added = await tg(["--json", "add", "first"], { cwd: dir });
    assert.equal(added.code, 0, added.stderr);
    assert.equal(added.stderr, "");
    const id = JSON.parse(added.stdout).id as string;
    const done = await tg(["done", id], { cwd: dir });
    assert.deepEqual(done, { code: 0, stdout: `Done: ${id} - first [archived]\n`, stderr: "" });

    // User errors: exit 1, nothing on stdout.
    const missing = await tg(["show", "nope"], { cwd: dir });
    assert.equal(missing.code, 1);
    assert.equal(missing.stdout, "");
    assert.match(missing.stderr, /^Error: Item not found: nope\nhint: /);
    const missingJson = await tg(["show", "nope", "--json"], { cwd: dir });
    assert.equal(missingJson.code, 1);
    assert.equal(missingJson.stdout, "");
    assert.equal(JSON.parse(missingJson.stderr).exit_code, 1);
    const usage = await tg(["lsit"], { cwd: dir });
    assert.equal(usage.code, 1);
    assert.equal(usage.stdout, "");
    assert.match(usage.stderr, /^error: unrecognized subcommand 'lsit'/);
    const bare = await tg([], { cwd: dir });
    assert.equal(bare.code, 1);
    assert.equal(bare.stdout, "");
    assert.match(bare.stderr, /^Agent-native work tracker\n\nUsage: tg /);

    // System errors: exit 2.
    await Deno.writeTextFile(`${dir}/.task-golem/tasks.jsonl`, HEADER + "{oops\n");
    const corrupt = await tg(["list"], { cwd: dir });
    assert.equal(corrupt.code, 2);
    assert.equal(corrupt.stdout, "");
    assert.match(corrupt.stderr, /^Error: Storage corruption: Malformed item on line 2: /);
  }, false);
});

Deno.test("the tg binary exits 0 when its reader goes away (a shell pipeline into head)", async () => {
  await withRepo(async (dir) => {
    // Far more output than a pipe buffer holds.
    await writeSyntheticStore(`${dir}/.task-golem`, 2000);
    const script = `set -o pipefail; "$0" run --quiet -A "$1" --json list | head -c 10`;
    const out = await new Deno.Command("bash", {
      args: ["-c", script, Deno.execPath(), TG_ENTRY],
      cwd: dir,
      env: { NO_COLOR: "1", TG_AUTHOR: "tester" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(new TextDecoder().decode(out.stderr), "");
    assert.equal(out.code, 0);
    assert.equal(new TextDecoder().decode(out.stdout), "[\n  {\n    ");
  });
});

Deno.test("the tg binary reads TG_AUTHOR and TG_LOCK_TIMEOUT from its environment", async () => {
  await withRepo(async (dir) => {
    await writeStore(dir, [{ id: "tg-aaaaa" }, { id: "tg-bbbbb" }]);
    assert.equal((await tg(["do", "aaaaa"], { cwd: dir, env: { TG_AUTHOR: " bot " } })).code, 0);
    // An empty TG_AUTHOR falls back to the repository's git user.email.
    assert.equal((await tg(["do", "bbbbb"], { cwd: dir, env: { TG_AUTHOR: "" } })).code, 0);
    const events = await jsonl(`${dir}/.task-golem/events.jsonl`);
    assert.deepEqual(events.map((e) => e.author), ["bot", "test@example.com"]);

    const invalid = await tg(["list"], { cwd: dir, env: { TG_LOCK_TIMEOUT: "soon" } });
    assert.deepEqual(invalid, {
      code: 1,
      stdout: "",
      stderr: "Error: Invalid TG_LOCK_TIMEOUT 'soon': expected number at 0\n",
    });
    using lock = await Deno.open(`${dir}/.task-golem/tasks.lock`, { read: true, write: true });
    await lock.lock(true);
    const t0 = performance.now();
    const blocked = await tg(["todo", "aaaaa"], { cwd: dir, env: { TG_LOCK_TIMEOUT: "300ms" } });
    const waited = performance.now() - t0;
    assert.equal(blocked.code, 2);
    assert.equal(blocked.stdout, "");
    assert.match(blocked.stderr, /^Error: Lock timeout after 300ms\nhint: /);
    assert.ok(waited >= 290 && waited < 4000, `gave up after ${waited} ms`);
  });
});

/** Runs `tg list` on a pseudo-terminal (util-linux `script`), or `null` without it. */
async function listOnTty(dir: string, env: Record<string, string>): Promise<string | null> {
  try {
    const cmd = [Deno.execPath(), "run", "--quiet", "-A", TG_ENTRY, "list"].join(" ");
    const out = await new Deno.Command("script", {
      args: ["-qec", cmd, "/dev/null"],
      cwd: dir,
      clearEnv: true,
      env: {
        PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
        HOME: Deno.env.get("HOME") ?? "/",
        ...env,
      },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    return out.code === 0 ? new TextDecoder().decode(out.stdout) : null;
  } catch {
    return null;
  }
}

Deno.test("colours on a terminal follow TERM and NO_COLOR", async () => {
  await withRepo(async (dir) => {
    await writeStore(dir, [{ id: "tg-c0001", title: "Todo" }]);
    const colored = await listOnTty(dir, { TERM: "xterm" });
    if (colored === null) {
      // deno-lint-ignore no-console
      console.log("skipped: util-linux `script` is not available to provide a terminal");
      return;
    }
    assert.ok(colored.includes(`tg-c0001    ${TODO}        0  Todo`), colored);
    const plain = async (env: Record<string, string>) =>
      !(await listOnTty(dir, env))!.includes(`${ESC}[3`);
    assert.equal(await plain({ TERM: "xterm", NO_COLOR: "1" }), true);
    assert.equal(await plain({ TERM: "dumb" }), true);
    assert.equal(await plain({}), true);
    assert.equal(await plain({ COLORTERM: "truecolor" }), false);
  });
});
