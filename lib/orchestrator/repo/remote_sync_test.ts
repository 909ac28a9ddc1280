// The sync protocol against a real bare remote and real clones.

import assert from "node:assert/strict";
import { DenoFileSystem } from "../../io/fs.ts";
import { MemoryLogger } from "../../io/logger.ts";
import { FakeProcessRunner } from "../../io/process_runner.ts";
import { addItem } from "../../store/ops/add.ts";
import { claimItem } from "../../store/ops/claim.ts";
import { editItem } from "../../store/ops/edit.ts";
import { type FleetClone, fleetRepos } from "../../_testing/fleet_repos.ts";
import { item } from "../../_testing/test_repo.ts";
import { STORE_FILES } from "./git.ts";
import { GitRemote } from "./git_remote.ts";
import { DRIVER_PATHS, ensureAppendDriver, ensureMergeDriver } from "./merge_driver_setup.ts";
import { backoffDelay, RemoteSync, type SyncPolicy } from "./remote_sync.ts";

const NO_WAIT: Partial<SyncPolicy> = { sleep: () => Promise.resolve(), random: () => 0.5 };

function syncOf(
  c: FleetClone,
  worker: string,
  policy: Partial<SyncPolicy> = NO_WAIT,
  inProcessMerge?: { store: boolean; appendOnly: boolean },
) {
  const log = new MemoryLogger();
  const sync = new RemoteSync({
    git: c.remote,
    fs: new DenoFileSystem(),
    root: c.dir,
    remote: "origin",
    branch: "main",
    worker,
    log,
    policy,
    storePaths: new Set(STORE_FILES),
    isAppendOnly: (p) => p.startsWith("_worklog/"),
    tasksPath: ".task-golem/tasks.jsonl",
    ...(inProcessMerge === undefined ? {} : { inProcessMerge }),
  });
  return { sync, log };
}

async function commitAll(c: FleetClone, message: string): Promise<void> {
  await c.sh("add", "-A");
  await c.sh("commit", "-q", "-m", message);
}

async function remoteTip(c: FleetClone): Promise<string> {
  return (await c.sh("ls-remote", "origin", "refs/heads/main")).split("\t")[0]!;
}

async function head(c: FleetClone): Promise<string> {
  return (await c.sh("rev-parse", "HEAD")).trim();
}

Deno.test("RemoteSync.pull() merges the remote's commits and pushes local ones", async () => {
  const fleet = await fleetRepos(2, [item("WRK-001", "Ready")]);
  try {
    const [a, b] = fleet.clones as [FleetClone, FleetClone];
    await Deno.writeTextFile(`${a.dir}/a.txt`, "from a\n");
    await commitAll(a, "a");
    await a.sh("push", "-q", "origin", "main");
    await Deno.writeTextFile(`${b.dir}/b.txt`, "from b\n");
    await commitAll(b, "b");
    const { sync } = syncOf(b, "w2");
    const r = await sync.pull();
    assert.equal(r.merged, true);
    assert.equal(r.pushed, true);
    assert.equal(await remoteTip(b), await head(b));
    assert.equal(await Deno.readTextFile(`${b.dir}/a.txt`), "from a\n");
    assert.equal(await sync.unpushed(), 0);
    // Nothing new on either side: nothing to do.
    const again = await sync.pull();
    assert.deepEqual([again.merged, again.pushed], [false, false]);
  } finally {
    await fleet.cleanup();
  }
});

