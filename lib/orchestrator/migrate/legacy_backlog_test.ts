import assert from "node:assert/strict";
import {
  MigrationError,
  parseInbox,
  parseLegacyBacklog,
  type ParseLegacyBacklogOptions,
} from "./legacy_backlog.ts";

const FEATURE = { pre: ["research"], main: ["prd", "build", "review"] };
const OPTS: ParseLegacyBacklogOptions = { path: "BACKLOG.yaml", feature: FEATURE };

function fail(fn: () => unknown): MigrationError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof MigrationError, String(e));
    return e;
  }
  throw new Error("expected a MigrationError");
}

const ITEM = (extra: string, id = "WRK-001", status = "new") =>
  `  - id: ${id}\n    title: T\n    status: ${status}\n    created: 2026-02-10T00:00:00+00:00\n    updated: 2026-02-10T00:00:00+00:00\n${extra}`;

Deno.test("parseLegacyBacklog() keeps timestamps at full precision and converts offsets to Z", () => {
  const b = parseLegacyBacklog(
    "schema_version: 3\nitems:\n- id: WRK-1\n  title: T\n  status: new\n" +
      "  created: 2026-02-12T18:23:33.711239234+02:00\n  updated: 2026-02-12T16:23:33.100+00:00\n",
    OPTS,
  );
  assert.equal(b.items[0]!.created, "2026-02-12T16:23:33.711239234Z");
  assert.equal(b.items[0]!.updated, "2026-02-12T16:23:33.100Z");
});

Deno.test("parseLegacyBacklog() treats a missing schema_version as 1 and an empty file as empty", () => {
  const b = parseLegacyBacklog("items: []\n", OPTS);
  assert.equal(b.version, 1);
  assert.deepEqual(b.items, []);
  assert.deepEqual(parseLegacyBacklog("", OPTS).items, []);
  assert.deepEqual(parseLegacyBacklog("# only a comment\n", OPTS).items, []);
});

Deno.test("parseLegacyBacklog() rejects unsupported and non-integer versions", () => {
  for (const v of ["4", "99", "0", "-1"]) {
    const e = fail(() => parseLegacyBacklog(`schema_version: ${v}\nitems: []\n`, OPTS));
    assert.equal(e.code, "Version");
    assert.equal(e.message, `Unsupported schema_version ${v} in BACKLOG.yaml (expected 3)`);
  }
  const e = fail(() => parseLegacyBacklog(`schema_version: "3"\nitems: []\n`, OPTS));
  assert.equal(e.message, "Invalid schema_version '3' in BACKLOG.yaml (expected an integer)");
  assert.equal(
    fail(() => parseLegacyBacklog("schema_version: 2.5\n", OPTS)).message,
    "Invalid schema_version 2.5 in BACKLOG.yaml (expected an integer)",
  );
});

Deno.test("parseLegacyBacklog() reports YAML syntax errors with their position", () => {
  const e = fail(() => parseLegacyBacklog("schema_version: 3\nitems: [\n", OPTS));
  assert.equal(e.code, "Parse");
  assert.match(e.message, /^Failed to parse BACKLOG\.yaml:\n {2}- .* at line \d+, column \d+$/);
  const dup = fail(() => parseLegacyBacklog("schema_version: 3\nschema_version: 3\n", OPTS));
  assert.equal(
    dup.message,
    "Failed to parse BACKLOG.yaml:\n  - Map keys must be unique at line 2, column 1",
  );
});

Deno.test("parseLegacyBacklog() rejects a document that is not a mapping", () => {
  const e = fail(() => parseLegacyBacklog("- title: x\n", OPTS));
  assert.equal(
    e.message,
    "Failed to parse BACKLOG.yaml: expected a mapping with 'schema_version' and 'items', found a sequence",
  );
});

