import assert from "node:assert/strict";
import { countLive, ProcessGroups } from "./process_group.ts";

const DEC = new TextDecoder();

async function output(
  groups: ProcessGroups,
  script: string,
  timeoutMs = 10_000,
): Promise<{ text: string; r: Awaited<ReturnType<ProcessGroups["run"]>> }> {
  let text = "";
  const r = await groups.run("sh", ["-c", script], {
    cwd: "/",
    timeoutMs,
    onOutput: (c) => text += DEC.decode(c),
  });
  return { text, r };
}

function ownPgid(): number {
  const stat = Deno.readTextFileSync("/proc/self/stat");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
}

Deno.test("ProcessGroups.run() starts the program as the leader of a new group (PGID = PID)", async () => {
  const { text, r } = await output(
    new ProcessGroups(),
    'echo $$; cut -d" " -f5 /proc/$$/stat; pwd',
  );
  const [pid, pgid, cwd] = text.trim().split("\n");
  assert.equal(pgid, pid);
  assert.notEqual(Number(pgid), ownPgid());
  assert.equal(cwd, "/");
  assert.deepEqual({ ...r, durationMs: 0 }, {
    reason: "exit",
    exitCode: 0,
    signal: null,
    stop: "none",
    leftovers: 0,
    durationMs: 0,
  });
});

Deno.test("ProcessGroups.run() reports exit codes and signals", async () => {
  const groups = new ProcessGroups();
  assert.equal((await output(groups, "exit 7")).r.exitCode, 7);
  const killed = (await output(groups, "kill -KILL $$")).r;
  assert.equal(killed.exitCode, null);
  assert.equal(killed.signal, "SIGKILL");
});

Deno.test("ProcessGroups.run() keeps streaming when the output sink throws", async () => {
  const groups = new ProcessGroups();
  let calls = 0;
  const r = await groups.run("sh", ["-c", "for i in 1 2 3; do echo $i; sleep 0.05; done"], {
    cwd: "/",
    timeoutMs: 10_000,
    onOutput: () => {
      calls++;
      throw new Error("sink failed");
    },
  });
  assert.equal(r.exitCode, 0);
  assert.equal(calls, 3);
});

Deno.test("ProcessGroups.run() does not wait for a process that left the group but holds the pipe", async () => {
  const groups = new ProcessGroups();
  const started = performance.now();
  const { r } = await output(groups, "setsid sleep 5 & echo $! ; exit 0");
  const elapsed = performance.now() - started;
  assert.equal(r.exitCode, 0);
  assert.ok(elapsed < 3000, `waited ${elapsed} ms for the escaped process`);
});

Deno.test("ProcessGroups.terminate() reports gone, terminated and killed", async () => {
  const groups = new ProcessGroups({ graceMs: 300, pollMs: 50 });
  assert.equal(await groups.terminate(2 ** 22 + 12345), "gone");

  const polite = new Deno.Command("sleep", { args: ["30"], detached: true, stdin: "null" })
    .spawn();
  assert.equal(await groups.terminate(polite.pid), "terminated");
  assert.equal((await polite.status).signal, "SIGTERM");

  const stubborn = new Deno.Command("sh", {
    args: ["-c", "trap '' TERM; sleep 30 & wait; wait"],
    detached: true,
    stdin: "null",
  }).spawn();
  await new Promise((r) => setTimeout(r, 100));
  const started = performance.now();
  assert.equal(await groups.terminate(stubborn.pid), "killed");
  assert.ok(performance.now() - started >= 290);
  assert.equal((await stubborn.status).signal, "SIGKILL");
  assert.equal(await countLive(stubborn.pid), 0);
});

Deno.test("countLive() does not count zombies nobody reaps", async () => {
  // After `exec`, `sleep 30` is the parent of `sleep 0.1` and never reaps it.
  const child = new Deno.Command("sh", {
    args: ["-c", "sleep 0.1 & exec sleep 30"],
    detached: true,
    stdin: "null",
  }).spawn();
  try {
    await new Promise((r) => setTimeout(r, 400));
    let zombies = 0;
    for await (const e of Deno.readDir("/proc")) {
      if (!/^\d+$/.test(e.name)) continue;
      const stat = await Deno.readTextFile(`/proc/${e.name}/stat`).catch(() => "");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(f[2]) === child.pid && f[0] === "Z") zombies++;
    }
    assert.equal(zombies, 1);
    assert.equal(await countLive(child.pid), 1);
  } finally {
    Deno.kill(-child.pid, "SIGKILL");
    await child.status;
  }
  assert.equal(await countLive(child.pid), 0);
});

Deno.test("ProcessGroups.killAll() stops groups that are being waited for", async () => {
  const groups = new ProcessGroups({ graceMs: 300 });
  const runs = [1, 2, 3].map(() =>
    groups.run("sh", ["-c", "sleep 30 & wait"], { cwd: "/", timeoutMs: 60_000 })
  );
  await new Promise((r) => setTimeout(r, 100));
  const pgids = groups.pgids();
  assert.equal(pgids.length, 3);
  assert.equal(await groups.killAll(), 3);
  assert.deepEqual(groups.pgids(), []);
  for (const r of await Promise.all(runs)) assert.equal(r.signal, "SIGTERM");
  for (const pgid of pgids) assert.equal(await countLive(pgid), 0);
});

Deno.test("ProcessGroups.run() on timeout and abort stops the whole group", async () => {
  const groups = new ProcessGroups({ graceMs: 300 });
  const t = await groups.run("sh", ["-c", "sleep 30 & sleep 30 & wait"], {
    cwd: "/",
    timeoutMs: 100,
  });
  assert.equal(t.reason, "timeout");
  assert.equal(t.stop, "terminated");
  const controller = new AbortController();
  const pending = groups.run("sh", ["-c", "trap '' TERM; sleep 30 & wait; wait"], {
    cwd: "/",
    timeoutMs: 60_000,
    signal: controller.signal,
  });
  await new Promise((r) => setTimeout(r, 100));
  const [pgid] = groups.pgids();
  controller.abort();
  const a = await pending;
  assert.equal(a.reason, "abort");
  assert.equal(a.stop, "killed");
  assert.equal(await countLive(pgid!), 0);
});

Deno.test("ProcessGroups.run() records each group while it runs", async () => {
  const seen: string[] = [];
  const groups = new ProcessGroups({
    records: {
      add: (pgid, program, args) => {
        seen.push(`add ${pgid === groups.pgids()[0]} ${program} ${args.join(" ")}`);
        return Promise.resolve();
      },
      remove: (pgid) => {
        seen.push(`remove ${groups.pgids().includes(pgid)}`);
        return Promise.resolve();
      },
    },
  });
  await output(groups, "exit 0");
  assert.deepEqual(seen, ["add true sh -c exit 0", "remove false"]);
});
