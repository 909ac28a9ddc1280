// `pg run --dry-run` end to end (issue 10 §2): the real CLI, a fake
// `claude` on PATH, a temp git repository. The dry run changes nothing and
// starts no agent; its plan is what the real run then does first.

import assert from "node:assert/strict";
import { e2eConfig, e2eItem, e2eProject, processesWithMarker, untimed } from "./_pg_e2e.ts";

/** Every file of the store, path → bytes as text. */
async function storeBytes(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for await (const e of Deno.readDir(`${dir}/.task-golem`)) {
    if (e.isFile) out[e.name] = await Deno.readTextFile(`${dir}/.task-golem/${e.name}`);
  }
  return out;
}

const ITEMS = [
  e2eItem("WRK-001", "InProgress", { phase: "prd", pool: "main", title: "Parser" }),
  e2eItem("WRK-002", "Ready", { impact: "high", created: 1, title: "Lexer" }),
  e2eItem("WRK-003", "New", { created: 2, title: "Docs" }),
  e2eItem("WRK-004", "Blocked", { created: 3 }),
  e2eItem("WRK-005", "New", { created: 4, deps: ["WRK-003"] }),
  e2eItem("WRK-006", "Ready", { created: 5 }),
];

Deno.test("e2e: pg run --dry-run changes nothing, starts no agent, and plans what the run does first", async () => {
  const p = await e2eProject(ITEMS, { config: e2eConfig({ maxWip: 2, maxConcurrent: 2 }) });
  try {
    const store = await storeBytes(p.dir);
    const head = await p.git("rev-parse", "HEAD");
    const status = await p.git("status", "--porcelain", "--untracked-files=all", "--ignored");

    const dry = await p.pg(["run", "--dry-run", "--json", "--cap", "2"]);
    assert.equal(dry.code, 0, dry.stderr);
    assert.deepEqual(await storeBytes(p.dir), store, "store bytes unchanged");
    assert.equal(await p.git("rev-parse", "HEAD"), head, "no commit");
    assert.equal(
      await p.git("status", "--porcelain", "--untracked-files=all", "--ignored"),
      status,
      "git status unchanged",
    );
    assert.deepEqual(await p.calls(), [], "no agent started");
    assert.deepEqual(await processesWithMarker(p.marker), []);
    assert.equal(
      await Deno.stat(`${p.dir}/.phase-golem/phase-golem.pid`).catch(() => null),
      null,
      "no PID file",
    );
    // The checks ran: the agent CLI was found, preflight passed.
    assert.match(untimed(dry.stderr), /Agent: Claude CLI \(model: default\)\n/);

    const plan = JSON.parse(dry.stdout);
    assert.equal(plan.type, "plan");
    assert.equal(plan.halt, null);
    assert.deepEqual(
      plan.actions.map((a: { action: string; item_id: string; phase?: string }) =>
        `${a.action} ${a.item_id}${a.phase ? ` ${a.phase}` : ""}`
      ),
      ["promote WRK-002", "phase WRK-001 prd", "triage WRK-003 triage"],
    );
    assert.deepEqual(
      plan.not_scheduled.map((s: { item_id: string; reason: string }) =>
        `${s.item_id} ${s.reason}`
      ),
      ["WRK-004 blocked", "WRK-005 dependency", "WRK-006 wip"],
    );
    assert.equal(
      plan.actions[0].why,
      "ready, impact high (highest impact first, then oldest); WIP 2/2",
    );

    // The real run that follows does those first.
    const real = await p.pg(["run", "--json", "--cap", "2"]);
    assert.equal(real.code, 0, real.stderr);
    const events = real.stdout.trim().split("\n").map((l) => JSON.parse(l));
    const started = events.filter((e) => e.type === "phase_started" && e.attempt === 1)
      .map((e) => `${e.item_id} ${e.phase}`);
    assert.deepEqual(started.sort(), ["WRK-001 prd", "WRK-003 triage"]);
    const promoted = [...untimed(real.stderr).matchAll(/^(\S+) → in_progress /gm)].map((m) => m[1]);
    assert.deepEqual(promoted, ["WRK-002"]);
  } finally {
    await p.cleanup();
  }
});

Deno.test("e2e: pg run --dry-run prints the plan as text, and a halt at once", async () => {
  const p = await e2eProject(ITEMS.slice(0, 3));
  try {
    const r = await p.pg(["run", "--dry-run"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      [
        "Dry run: nothing was started, changed or committed.",
        "The run would start with:",
        '  1. WRK-001 → prd "Parser": in progress at prd (phase 2 of 4 in feature; furthest first); slot 1/1',
        "Not scheduled:",
        '  WRK-002 (ready) "Lexer": WIP limit reached (1/1 in progress)',
        '  WRK-003 (new) "Docs": no free slot (max_concurrent 1)',
        "Then it goes on until nothing is left to do (cap 100).",
        "",
      ].join("\n"),
    );
    const none = await p.pg(["run", "--dry-run", "--only", "tag=nothing"]);
    assert.equal(none.code, 0, none.stderr);
    assert.match(none.stdout, /The run would halt at once: NoMatchingItems\n$/);
    assert.deepEqual(await p.calls(), []);
  } finally {
    await p.cleanup();
  }
});

Deno.test("e2e: pg run --dry-run runs the checks: a dirty tree fails as pg run does", async () => {
  const p = await e2eProject(ITEMS.slice(0, 1));
  try {
    await Deno.writeTextFile(`${p.dir}/scratch.txt`, "x");
    const r = await p.pg(["run", "--dry-run"]);
    assert.equal(r.code, 1);
    assert.match(
      untimed(r.stderr),
      /Error: Working tree is not clean\. Commit or stash changes before running phase-golem\.\n$/,
    );
    assert.equal(r.stdout, "");
  } finally {
    await p.cleanup();
  }
});