Deno.test("RemoteSync.transact() makes a claim again on the remote's new state after losing a race", async () => {
  const fleet = await fleetRepos(2, [item("WRK-001", "InProgress", { phase: "build" })]);
  try {
    const [a, b] = fleet.clones as [FleetClone, FleetClone];
    const claimStep = (c: FleetClone, worker: string) => async () => {
      const r = await claimItem(c.store, "WRK-001", { agent: worker, ttl: "1h" });
      if (!r.claimed) return { value: `held by ${r.holder}`, committed: false };
      await commitAll(c, `claim ${worker}`);
      return { value: "claimed", committed: true };
    };
    const sa = syncOf(a, "w1");
    const sb = syncOf(b, "w2");
    assert.equal(await sa.sync.transact(claimStep(a, "w1")), "claimed");
    const before = await head(b);
    // b decided on a stale state: its push is rejected, its claim commit dropped,
    // and the claim made again on the remote's state finds w1's claim.
    assert.equal(await sb.sync.transact(claimStep(b, "w2")), "held by w1");
    assert.notEqual(await head(b), before);
    assert.equal(await head(b), await remoteTip(b));
    assert.equal((await b.store.getItem("WRK-001"))?.claimed_by, "w1");
    assert.equal(await b.sh("status", "--porcelain"), "");
    const log = (await b.sh("log", "--format=%s", "origin/main")).trim().split("\n");
    assert.deepEqual(log.filter((s) => s.startsWith("claim")), ["claim w1"]);
  } finally {
    await fleet.cleanup();
  }
});

Deno.test("RemoteSync.publish() merges the store with the tg driver and the worklog by appending", async () => {
  const fleet = await fleetRepos(2, [item("WRK-001", "Ready"), item("WRK-002", "Ready")]);
  try {
    const [a, b] = fleet.clones as [FleetClone, FleetClone];
    const worklog = (c: FleetClone) => `${c.dir}/_worklog/2026-01.md`;
    for (const [c, id, text] of [[a, "WRK-001", "A"], [b, "WRK-002", "B"]] as const) {
      await claimItem(c.store, id, { agent: text, ttl: "1h" });
      await addItem(c.store, { title: `follow-up ${text}` });
      await Deno.writeTextFile(worklog(c), `## entry ${text}\n\n---\n\n`);
      await commitAll(c, `phase ${text}`);
    }
    await syncOf(a, "A").sync.publish();
    await syncOf(b, "B").sync.publish({ itemId: "WRK-002" });
    assert.equal(await head(b), await remoteTip(b));
    const items = await b.store.loadActive();
    assert.equal(items.length, 4, "both follow-ups, both items");
    assert.equal(items.find((it) => it.id === "WRK-001")?.claimed_by, "A");
    assert.equal(items.find((it) => it.id === "WRK-002")?.claimed_by, "B");
    assert.equal(
      await Deno.readTextFile(worklog(b)),
      "## entry A\n\n---\n\n## entry B\n\n---\n\n",
      "the remote's entries, then this worker's",
    );
    const tasks = await Deno.readTextFile(`${b.dir}/.task-golem/tasks.jsonl`);
    assert.ok(!/^(<<<<<<<|=======|>>>>>>>)/m.test(tasks));
    assert.equal(await b.sh("status", "--porcelain"), "");
  } finally {
    await fleet.cleanup();
  }
});

Deno.test("RemoteSync.publish() merges the store and the worklog in its own process (inProcessMerge)", async () => {
  const fleet = await fleetRepos(2, [item("WRK-001", "Ready"), item("WRK-002", "Ready")]);
  try {
    const [a, b] = fleet.clones as [FleetClone, FleetClone];
    // Drivers that always fail: the merge succeeds only when no driver starts.
    await b.sh("config", "merge.tg.driver", "false");
    await ensureAppendDriver(b.remote, new DenoFileSystem(), ["_worklog/*.md"]);
    await b.sh("config", "merge.pg-append.driver", "false");
    const worklog = (c: FleetClone) => `${c.dir}/_worklog/2026-01.md`;
    for (const [c, id, text] of [[a, "WRK-001", "A"], [b, "WRK-002", "B"]] as const) {
      await claimItem(c.store, id, { agent: text, ttl: "1h" });
      await addItem(c.store, { title: `follow-up ${text}` });
      await Deno.writeTextFile(worklog(c), `## entry ${text}\n\n---\n\n`);
      await commitAll(c, `phase ${text}`);
    }
    await syncOf(a, "A").sync.publish();
    const sb = syncOf(b, "B", NO_WAIT, { store: true, appendOnly: true });
    await sb.sync.publish({ itemId: "WRK-002" });
    assert.equal(await head(b), await remoteTip(b));
    const items = await b.store.loadActive();
    assert.equal(items.length, 4, "both follow-ups, both items");
    assert.equal(items.find((it) => it.id === "WRK-001")?.claimed_by, "A");
    assert.equal(items.find((it) => it.id === "WRK-002")?.claimed_by, "B");
    assert.equal(
      await Deno.readTextFile(worklog(b)),
      "## entry A\n\n---\n\n## entry B\n\n---\n\n",
    );
    assert.equal(await b.sh("status", "--porcelain"), "");
    assert.equal((await b.sh("rev-list", "--parents", "-n", "1", "HEAD")).split(" ").length, 3);
  } finally {
    await fleet.cleanup();
  }
});

