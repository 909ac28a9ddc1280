/**
 * Many writers at once: separate processes running the real CLI code
 * against one store must never lose or duplicate a write.
 */

import assert from "node:assert/strict";
import { REPO_ROOT, tempRepo, tg } from "./_helpers.ts";
import { parseActiveFile, parseArchiveFile } from "../lib/store/jsonl.ts";
import { readEvents } from "../lib/store/events.ts";
import { DenoFileSystem } from "../lib/io/fs.ts";

interface Report {
  ok?: boolean;
  id?: string;
  cmd?: string;
  code?: number;
  stdout?: string;
  stderr?: string;
}

async function runWorkers(argsList: string[][]): Promise<Report[][]> {
  return await Promise.all(argsList.map(async (args) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--quiet", "--allow-all", `${REPO_ROOT}/tests/_tg_worker.ts`, ...args],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    return text.trim().split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as Report);
  }));
}

async function readStore(dir: string) {
  const active = parseActiveFile(await Deno.readFile(`${dir}/.task-golem/tasks.jsonl`));
  const warnings: string[] = [];
  const archive = parseArchiveFile(
    await Deno.readFile(`${dir}/.task-golem/archive.jsonl`),
    (w) => warnings.push(w),
  );
  assert.deepEqual(warnings, []);
  return { active, archive };
}

Deno.test("8 processes x 50 concurrent adds keep all 400 items with unique IDs", async () => {
  const repo = await tempRepo();
  try {
    assert.equal((await tg(["init"], { cwd: repo.dir })).code, 0);
    const results = await runWorkers(
      Array.from({ length: 8 }, (_, w) => [repo.dir, "add", `w${w}`, "50"]),
    );
    const reported = results.flat();
    assert.equal(reported.length, 400);
    assert.ok(reported.every((r) => r.ok), JSON.stringify(reported.find((r) => !r.ok)));
    const { active } = await readStore(repo.dir);
    assert.equal(active.length, 400);
    const idSet = new Set(active.map((it) => it.id));
    assert.equal(idSet.size, 400);
    for (const r of reported) assert.ok(idSet.has(r.id!), `missing ${r.id}`);
    const titles = new Set(active.map((it) => it.title));
    for (let w = 0; w < 8; w++) for (let i = 0; i < 50; i++) assert.ok(titles.has(`w${w}-${i}`));
  } finally {
    await repo.cleanup();
  }
});

Deno.test("racing do/done on shared items: every transition applies once or fails cleanly", async () => {
  const repo = await tempRepo();
  try {
    assert.equal((await tg(["init"], { cwd: repo.dir })).code, 0);
    const created = await runWorkers([[repo.dir, "add", "shared", "16"]]);
    const ids = created[0]!.map((r) => r.id!);
    const results = (await runWorkers(
      Array.from({ length: 6 }, (_, w) => [repo.dir, "race", String(w + 1), ...ids]),
    )).flat();
    for (const r of results) {
      if (r.code === 0) {
        const out = JSON.parse(r.stdout!);
        assert.ok(out.idempotent === true || out.id === r.id, r.stdout);
      } else {
        // Only clean user errors: an invalid transition (done -> doing) or an
        // ID that left the active set. Never a lock timeout or corruption.
        assert.equal(r.code, 1, `${r.cmd} ${r.id}: ${r.stderr}`);
        const err = JSON.parse(r.stderr!);
        assert.match(
          err.error,
          /^(Invalid transition: done cannot transition to doing|Item not found: )/,
        );
      }
    }
    const { active, archive } = await readStore(repo.dir);
    assert.equal(active.length, 0, "every item ends archived");
    assert.deepEqual(
      archive.map((it) => it.id).sort(),
      [...ids].sort(),
      "each archived exactly once",
    );
    const applied = results.filter((r) =>
      r.cmd === "done" && r.code === 0 && !JSON.parse(r.stdout!).idempotent
    );
    assert.equal(applied.length, ids.length, "exactly one applied done per item");
    const fs = new DenoFileSystem();
    const events = await readEvents(fs, `${repo.dir}/.task-golem/events.archive.jsonl`, () => {});
    for (const id of ids) {
      assert.equal(events.filter((e) => e.task_id === id && e.status === "done").length, 1);
    }
    const activeEvents = await readEvents(fs, `${repo.dir}/.task-golem/events.jsonl`, () => {});
    assert.deepEqual(activeEvents, [], "all events moved with their items");
  } finally {
    await repo.cleanup();
  }
});
