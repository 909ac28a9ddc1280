import assert from "node:assert/strict";
import { MemoryFileSystem } from "../../io/fs.ts";
import { FixedClock } from "../../io/clock.ts";
import { appendWorklog, formatWorklogEntry, worklogRelPath, worklogTimestamp } from "./worklog.ts";

const T = { secs: 1795627697, nanos: 203339127 }; // 2026-11-25T17:28:17.203339127Z

Deno.test("worklogTimestamp() keeps sub-second digits with a +00:00 offset", () => {
  assert.equal(worklogTimestamp(T), "2026-11-25T17:28:17.203339127+00:00");
  assert.equal(worklogTimestamp({ secs: 1795627697, nanos: 0 }), "2026-11-25T17:28:17+00:00");
  assert.equal(
    worklogTimestamp({ secs: 1795627697, nanos: 5_000_000 }),
    "2026-11-25T17:28:17.005+00:00",
  );
});

Deno.test("formatWorklogEntry() writes the exact entry format", () => {
  assert.equal(
    formatWorklogEntry(
      { id: "WRK-001", title: "Add parser", phase: "build", outcome: "Complete", summary: "Built" },
      T,
    ),
    "## 2026-11-25T17:28:17.203339127+00:00 — WRK-001 (Add parser)\n\n" +
      "- **Phase:** build\n- **Outcome:** Complete\n- **Summary:** Built\n\n---\n\n",
  );
});

Deno.test("formatWorklogEntry() keeps hostile header fields on one line", () => {
  const text = formatWorklogEntry(
    { id: "X-1\n## fake", title: "a\r\nb", phase: "p\nq", outcome: "Failed", summary: "s" },
    T,
  );
  assert.equal(text.split("\n")[0], "## 2026-11-25T17:28:17.203339127+00:00 — X-1 ## fake (a b)");
  assert.ok(text.includes("- **Phase:** p q\n"));
});

Deno.test("appendWorklog() appends to the UTC month's file, creating _worklog/", async () => {
  const fs = new MemoryFileSystem();
  const clock = new FixedClock(T);
  const entry = {
    id: "A-1",
    title: "T",
    phase: "triage",
    outcome: "Merged" as const,
    summary: "Merged into A-0",
  };
  assert.equal(await appendWorklog(entry, { fs, root: "/repo", clock }), "_worklog/2026-11.md");
  await appendWorklog(entry, { fs, root: "/repo", clock });
  const text = new TextDecoder().decode((await fs.readFile("/repo/_worklog/2026-11.md"))!);
  assert.equal(text.split("## ").length - 1, 2);
  assert.equal(worklogRelPath({ secs: 1767225599, nanos: 0 }), "_worklog/2025-12.md");
});