Deno.test("RemoteSync.publish() starts the store's driver for an item both sides changed (inProcessMerge)", async () => {
  const fleet = await fleetRepos(2, [item("WRK-001", "Ready")]);
  try {
    const [a, b] = fleet.clones as [FleetClone, FleetClone];
    for (const [c, title] of [[a, "A's title"], [b, "B's title"]] as const) {
      await editItem(c.store, { id: "WRK-001", title });
      await commitAll(c, `edit ${title}`);
    }
    await syncOf(a, "w1").sync.publish();
    await syncOf(b, "w2", NO_WAIT, { store: true, appendOnly: true }).sync.publish();
    assert.equal(await head(b), await remoteTip(b));
    // The driver's work: one version kept, the other recorded in a note.
    const events = await Deno.readTextFile(`${b.dir}/.task-golem/events.jsonl`);
    assert.match(events, /both branches changed this task/);
    assert.equal((await b.store.getItem("WRK-001"))?.title, "B's title", "ours on a tie");
  } finally {
    await fleet.cleanup();
  }
});

Deno.test("RemoteSync.publish() merges before pushing after a lost race, and pushes first once the remote stays", async () => {
  const fleet = await fleetRepos(2);
  try {
    const [a, b] = fleet.clones as [FleetClone, FleetClone];
    const sb = syncOf(b, "w2");
    const pushes = async (text: string) => {
      await Deno.writeTextFile(`${a.dir}/${text}.txt`, text);
      await commitAll(a, text);
      await a.sh("pull", "-q", "--no-rebase", "--no-edit", "origin", "main");
      await a.sh("push", "-q", "origin", "main");
      await Deno.writeTextFile(`${b.dir}/b-${text}.txt`, text);
      await commitAll(b, `b ${text}`);
    };
    await pushes("one");
    await sb.sync.publish();
    assert.ok(sb.log.lines.some((l) => /rejected/.test(l)), "the first push lost the race");
    let seen = sb.log.lines.length;
    const since = () => sb.log.lines.slice(seen).join("\n");
    await pushes("two");
    await sb.sync.publish();
    assert.doesNotMatch(since(), /rejected/, "merged first, then pushed");
    assert.match(since(), /Fetched/);
    assert.equal(await head(b), await remoteTip(b));
    // A fetch started ahead (while the work is committed) is the one merged.
    await pushes("prefetched");
    seen = sb.log.lines.length;
    sb.sync.prefetch();
    await sb.sync.publish();
    assert.doesNotMatch(since(), /rejected/);
    assert.equal(since().match(/Fetched/g)?.length, 1);
    assert.equal(await head(b), await remoteTip(b));
    seen = sb.log.lines.length;
    for (const text of ["three", "four"]) {
      await Deno.writeTextFile(`${b.dir}/b-${text}.txt`, text);
      await commitAll(b, `b ${text}`);
      await sb.sync.publish();
    }
    const later = since();
    assert.equal(later.match(/Fetched/g)?.length, 1, "once the remote stays, pushing comes first");
    assert.equal(await head(b), await remoteTip(b));
  } finally {
    await fleet.cleanup();
  }
});