Deno.test("parseLegacyBacklog() collects every invalid item together", () => {
  const text = "schema_version: 3\nitems:\n" +
    ITEM("    size: huge\n    risk: LOW\n") +
    ITEM("", "WRK-001") +
    "  - id: WRK-002\n    title: \"two\\nlines\"\n    status: researching\n    created: yesterday\n    updated: 2026-02-10T00:00:00Z\n    requires_human_review: 'yes'\n    tags: [1]\n" +
    "  - title: no id\n    status: new\n    created: 2026-02-10T00:00:00Z\n    updated: 2026-02-10T00:00:00Z\n" +
    "  - 42\n";
  const e = fail(() => parseLegacyBacklog(text, OPTS));
  assert.equal(e.code, "Invalid");
  assert.deepEqual(e.problems, [
    "item WRK-001: size: invalid value 'huge' (expected one of small, medium, large)",
    "item WRK-001: risk: invalid value 'LOW' (expected one of low, medium, high)",
    "item WRK-001: duplicate ID (items #1 and #2)",
    "item WRK-002: title: must be a single line (no newlines)",
    "item WRK-002: status: invalid value 'researching' (expected one of new, scoping, ready, in_progress, done, blocked)",
    "item WRK-002: requires_human_review: expected true or false, found 'yes'",
    "item WRK-002: tags: expected a list of strings, found [1]",
    "item WRK-002: created: invalid RFC 3339 timestamp 'yesterday'",
    "item #4: id: missing",
    "item #5: expected a mapping, found 42",
  ]);
  assert.ok(e.message.startsWith("Invalid backlog BACKLOG.yaml:\n  - item WRK-001: size"));
});

Deno.test("parseLegacyBacklog() requires id, title, status, created and updated", () => {
  const e = fail(() => parseLegacyBacklog("schema_version: 3\nitems:\n  - id: X\n", OPTS));
  assert.deepEqual(e.problems, [
    "item X: title: missing",
    "item X: status: missing",
    "item X: created: missing",
    "item X: updated: missing",
  ]);
  const blank = fail(() =>
    parseLegacyBacklog(
      "schema_version: 3\nitems:\n" + ITEM("").replace("title: T", "title: '  '"),
      OPTS,
    )
  );
  assert.deepEqual(blank.problems, ["item WRK-001: title: cannot be empty"]);
});

Deno.test("parseLegacyBacklog() v1: status, phase and pipeline upgrade with warnings", () => {
  const warnings: string[] = [];
  const b = parseLegacyBacklog(
    "schema_version: 1\nitems:\n" +
      ITEM("    phase: research\n", "A", "researching") +
      ITEM("", "B", "scoped") +
      ITEM("    phase: build\n", "C", "in_progress") +
      ITEM("    phase: design\n", "D", "in_progress") +
      ITEM("    blocked_from_status: scoped\n", "E", "blocked") +
      ITEM("    phase: review\n", "F", "done"),
    { ...OPTS, warn: (m) => warnings.push(m) },
  );
  const s = b.items.map((i) => [i.id, i.status, i.phase, i.phasePool, i.pipelineType]);
  assert.deepEqual(s, [
    ["A", "Scoping", null, null, "feature"],
    ["B", "Ready", null, null, "feature"],
    ["C", "InProgress", "build", "main", "feature"],
    ["D", "InProgress", null, null, "feature"],
    ["E", "Blocked", null, null, "feature"],
    ["F", "Done", "review", null, "feature"],
  ]);
  assert.equal(b.items[4]!.blockedFromStatus, "Ready");
  assert.deepEqual(warnings, [
    "Item A: status 'researching' upgraded to 'scoping'",
    "Item A: phase 'research' cleared (researching items restart scoping)",
    "Item B: status 'scoped' upgraded to 'ready'",
    "Item D: phase 'design' not found in feature pipeline phases; cleared",
    "Item E: blocked_from_status 'scoped' upgraded to 'ready'",
    "Upgraded BACKLOG.yaml from schema_version 1: 2 status change(s), 1 phase(s) cleared, 1 validation clear(s), 3 unchanged",
  ]);
});

