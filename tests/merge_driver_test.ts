/**
 * The git merge driver with real git: `tg init --merge-driver` sets it up,
 * two branches add, edit, block and finish items, `git merge` runs the
 * driver (our CLI, reached through a `tg` wrapper on PATH) and the result
 * is a clean, canonical store that both binaries read.
 */

import assert from "node:assert/strict";
import { type Output, run, rustTg, rustUnavailable, tempRepo, tg, TG_ENTRY } from "./_helpers.ts";
import { encodeItemsFile, parseActiveFile } from "../lib/store/jsonl.ts";

const rustReason = await rustUnavailable();

/** A directory with a `tg` wrapper that runs our CLI, for git to find on PATH. */
async function wrapperBin(): Promise<string> {
  const bin = await Deno.makeTempDir({ prefix: "golem-bin-" });
  await Deno.writeTextFile(
    `${bin}/tg`,
    `#!/bin/sh\nexec "${Deno.execPath()}" run --quiet --allow-read --allow-write --allow-env ` +
      `--allow-run=git "${TG_ENTRY}" "$@"\n`,
  );
  await Deno.chmod(`${bin}/tg`, 0o755);
  return bin;
}

function ok(r: Output, what: string): Output {
  assert.equal(r.code, 0, `${what}: exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r;
}

Deno.test("git merge of two branches that add, edit, block and finish items: clean, nothing lost", async () => {
  const repo = await tempRepo();
  const bin = await wrapperBin();
  const env = { PATH: `${bin}:${Deno.env.get("PATH")}` };
  const cwd = repo.dir;
  const t = async (...args: string[]) => ok(await tg(args, { cwd }), `tg ${args.join(" ")}`);
  const git = async (...args: string[]) =>
    ok(await run("git", args, { cwd, env }), `git ${args.join(" ")}`);
  const add = async (title: string) =>
    JSON.parse((await t("--json", "add", title)).stdout).id as string;
  try {
    const init = await t("init", "--merge-driver");
    assert.equal(init.stdout, "Initialized task-golem project at .task-golem/\n");
    assert.equal(
      (await git("config", "--get", "merge.tg.driver")).stdout,
      "tg merge-driver %O %A %B %P\n",
    );
    const s: string[] = [];
    for (let i = 1; i <= 6; i++) s.push(await add(`shared ${i}`));
    await git("add", "-A");
    await git("commit", "-qm", "base");

    await git("checkout", "-qb", "feature");
    const f1 = await add("feature one");
    const f2 = await add("feature two");
    await t("edit", s[0]!, "--title", "renamed on feature");
    await t("block", s[1]!, "--reason", "waiting on review");
    await t("done", s[2]!);
    await t("edit", s[4]!, "--title", "feature title");
    await t("block", s[5]!);
    await git("add", "-A");
    await git("commit", "-qm", "feature work");

    await git("checkout", "-q", "main");
    const m1 = await add("main one");
    const m2 = await add("main two");
    await t("done", m2);
    await t("do", s[3]!);
    await t("done", s[3]!);
    await t("edit", s[4]!, "--priority", "7"); // later than the feature's edit: wins
    await t("done", s[5]!); // completed here, blocked there: stays completed
    await git("add", "-A");
    await git("commit", "-qm", "main work");

    const merge = await run("git", ["merge", "feature", "-m", "merge feature"], { cwd, env });
    assert.equal(merge.code, 0, merge.stdout + merge.stderr);
    assert.ok(!merge.stdout.includes("CONFLICT"), merge.stdout);
    assert.equal((await git("status", "--porcelain")).stdout, "", "everything committed");

    for await (const e of Deno.readDir(`${cwd}/.task-golem`)) {
      if (!e.isFile) continue;
      const text = await Deno.readTextFile(`${cwd}/.task-golem/${e.name}`);
      assert.ok(!/^(<<<<<<<|=======|>>>>>>>)/m.test(text), `conflict markers in ${e.name}`);
    }
    const tasksBytes = await Deno.readFile(`${cwd}/.task-golem/tasks.jsonl`);
    const items = parseActiveFile(tasksBytes);
    assert.deepEqual(encodeItemsFile(items), tasksBytes, "canonical and sorted by ID");

    const active = JSON.parse((await t("list", "--json")).stdout) as Record<string, unknown>[];
    const archived = JSON.parse((await t("list", "--status", "done", "--json")).stdout) as Record<
      string,
      unknown
    >[];
    const byId = new Map(active.map((i) => [i.id as string, i]));
    assert.deepEqual(
      [...byId.keys()].sort(),
      [s[0]!, s[1]!, s[4]!, f1, f2, m1].sort(),
      "active items",
    );
    assert.deepEqual(
      archived.map((i) => i.id).sort(),
      [s[2]!, s[3]!, s[5]!, m2].sort(),
      "archived items",
    );
    assert.equal(byId.get(s[0]!)!.title, "renamed on feature");
    assert.equal(byId.get(s[1]!)!.status, "blocked");
    assert.equal(byId.get(s[1]!)!.blocked_reason, "waiting on review");
    assert.equal(byId.get(s[4]!)!.priority, 7);
    assert.equal(byId.get(s[4]!)!.title, "shared 5");

    const committed = (path: string) => git("show", `HEAD:.task-golem/${path}`);
    const notes = (await committed("events.jsonl")).stdout.split("\n").filter((l) =>
      l.includes('"author":"tg merge-driver"')
    ).map((l) => JSON.parse(l));
    assert.equal(notes.length, 1);
    assert.equal(notes[0].task_id, s[4]);
    assert.equal(notes[0].type, "note");
    assert.match(
      notes[0].text,
      /^merge: both branches changed this task; kept ours .*"title":"feature title"/,
    );
    const archivedNotes = (await committed("events.archive.jsonl")).stdout.split("\n").filter((
      l,
    ) => l.includes('"author":"tg merge-driver"')).map((l) => JSON.parse(l));
    assert.equal(archivedNotes.length, 1);
    assert.equal(archivedNotes[0].task_id, s[5]);
    assert.match(archivedNotes[0].text, /^merge: ours completed this task while theirs changed it/);
    for (const pending of ["tg-merge-notes.jsonl", "tg-merge-notes.archive.jsonl"]) {
      assert.equal(await Deno.stat(`${cwd}/.git/${pending}`).catch(() => null), null, pending);
    }
    assert.equal(JSON.parse((await t("show", s[4]!, "--json")).stdout).priority, 7);

    if (rustReason === null) {
      for (const args of [["list", "--json"], ["list", "--status", "done", "--json"], ["ready"]]) {
        const ours = await tg(args, { cwd });
        const rust = await rustTg(args, { cwd });
        assert.equal(rust.code, 0, rust.stderr);
        assert.equal(rust.stdout, ours.stdout, args.join(" "));
      }
    }
  } finally {
    await repo.cleanup();
    await Deno.remove(bin, { recursive: true });
  }
});

Deno.test("tg merge-driver exits non-zero and leaves OURS alone when a version cannot be read", async () => {
  const repo = await tempRepo(false);
  try {
    const cwd = repo.dir;
    const header = '{"schema_version":1}\n';
    await Deno.writeTextFile(`${cwd}/base`, header);
    await Deno.writeTextFile(`${cwd}/ours`, header + "not json\n");
    await Deno.writeTextFile(`${cwd}/theirs`, header);
    const bad = await tg(["merge-driver", "base", "ours", "theirs", ".task-golem/tasks.jsonl"], {
      cwd,
    });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^Error: Storage corruption: our version: Malformed item on line 2/);
    assert.equal(await Deno.readTextFile(`${cwd}/ours`), header + "not json\n");
    const missing = await tg(["merge-driver", "nope", "theirs", "theirs"], { cwd });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^Error: cannot read .*nope/);
    // archives are lenient: an unreadable line is kept, not an error
    const arch = await tg(["merge-driver", "base", "ours", "theirs", ".task-golem/archive.jsonl"], {
      cwd,
    });
    assert.equal(arch.code, 0, arch.stderr);
    assert.equal(await Deno.readTextFile(`${cwd}/ours`), header + "not json\n");
  } finally {
    await repo.cleanup();
  }
});

Deno.test("tg init appends the merge-driver lines to .gitattributes once (scripts get no stderr)", async () => {
  const repo = await tempRepo();
  try {
    const cwd = repo.dir;
    await Deno.writeTextFile(`${cwd}/.gitattributes`, "*.png binary");
    const first = await tg(["init"], { cwd });
    assert.equal(first.code, 0);
    assert.equal(first.stderr, "", "the hint is for terminals only");
    ok(await tg(["init", "--force"], { cwd }), "init --force");
    assert.equal(
      await Deno.readTextFile(`${cwd}/.gitattributes`),
      "*.png binary\n" +
        "# task-golem: merge the store by item ID; once per clone run: " +
        'git config merge.tg.driver "tg merge-driver %O %A %B %P"\n' +
        ".task-golem/tasks.jsonl merge=tg\n" +
        ".task-golem/archive.jsonl merge=tg\n" +
        ".task-golem/archive-pruned.jsonl merge=tg\n" +
        ".task-golem/events.jsonl merge=tg\n" +
        ".task-golem/events.archive.jsonl merge=tg\n",
    );
    const json = await tg(["--json", "init", "--force"], { cwd });
    assert.equal(json.stdout, '{\n  "initialized": true,\n  "path": ".task-golem/"\n}\n');
    assert.ok(!json.stderr.includes("git config"));
    const unset = await run("git", ["config", "--get", "merge.tg.driver"], { cwd });
    assert.equal(unset.code, 1, "plain init does not touch git config");
  } finally {
    await repo.cleanup();
  }
});

Deno.test("tg init on a terminal prints the git config line that enables the driver", async (t) => {
  const repo = await tempRepo();
  try {
    const cmd = [Deno.execPath(), "run", "--quiet", "-A", TG_ENTRY, "init"].join(" ");
    let out: Deno.CommandOutput;
    try {
      out = await new Deno.Command("script", {
        args: ["-qec", cmd, "/dev/null"],
        cwd: repo.dir,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).output();
    } catch {
      await t.step({ name: "util-linux `script` is not available", ignore: true, fn: () => {} });
      return;
    }
    const text = new TextDecoder().decode(out.stdout).replaceAll("\r\n", "\n");
    assert.equal(out.code, 0, text);
    assert.ok(
      text.includes(
        'To merge .task-golem files by item ID in git, run: git config merge.tg.driver "tg merge-driver %O %A %B %P"\n',
      ),
      text,
    );
  } finally {
    await repo.cleanup();
  }
});
