import assert from "node:assert/strict";
import { parseProcStat, ProcProcessTable } from "./process_table.ts";

const table = new ProcProcessTable();
const HAS_PROC = await table.available();

Deno.test({
  name: "ProcProcessTable reads a process's group and start time, and the group's live members",
  ignore: !HAS_PROC,
  async fn() {
    const child = new Deno.Command("sleep", {
      args: ["30"],
      stdin: "null",
      stdout: "null",
      stderr: "null",
      detached: true,
    }).spawn();
    try {
      const info = (await table.process(child.pid))!;
      assert.equal(info.pgid, child.pid, "leader of its own group");
      const self = (await table.process(Deno.pid))!;
      assert.ok(info.startTime >= self.startTime, "started after this process");
      assert.deepEqual((await table.group(child.pid)).map((m) => m.pid), [child.pid]);
      assert.match((await table.bootId())!, /^[0-9a-f-]{36}$/);
    } finally {
      child.kill("SIGKILL");
      await child.status;
    }
    assert.deepEqual(await table.group(child.pid), [], "gone once reaped");
    assert.equal(await table.process(child.pid), null);
  },
});

Deno.test("ProcProcessTable without /proc knows nothing", async () => {
  const none = new ProcProcessTable("/nonexistent-proc");
  assert.equal(await none.available(), false);
  assert.equal(await none.process(1), null);
  assert.deepEqual(await none.group(1), []);
  assert.equal(await none.bootId(), null);
});

Deno.test("parseProcStat() rejects lines without the fields it needs", () => {
  assert.equal(parseProcStat("12 (x) S 1"), null);
  assert.equal(parseProcStat(""), null);
});