Deno.test("RemoteSync.publish() aborts a conflicting merge and resets to the remote, keeping its commits", async () => {
  const fleet = await fleetRepos(2);
  try {
    const [a, b] = fleet.clones as [FleetClone, FleetClone];
    await Deno.writeTextFile(`${a.dir}/shared.txt`, "a's version\n");
    await commitAll(a, "a edits");
    await syncOf(a, "w1").sync.publish();
    await Deno.writeTextFile(`${b.dir}/shared.txt`, "b's version\n");
    await commitAll(b, "b edits");
    await assert.rejects(syncOf(b, "w2").sync.publish(), (e) => {
      assert.equal((e as { code: string }).code, "SyncConflict");
      assert.deepEqual((e as { paths: string[] }).paths, ["shared.txt"]);
      return true;
    });
    assert.equal(await head(b), await remoteTip(b), "reset to the remote's commit");
    assert.equal(await Deno.readTextFile(`${b.dir}/shared.txt`), "a's version\n");
    assert.equal(await b.sh("status", "--porcelain"), "", "no merge in progress, no markers");
    const subjects = (await b.sh("log", "--format=%s")).trim().split("\n");
    assert.ok(subjects.includes("a edits") && !subjects.includes("b edits"));
  } finally {
    await fleet.cleanup();
  }
});

Deno.test("RemoteSync.publish() drops work on an item another worker took over (ClaimLost)", async () => {
  const fleet = await fleetRepos(2, [item("WRK-001", "InProgress", { phase: "build" })]);
  try {
    const [a, b] = fleet.clones as [FleetClone, FleetClone];
    await claimItem(a.store, "WRK-001", { agent: "w1", ttl: "1h" });
    await commitAll(a, "claim w1");
    await syncOf(a, "w1").sync.publish();
    await Deno.writeTextFile(`${b.dir}/work.txt`, "b's work\n");
    await commitAll(b, "b's phase");
    await assert.rejects(syncOf(b, "w2").sync.publish({ itemId: "WRK-001" }), (e) => {
      assert.equal((e as { code: string }).code, "ClaimLost");
      assert.equal((e as { holder: string }).holder, "w1");
      return true;
    });
    assert.equal(await head(b), await remoteTip(b));
  } finally {
    await fleet.cleanup();
  }
});

Deno.test("RemoteSync retries an unreachable remote with backoff and jitter, then fails with SyncFailed", async () => {
  const fleet = await fleetRepos(1);
  try {
    const [a] = fleet.clones as [FleetClone];
    await Deno.rename(fleet.remoteDir, `${fleet.remoteDir}.gone`);
    const waits: number[] = [];
    let r = 0;
    const { sync, log } = syncOf(a, "w1", {
      attempts: 4,
      baseDelayMs: 100,
      maxDelayMs: 250,
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
      random: () => [0, 0.99, 0.5][r++ % 3]!,
    });
    await assert.rejects(sync.pull(), (e) => {
      assert.equal((e as { code: string }).code, "SyncFailed");
      assert.match(
        (e as Error).message,
        /^Cannot fetch from origin\/main: '.*' does not appear to be a git repository \(after 4 tries\)$/,
      );
      return true;
    });
    assert.deepEqual(waits, [50, 298, 250], "100·2^k capped at 250, times 0.5..1.5");
    assert.equal(log.at("WARN").length, 3);
    await Deno.rename(`${fleet.remoteDir}.gone`, fleet.remoteDir);
    assert.equal((await sync.pull()).pushed, false);
  } finally {
    await fleet.cleanup();
  }
});

Deno.test("backoffDelay() doubles up to the cap and scales by 0.5..1.5", () => {
  const p = { baseDelayMs: 1000, maxDelayMs: 30_000 };
  assert.equal(backoffDelay(1, { ...p, random: () => 0 }), 500);
  assert.equal(backoffDelay(3, { ...p, random: () => 0.5 }), 4000);
  assert.equal(backoffDelay(20, { ...p, random: () => 0.999 }), 44970);
});