Deno.test("parseLegacyBacklog() v1 needs a feature pipeline; v1 phases are an enum", () => {
  const e = fail(() =>
    parseLegacyBacklog("schema_version: 1\nitems: []\n", { ...OPTS, feature: null })
  );
  assert.equal(e.code, "Config");
  assert.equal(e.message, "Migration requires 'feature' pipeline in config, but none found");
  const p = fail(() => parseLegacyBacklog("items:\n" + ITEM("    phase: deploy\n"), OPTS));
  assert.deepEqual(p.problems, [
    "item WRK-001: phase: invalid value 'deploy' (expected one of prd, research, design, spec, build, review)",
  ]);
  // v2 and later: any phase name.
  const v2 = parseLegacyBacklog("schema_version: 2\nitems:\n" + ITEM("    phase: deploy\n"), {
    ...OPTS,
    feature: null,
  });
  assert.equal(v2.items[0]!.phase, "deploy");
});

Deno.test("parseLegacyBacklog() v2/v3 descriptions: strings are split, mappings read", () => {
  const [a, b, c] = parseLegacyBacklog(
    "schema_version: 3\nitems:\n" +
      ITEM('    description: "Context: C\\nProblem: P"\n', "A") +
      ITEM("    description:\n      context: ctx\n      solution: ''\n      impact: I\n", "B") +
      ITEM("    description: '   '\n", "C"),
    { ...OPTS, feature: null },
  ).items;
  assert.deepEqual(a!.description, {
    context: "C",
    problem: "P",
    solution: "",
    impact: "",
    sizing_rationale: "",
  });
  assert.deepEqual(b!.description, {
    context: "ctx",
    problem: "",
    solution: "",
    impact: "I",
    sizing_rationale: "",
  });
  assert.equal(c!.description, null);
  const e = fail(() =>
    parseLegacyBacklog(
      "schema_version: 3\nitems:\n" + ITEM("    description:\n      context: 5\n"),
      OPTS,
    )
  );
  assert.deepEqual(e.problems, ["item WRK-001: description.context: expected a string, found 5"]);
  const v1 = parseLegacyBacklog(
    "schema_version: 1\nitems:\n" + ITEM("    description: text\n"),
    OPTS,
  );
  assert.equal(v1.items[0]!.description, null);
  assert.deepEqual({ ...v1.items[0]!.unknown }, { description: "text" });
});

Deno.test("parseLegacyBacklog() keeps unknown item keys with JSON values", () => {
  const b = parseLegacyBacklog(
    "schema_version: 3\nextra: 1\nitems:\n" +
      ITEM("    future: 42\n    nested: {a: [1.5, true, null]}\n"),
    OPTS,
  );
  assert.deepEqual(b.unknownTopLevelKeys, ["extra"]);
  const u = b.items[0]!.unknown;
  assert.equal(u.future, 42n);
  assert.deepEqual(JSON.parse(JSON.stringify(u.nested)), { a: [1.5, true, null] });
});

Deno.test("parseInbox() reads entries, skips blank titles, rejects bad values", () => {
  const warnings: string[] = [];
  const entries = parseInbox(
    '# comment\n- title: "A"\n  description: "  text  "\n  size: small\n  dependencies: [WRK-1]\n' +
      "- title: '  '\n- title: B\n  impact: high   # inline comment\n  pipeline_type: blog\n",
    { path: "INBOX.yaml", warn: (m) => warnings.push(m) },
  );
  assert.deepEqual(entries, [
    {
      title: "A",
      description: "text",
      size: "small",
      risk: null,
      impact: null,
      pipelineType: null,
      dependencies: ["WRK-1"],
    },
    {
      title: "B",
      description: null,
      size: null,
      risk: null,
      impact: "high",
      pipelineType: "blog",
      dependencies: [],
    },
  ]);
  assert.deepEqual(warnings, ["Skipping inbox item #2 in INBOX.yaml: blank title"]);
  assert.deepEqual(parseInbox("  \n", { path: "I" }), []);
  assert.deepEqual(parseInbox("# nothing\n", { path: "I" }), []);
  const e = fail(() => parseInbox("- title: A\n  size: huge\n  colour: red\n", { path: "I" }));
  assert.deepEqual(e.problems, [
    "inbox item #1: colour: unknown field",
    "inbox item #1: size: invalid value 'huge' (expected one of small, medium, large)",
  ]);
  assert.equal(
    fail(() => parseInbox("items: []\n", { path: "I" })).message,
    "Failed to parse I: expected a sequence of inbox items, found a mapping",
  );
});
