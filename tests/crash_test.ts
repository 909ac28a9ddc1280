/**
 * Crash safety: a writer killed with SIGKILL at random moments never leaves
 * an unreadable store and never loses a write it had reported as done.
 */

import assert from "node:assert/strict";
import { REPO_ROOT, tempRepo, tg } from "./_helpers.ts";
import { parseActiveFile } from "../lib/store/jsonl.ts";
import { prng, writeSyntheticStore } from "../lib/_testing/synthetic_store.ts";

const KILLS = 200;
const LANES = 4;

/**
 * Runs a worker that keeps adding items and kills it at a random moment of
 * its second add: after its first reported write, `fraction` (in [0, 1)) of
 * the time that first add took, as the worker measured it. Every kill so
 * lands in the write loop, not in the process start-up, and the kills spread
 * over a whole add (the first, cold one is the slowest) at the machine's own
 * pace, however loaded it is. Returns the IDs it reported.
 */
async function addUntilKilled(dir: string, tag: string, fraction: number): Promise<string[]> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--allow-all",
      `${REPO_ROOT}/tests/_tg_worker.ts`,
      dir,
      "add",
      tag,
      "100000",
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  // A worker that never writes is stopped too (and fails the check of the caller).
  const guard = setTimeout(() => child.kill("SIGKILL"), 30_000);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let text = "";
  for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
    text += chunk;
    if (timer !== undefined || !text.includes("\n")) continue;
    const first = JSON.parse(text.slice(0, text.indexOf("\n"))) as { ms: number };
    timer = setTimeout(() => child.kill("SIGKILL"), fraction * first.ms);
  }
  clearTimeout(guard);
  clearTimeout(timer);
  await child.status;
  const complete = text.slice(0, text.lastIndexOf("\n") + 1);
  return complete.split("\n").filter((l) => l !== "").map((l) => {
    const r = JSON.parse(l);
    assert.equal(r.ok, true, l);
    return r.id as string;
  });
}

Deno.test(`a writer SIGKILLed ${KILLS} times never corrupts the store or loses a reported write`, async () => {
  const repos = await Promise.all(Array.from({ length: LANES }, () => tempRepo()));
  try {
    await Promise.all(repos.map(async (repo, lane) => {
      // A store big enough that each rewrite takes a few milliseconds.
      await writeSyntheticStore(`${repo.dir}/.task-golem`, 3000);
      const rand = prng(1000 + lane);
      const reported = new Set<string>();
      for (let i = 0; i < KILLS / LANES; i++) {
        const ids = await addUntilKilled(repo.dir, `l${lane}k${i}`, rand());
        assert.ok(ids.length >= 1, `kill ${i} came before the first write`);
        for (const id of ids) reported.add(id);
        const items = parseActiveFile(await Deno.readFile(`${repo.dir}/.task-golem/tasks.jsonl`));
        const present = new Set(items.map((it) => it.id));
        for (const id of reported) {
          assert.ok(present.has(id), `lost reported write ${id} (kill ${i})`);
        }
        assert.equal(present.size, items.length, "no duplicated item");
      }
      assert.ok(reported.size >= 10, `only ${reported.size} writes completed before the kills`);
      // The store is still fully usable after all the crashes.
      const r = await tg(["add", "after the crashes"], { cwd: repo.dir });
      assert.equal(r.code, 0, r.stderr);
    }));
  } finally {
    await Promise.all(repos.map((r) => r.cleanup()));
  }
});
