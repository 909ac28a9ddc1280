import assert from "node:assert/strict";
import { mergeDirection } from "./item_merge.ts";

Deno.test("mergeDirection(): higher number into lower; random IDs merge the triaged item", () => {
  assert.deepEqual(mergeDirection("WRK-005", "WRK-001"), { source: "WRK-005", target: "WRK-001" });
  assert.deepEqual(mergeDirection("WRK-001", "WRK-005"), { source: "WRK-005", target: "WRK-001" });
  assert.deepEqual(mergeDirection("WRK-00010", "WRK-9"), { source: "WRK-00010", target: "WRK-9" });
  assert.deepEqual(mergeDirection("WRK-a1b2c", "WRK-001"), {
    source: "WRK-a1b2c",
    target: "WRK-001",
  });
  assert.deepEqual(mergeDirection("WRK-001", "tg-1rh14"), {
    source: "WRK-001",
    target: "tg-1rh14",
  });
  assert.deepEqual(
    mergeDirection("A-7", "B-07"),
    { source: "A-7", target: "B-07" },
    "equal numbers",
  );
});
