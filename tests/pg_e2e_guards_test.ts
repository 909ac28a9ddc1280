// End-to-end guards (pg.md §10.2 (13), (14), (15), (17), (18); issue 6 §4
// hostile data): refusals before anything runs, staleness, advance,
// the store lock, a corrupt store, and hostile IDs, phase names and titles.

import assert from "node:assert/strict";
import { e2eConfig, e2eItem, e2eProject, untimed } from "./_pg_e2e.ts";
import { updateItem } from "../lib/store/ops/update.ts";

Deno.test("e2e (13): dirty tree, detached HEAD and a rebase in progress are refused", async () => {
  const p = await e2eProject([e2eItem("WRK-001", "New")]);
  try {
    const last = (s: string) => untimed(s).trim().split("\n").at(-1);
    await Deno.writeTextFile(`${p.dir}/scratch.txt`, "x");
    let r = await p.pg(["run"]);
    assert.equal(r.code, 1);
    assert.equal(
      last(r.stderr),
      "Error: Working tree is not clean. Commit or stash changes before running phase-golem.",
    );
    r = await p.pg(["triage"]);
    assert.equal(
      last(r.stderr),
      "Error: Working tree is not clean. Commit or stash changes before running phase-golem.",
    );
    await Deno.remove(`${p.dir}/scratch.txt`);
    await p.git("checkout", "-q", "--detach");
    r = await p.pg(["run"]);
    assert.equal(
      last(r.stderr),
      "Error: Detached HEAD state detected. Check out a branch before running phase-golem.",
    );
    await p.git("checkout", "-q", "main");
    await Deno.mkdir(`${p.dir}/.git/rebase-apply`);
    r = await p.pg(["run"]);
    assert.equal(
      last(r.stderr),
      "Error: Rebase in progress. Complete or abort the rebase before running phase-golem.",
    );
    assert.deepEqual(await p.calls(), [], "no agent ran");
    assert.deepEqual(await p.subjects(), ["initial"]);
  } finally {
    await p.cleanup();
  }
});

Deno.test("e2e (14): staleness of a destructive phase after the history was rewritten", async () => {
  for (const staleness of ["ignore", "warn", "block"] as const) {
    const p = await e2eProject(
      [e2eItem("WRK-001", "InProgress", { phase: "build", pool: "main" })],
      { config: e2eConfig({ staleness }) },
    );
    try {
      // The phase started from a commit that is no longer in history.
      await p.git("checkout", "-q", "-b", "old");
      await Deno.writeTextFile(`${p.dir}/old.txt`, "x");
      await p.git("add", "old.txt");
      await p.git("commit", "-q", "-m", "old work");
      const sha = await p.git("rev-parse", "HEAD");
      await p.git("checkout", "-q", "main");
      await p.git("branch", "-q", "-D", "old");
      await updateItem(p.store, "WRK-001", (it) => {
        it.extensions["x-pg-last-phase-commit"] = sha;
      });
      await p.git("commit", "-qam", "record phase start");
      await p.scenarios({
        "*/*/*": { result: { result: "blocked", summary: "stop after build" } },
      });
      const r = await p.pg(["run"]);
      const err = untimed(r.stderr);
      const item = (await p.item("WRK-001"))!;
      if (staleness === "block") {
        assert.equal(
          item.blockedReason,
          `Stale: prior phase based on commit ${sha} no longer in history`,
        );
        assert.deepEqual(await p.calls(), []);
      } else {
        assert.equal(item.blockedReason, "stop after build", staleness);
        assert.equal((await p.calls()).length, 1);
        assert.equal(
          err.includes("[WRK-001][BUILD] Warning: prior phase artifacts may be stale"),
          staleness === "warn",
        );
      }
    } finally {
      await p.cleanup();
    }
  }
  // An unknown commit blocks whatever the policy says.
  const p = await e2eProject([e2eItem("WRK-001", "InProgress", { phase: "build", pool: "main" })]);
  try {
    await updateItem(p.store, "WRK-001", (it) => {
      it.extensions["x-pg-last-phase-commit"] = "0123456789abcdef0123456789abcdef01234567";
    });
    await p.git("commit", "-qam", "unknown sha");
    await p.pg(["run"]);
    assert.match(
      (await p.item("WRK-001"))!.blockedReason!,
      /^Staleness check failed for commit 0123456789abcdef/,
    );
  } finally {
    await p.cleanup();
  }
});

