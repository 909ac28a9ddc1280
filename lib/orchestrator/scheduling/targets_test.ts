import assert from "node:assert/strict";
import { isItemIdSyntax, validateTargets } from "./targets.ts";

Deno.test("isItemIdSyntax() [Fix] B14 accepts any alphanumeric suffix", () => {
  for (const ok of ["WRK-001", "WRK-a1b2c", "tg-a1b2c", "HAMY-5c0f8", "tg-1rh14", "WRK-g1h2"]) {
    assert.ok(isItemIdSyntax(ok), ok);
  }
  for (const bad of ["WRK", "-001", "WRK-", "WRK-0-1", "WRK_001", " WRK-1", "../x"]) {
    assert.ok(!isItemIdSyntax(bad), bad);
  }
});

Deno.test("validateTargets() trims, then reports format, missing and duplicates in that order", () => {
  const active = new Set(["WRK-001", "WRK-002"]);
  assert.deepEqual(validateTargets([" WRK-001 ", "WRK-002"], active), {
    targets: ["WRK-001", "WRK-002"],
    problems: [],
  });
  assert.deepEqual(validateTargets(["x", "WRK-009", "WRK-001", "WRK-001", "x"], active).problems, [
    "Invalid target format 'x': expected <prefix>-<id> (numeric or hex suffix)",
    "Invalid target format 'x': expected <prefix>-<id> (numeric or hex suffix)",
    "Target 'x' not found in backlog",
    "Target 'WRK-009' not found in backlog",
    "Target 'x' not found in backlog",
    "Duplicate targets: WRK-001, x",
  ]);
});
