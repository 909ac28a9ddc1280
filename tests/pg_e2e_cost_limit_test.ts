// The cost limit end to end (issue 10 §3): the real CLI and the claude
// runner, with a fake `claude` that reports a cost in claude's JSON line.

import assert from "node:assert/strict";
import { e2eItem, e2eProject, untimed } from "./_pg_e2e.ts";

Deno.test("e2e: --max-cost 1.0 with an agent reporting $0.40 a call makes 3 calls and halts CostLimitReached", async () => {
  const p = await e2eProject([
    e2eItem("WRK-001", "New"),
    e2eItem("WRK-002", "New", { created: 1 }),
    e2eItem("WRK-003", "InProgress", { phase: "prd", pool: "main", created: 2 }),
  ]);
  try {
    await p.scenarios({ "*/*/*": { usage: { cost_usd: 0.4 } } });
    const r = await p.pg(["run", "--max-cost", "1.0", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await p.calls()).length, 3, "0.40 + 0.40 + 0.40 reaches 1.00 at the third call");
    const err = untimed(r.stderr);
    assert.match(err, /\[config\] Run: all items \| cap 100 \| cost limit \$1\.00\n/);
    assert.match(err, /Cost limit: \$1\.20 spent of \$1\.00\nHalt reason: CostLimitReached\n$/);
    assert.doesNotMatch(err, /cannot be enforced/, "claude reports its cost");
    const halted = r.stdout.trim().split("\n").map((l) => JSON.parse(l)).at(-1);
    assert.equal(halted.type, "halted");
    assert.equal(halted.reason, "CostLimitReached");
    assert.equal(halted.max_cost_usd, 1);
    assert.ok(Math.abs(halted.cost_usd - 1.2) < 1e-9, String(halted.cost_usd));
    assert.equal(await p.git("status", "--porcelain"), "", "everything committed");
  } finally {
    await p.cleanup();
  }
});

Deno.test("e2e: --max-cost refuses what is not a positive number of dollars", async () => {
  const p = await e2eProject([e2eItem("WRK-001", "New")]);
  try {
    for (const bad of ["0", "-1", "abc", "1e3"]) {
      const r = await p.pg(["run", `--max-cost=${bad}`]);
      assert.equal(r.code, 1, bad);
      assert.equal(
        untimed(r.stderr).trim().split("\n").at(-1),
        `Error: Invalid value '${bad}' for '--max-cost <USD>': expected a number of US dollars > 0`,
      );
    }
    assert.deepEqual(await p.calls(), []);
  } finally {
    await p.cleanup();
  }
});
