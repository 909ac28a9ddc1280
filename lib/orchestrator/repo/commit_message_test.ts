import assert from "node:assert/strict";
import { batchCommitMessage, haltCommitMessage, phaseCommitMessage } from "./commit_message.ts";

Deno.test("phaseCommitMessage() formats, defaults and strips a duplicate prefix", () => {
  assert.equal(phaseCommitMessage("WRK-001", "build", "Add parser"), "[WRK-001][build] Add parser");
  assert.equal(phaseCommitMessage("WRK-001", "build", null), "[WRK-001][build] Phase output");
  assert.equal(phaseCommitMessage("WRK-001", "build", "  "), "[WRK-001][build] Phase output");
  assert.equal(
    phaseCommitMessage("WRK-001", "build", "[WRK-001][build]   Add parser"),
    "[WRK-001][build] Add parser",
  );
  assert.equal(
    phaseCommitMessage("WRK-001", "build", "[WRK-002][design] Other"),
    "[WRK-001][build] [WRK-002][design] Other",
    "a different prefix is kept",
  );
  assert.equal(
    phaseCommitMessage("W.1", "b+c", "[W.1][b+c] x"),
    "[W.1][b+c] x",
    "regex characters in IDs and phases are literal",
  );
});

Deno.test("batchCommitMessage() for one, several with and without summaries", () => {
  assert.equal(
    batchCommitMessage([{ itemId: "A-1", phase: "prd", commitSummary: "PRD" }]),
    "[A-1][prd] PRD",
  );
  assert.equal(
    batchCommitMessage([
      { itemId: "A-1", phase: "prd", commitSummary: null },
      { itemId: "B-2", phase: "design", commitSummary: null },
    ]),
    "[A-1][prd][B-2][design] Phase outputs",
  );
  assert.equal(
    batchCommitMessage([
      { itemId: "A-1", phase: "prd", commitSummary: "PRD" },
      { itemId: "B-2", phase: "design", commitSummary: null },
      { itemId: "C-3", phase: "spec", commitSummary: "[C-3][spec] Spec" },
    ]),
    "[A-1][prd] PRD | [C-3][spec] Spec\n\n[A-1][prd][B-2][design][C-3][spec] Phase outputs",
  );
});

Deno.test("haltCommitMessage() names the reason", () => {
  assert.equal(
    haltCommitMessage("CapReached"),
    "[phase-golem] Save task state on halt (CapReached)",
  );
});
