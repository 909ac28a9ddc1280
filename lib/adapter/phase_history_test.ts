import assert from "node:assert/strict";
import { newPgItem, PgItem } from "./pg_item.ts";
import { applyUpdate } from "./item_update.ts";
import {
  decodePhaseRun,
  encodePhaseRun,
  HISTORY_LIMIT,
  type PhaseRun,
  totalPhaseRuns,
} from "./phase_history.ts";
import { serializeItem } from "../store/item.ts";

const RUN: PhaseRun = {
  phase: "prd",
  outcome: "complete",
  startedAt: "2026-01-01T00:00:00Z",
  durationMs: 81234,
  attempts: 1,
  costUsd: 0.42,
  inputTokens: 5120,
  outputTokens: 930,
};

Deno.test("PhaseRun encodes to a compact, sorted JSON object and decodes back", () => {
  const item = newPgItem("WRK-001", "T", { now: "2026-01-01T00:00:00Z" });
  applyUpdate(new PgItem(item), { kind: "RecordPhaseRun", run: RUN });
  const line = serializeItem(item);
  assert.ok(
    line.includes(
      '"x-pg-history":[{"attempts":1,"cost_usd":0.42,"duration_ms":81234,"input_tokens":5120,' +
        '"outcome":"complete","output_tokens":930,"phase":"prd","started_at":"2026-01-01T00:00:00Z"}]',
    ),
    line,
  );
  assert.deepEqual(new PgItem(item).history(), [RUN]);
  const minimal = { ...RUN, costUsd: undefined, inputTokens: undefined, outputTokens: undefined };
  const back = decodePhaseRun(encodePhaseRun(minimal));
  assert.deepEqual(back, {
    phase: "prd",
    outcome: "complete",
    startedAt: RUN.startedAt,
    durationMs: 81234,
    attempts: 1,
  });
});

Deno.test("history keeps the newest entries only", () => {
  const item = newPgItem("WRK-001", "T", { now: "2026-01-01T00:00:00Z" });
  const pg = new PgItem(item);
  for (let i = 0; i < HISTORY_LIMIT + 5; i++) pg.appendHistory({ ...RUN, attempts: i });
  const h = pg.history();
  assert.equal(h.length, HISTORY_LIMIT);
  assert.equal(h[0]!.attempts, 5);
  assert.equal(h.at(-1)!.attempts, HISTORY_LIMIT + 4);
});

Deno.test("invalid history values read as absent with warnings", () => {
  const item = newPgItem("WRK-001", "T", { now: "2026-01-01T00:00:00Z" });
  const warnings: string[] = [];
  item.extensions["x-pg-history"] = "nope";
  assert.deepEqual(new PgItem(item, { warn: (m) => warnings.push(m) }).history(), []);
  item.extensions["x-pg-history"] = [encodePhaseRun(RUN), { phase: "x" }, 3n];
  assert.deepEqual(new PgItem(item, { warn: (m) => warnings.push(m) }).history(), [RUN]);
  assert.deepEqual(warnings, [
    "Item WRK-001: invalid x-pg-history value 'nope', treating as absent",
    "Item WRK-001: invalid x-pg-history entry skipped",
    "Item WRK-001: invalid x-pg-history entry skipped",
  ]);
});

Deno.test("totalPhaseRuns() sums time, and cost and tokens only where reported", () => {
  assert.deepEqual(totalPhaseRuns([]), { runs: 0, durationMs: 0, costUsd: null, tokens: null });
  assert.deepEqual(
    totalPhaseRuns([RUN, { ...RUN, costUsd: undefined, inputTokens: undefined, outputTokens: 10 }]),
    { runs: 2, durationMs: 162468, costUsd: 0.42, tokens: 6060 },
  );
});
