import assert from "node:assert/strict";
import { it, testConfig } from "../../_testing/scheduler_fixtures.ts";
import { parseFilters } from "../scheduling/filter.ts";
import { backlogSummaryLines, configSummaryLines } from "./startup_summary.ts";

Deno.test("configSummaryLines() gives limits, the run's scope and one line per pipeline", () => {
  const config = testConfig(2, 3);
  assert.deepEqual(configSummaryLines(config, { targets: [], filter: [], cap: 7 }), [
    "[config] Prefix: WRK | Guardrails: size<=medium, complexity<=medium, risk<=low | " +
    "Execution: timeout 30m, retries 2, max_wip 2, max_concurrent 3",
    "[config] Run: all items | cap 7",
    "[pipeline:feature] pre: [research] -> main: [prd -> build -> review]",
    "[pipeline:blog] pre: [] -> main: [draft -> publish]",
  ]);
  const scope = (targets: string[], only: string[]) =>
    configSummaryLines(config, { targets, filter: parseFilters(only), cap: 1 })[1];
  assert.equal(scope(["WRK-1", "WRK-2"], []), "[config] Run: targets WRK-1, WRK-2 | cap 1");
  assert.equal(scope([], ["impact=high"]), "[config] Run: filter impact=high | cap 1");
});

Deno.test("backlogSummaryLines() counts statuses and names up to three actionable items", () => {
  assert.deepEqual(backlogSummaryLines([]), ["[backlog] 0 item(s)"]);
  assert.deepEqual(
    backlogSummaryLines([
      it("WRK-1", "Done"),
      it("WRK-2", "InProgress", { phase: "build" }),
      it("WRK-3", "Blocked"),
      it("WRK-4", "New"),
      it("WRK-5", "Ready"),
      it("WRK-6", "New"),
    ]),
    [
      "[backlog] 6 item(s): done 1, inprogress 1, blocked 1, new 2, ready 1",
      "[backlog] Next: WRK-2 (inprogress, build), WRK-4 (new), WRK-5 (ready)",
    ],
  );
});