Deno.test("GitRemote.push() tells a lost race from an unreachable remote", async () => {
  const reply = (code: number, stdout: string, stderr = "") => ({ code, stdout, stderr });
  const runner = new FakeProcessRunner([
    reply(0, "To r\n \tHEAD:refs/heads/main\ta..b\nDone\n"),
    reply(1, "To r\n!\tHEAD:refs/heads/main\t[rejected] (fetch first)\nDone\n"),
    reply(1, "To r\n!\tHEAD:refs/heads/main\t[remote rejected] (cannot lock ref 'x')\nDone\n"),
    reply(1, "To r\n!\tHEAD:refs/heads/main\t[remote rejected] (pre-receive hook declined)\n"),
    reply(128, "", "fatal: '/x' does not appear to be a git repository\nfatal: Could not read"),
  ]);
  const git = new GitRemote({ runner, root: "/r" });
  const kinds = [];
  for (let i = 0; i < 5; i++) kinds.push(await git.push("origin", "main"));
  assert.deepEqual(kinds, [
    { kind: "pushed" },
    { kind: "rejected", detail: "[rejected] (fetch first)" },
    { kind: "rejected", detail: "[remote rejected] (cannot lock ref 'x')" },
    { kind: "failed", detail: "[remote rejected] (pre-receive hook declined)" },
    { kind: "failed", detail: "'/x' does not appear to be a git repository" },
  ]);
  assert.deepEqual(runner.calls[0]?.args, [
    "--literal-pathspecs",
    "-c",
    "maintenance.auto=false",
    "push",
    "--porcelain",
    "--no-verify",
    "--",
    "origin",
    "HEAD:refs/heads/main",
  ]);
  assert.equal(runner.calls[0]?.options.env?.GIT_TERMINAL_PROMPT, "0");
});

Deno.test("ensureMergeDriver() defines a missing driver and routes the store files in info/attributes", async () => {
  const fleet = await fleetRepos(1);
  try {
    const [a] = fleet.clones as [FleetClone];
    const fs = new DenoFileSystem();
    // fleetRepos set it up already (the test repo has no .gitattributes).
    const attributes = (await a.sh("rev-parse", "--git-path", "info/attributes")).trim();
    const text = await Deno.readTextFile(`${a.dir}/${attributes}`);
    assert.deepEqual(text.trim().split("\n"), DRIVER_PATHS.map((p) => `${p} merge=tg`));
    const again = await ensureMergeDriver(a.remote, fs, "other %O %A %B %P");
    assert.equal(again.configured, false, "a defined driver is kept");
    assert.equal(again.attributesPath, null, "attributes route the store already");
    assert.match(again.command, / merge-driver %O %A %B %P$/);
    await a.sh("config", "--unset", "merge.tg.driver");
    const fresh = await ensureMergeDriver(a.remote, fs, "tg merge-driver %O %A %B %P");
    assert.equal(fresh.configured, true);
    assert.equal(
      (await a.sh("config", "--get", "merge.tg.driver")).trim(),
      "tg merge-driver %O %A %B %P",
    );
    assert.equal(await Deno.readTextFile(`${a.dir}/${attributes}`), text, "not added twice");
  } finally {
    await fleet.cleanup();
  }
});

Deno.test("ensureAppendDriver() merges the worklog by appending, without a conflict", async () => {
  const fleet = await fleetRepos(2);
  try {
    const [a, b] = fleet.clones as [FleetClone, FleetClone];
    const worklog = (c: FleetClone) => `${c.dir}/_worklog/2026-01.md`;
    await Deno.writeTextFile(worklog(a), "## base\n\n---\n\n");
    await commitAll(a, "base");
    await a.sh("push", "-q", "origin", "main");
    await b.sh("pull", "-q", "origin", "main");
    for (const [c, text] of [[a, "A"], [b, "B"]] as const) {
      await Deno.writeTextFile(worklog(c), `## entry ${text}\n\n---\n\n`, { append: true });
      await commitAll(c, text);
    }
    await a.sh("push", "-q", "origin", "main");
    const fs = new DenoFileSystem();
    assert.equal(await ensureAppendDriver(b.remote, fs, ["_worklog/*.md"]), true);
    assert.equal(await ensureAppendDriver(b.remote, fs, ["_worklog/*.md"]), false);
    await b.sh("pull", "-q", "--no-rebase", "--no-edit", "origin", "main");
    assert.equal(
      await Deno.readTextFile(worklog(b)),
      "## base\n\n---\n\n## entry A\n\n---\n\n## entry B\n\n---\n\n",
    );
    assert.equal(await b.sh("status", "--porcelain"), "");
  } finally {
    await fleet.cleanup();
  }
});