Deno.test("e2e (15): advance moves the phase and commits; the next run starts there", async () => {
  const p = await e2eProject([e2eItem("WRK-001", "InProgress", { phase: "prd", pool: "main" })]);
  try {
    const a = await p.pg(["advance", "WRK-001"]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(a.stdout, "Advanced WRK-001 from prd to build\n");
    assert.equal(await p.git("status", "--porcelain"), "");
    await p.scenarios({ "*/*/*": { result: { result: "blocked", summary: "stop" } } });
    await p.pg(["run"]);
    assert.deepEqual((await p.calls()).map((c) => c.phase), ["build"]);
  } finally {
    await p.cleanup();
  }
});

Deno.test("e2e (18): a corrupt tasks.jsonl is fatal and names the recovery command", async () => {
  const p = await e2eProject([e2eItem("WRK-001", "New")]);
  try {
    await Deno.writeTextFile(
      `${p.dir}/.task-golem/tasks.jsonl`,
      '{"schema_version":1}\n{"id": broken\n',
    );
    await p.git("commit", "-qam", "corrupt");
    const r = await p.pg(["run"]);
    assert.equal(r.code, 1);
    assert.match(
      untimed(r.stderr).trim().split("\n").at(-1)!,
      /^Error: Failed to load task-golem store: Storage corruption: .*Recovery: `git checkout \.task-golem\/tasks\.jsonl`$/,
    );
    assert.deepEqual(await p.calls(), []);
  } finally {
    await p.cleanup();
  }
});

Deno.test({
  name: "e2e (17): a store lock held by another process → three attempts, then LockTimeout",
  async fn() {
    const p = await e2eProject([e2eItem("WRK-001", "InProgress", { phase: "prd", pool: "main" })]);
    const holder = new Deno.Command(Deno.execPath(), {
      args: [
        "eval",
        `const f = await Deno.open(${
          JSON.stringify(`${p.dir}/.task-golem/tasks.lock`)
        }, { read: true, write: true });
         await f.lock(true); console.log("locked"); await new Promise(() => setInterval(() => {}, 1e9));`,
      ],
      stdout: "piped",
      stderr: "null",
      stdin: "null",
    }).spawn();
    try {
      const reader = holder.stdout.getReader();
      await reader.read();
      reader.releaseLock();
      // A short lock timeout (the 5 s default is covered by lock_interop_test.ts for tg);
      // the pauses between attempts shrink to match: 3 × 200 ms waits + 2 × 200 ms pauses.
      const t0 = performance.now();
      const r = await p.pg(["advance", "WRK-001"], { env: { TG_LOCK_TIMEOUT: "200ms" } });
      const secs = (performance.now() - t0) / 1000;
      assert.equal(r.code, 1);
      assert.match(r.stderr, /Store operation failed \(attempt 1\/3\): Lock timeout after 200ms\n/);
      assert.match(r.stderr, /Store operation failed \(attempt 2\/3\): Lock timeout after 200ms\n/);
      assert.match(r.stderr, /Error: Lock timeout after 200ms\n$/);
      assert.ok(secs >= 0.95 && secs < 10, `${secs}s`);
      assert.equal((await p.item("WRK-001"))!.phase(), "prd", "nothing written");
    } finally {
      holder.kill("SIGKILL");
      await holder.status;
      await holder.stdout.cancel().catch(() => {});
      await p.cleanup();
    }
  },
});

Deno.test("e2e hostile data: IDs, phase names and follow-up titles never escape the repo or reach a shell", async () => {
  const hostileConfig = e2eConfig().replace(
    '[[pipelines.feature.phases]]\nname = "review"',
    '[[pipelines.feature.phases]]\nname = "../../escape"\nworkflows = []\nis_destructive = false\n[[pipelines.feature.phases]]\nname = "review"',
  );
  const p = await e2eProject([
    e2eItem("../../../tmp/pwned", "New", { created: 1 }),
    e2eItem("WRK-$(touch pwned)", "InProgress", { phase: "prd", pool: "main", created: 2 }),
    e2eItem("WRK-002", "InProgress", { phase: "build", pool: "main", created: 3 }),
  ], { config: hostileConfig });
  const parent = p.dir.slice(0, p.dir.lastIndexOf("/"));
  const before = (await Array.fromAsync(Deno.readDir(parent))).map((e) => e.name).sort();
  try {
    await p.scenarios({
      "WRK-002/build/1": {
        result: {
          follow_ups: [
            "Fine title",
            "evil\ntitle; rm -rf ~",
            { title: "$(touch pwned2) `id` ; ../../x", context: "ctx" },
          ],
        },
      },
    });
    const r = await p.pg(["run"]);
    const err = untimed(r.stderr);
    const blocked = async (id: string) => (await p.item(id))!;
    assert.equal((await blocked("../../../tmp/pwned")).status(), "Blocked");
    assert.match(
      (await blocked("../../../tmp/pwned")).blockedReason!,
      /^Item ID '\.\.\/\.\.\/\.\.\/tmp\/pwned' cannot be used in file names: /,
    );
    assert.match(
      (await blocked("WRK-$(touch pwned)")).blockedReason!,
      /^Item ID 'WRK-\$\(touch pwned\)' cannot be used in file names: /,
    );
    // WRK-002 reached the hostile phase and was blocked there, not run.
    const w2 = (await p.item("WRK-002"))!;
    assert.equal(w2.status(), "Blocked");
    assert.match(
      w2.blockedReason!,
      /^Phase name '\.\.\/\.\.\/escape' cannot be used in file names: /,
    );
    // Follow-ups: a multi-line title is refused; shell syntax is just text.
    const titles = (await p.store.loadActive()).map((i) => i.title);
    assert.ok(titles.includes("Fine title"));
    assert.ok(titles.includes("$(touch pwned2) `id` ; ../../x"));
    assert.ok(!titles.some((t) => t.includes("\n")));
    assert.match(err, /Skipping follow-up from WRK-002\/build: title spans several lines/);
    // Nothing was created outside the repository, no command ran.
    const after = (await Array.fromAsync(Deno.readDir(parent))).map((e) => e.name).sort();
    assert.deepEqual(after, before);
    for (const f of ["pwned", "pwned2"]) {
      assert.equal(await Deno.stat(`${p.dir}/${f}`).catch(() => null), null);
    }
    assert.equal(await Deno.stat("/tmp/pwned").catch(() => null), null);
    // Change folders exist only for safe IDs; titles only reach them as slugs.
    const changes = (await Array.fromAsync(Deno.readDir(`${p.dir}/changes`))).map((e) => e.name);
    assert.ok(changes.includes("WRK-002_item-wrk-002"));
    assert.ok(changes.some((n) => /^WRK-[0-9a-z]{5}_touch-pwned2-id-x$/.test(n)), changes.join());
    for (const n of changes) assert.match(n, /^[A-Za-z0-9][A-Za-z0-9._-]*$/);
    const results = (await Array.fromAsync(Deno.readDir(`${p.dir}/.phase-golem`))).map((e) =>
      e.name
    );
    assert.ok(results.every((n) => !n.startsWith("phase_result_")), "result files cleaned up");
    const calls = await p.calls();
    assert.equal(calls[0]!.item, "WRK-002");
    assert.ok(
      calls.every((c) => /^WRK-[0-9a-z]+$/i.test(c.item)),
      "no agent ran for a hostile item",
    );
    assert.ok(calls.every((c) => c.phase !== "../../escape"));
  } finally {
    await p.cleanup();
  }
});
