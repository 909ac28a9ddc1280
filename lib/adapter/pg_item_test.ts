import assert from "node:assert/strict";
import { serializeItem } from "../store/item.ts";
import type { JsonValue } from "../store/json.ts";
import type { Status } from "../store/status.ts";
import { rawItem, T0, T1, view } from "../_testing/pg_item_fixtures.ts";
import { newPgItem, PG_KEYS, PgItem } from "./pg_item.ts";
import type { PgStatus } from "./pg_status.ts";

// ---------------------------------------------------------------------------
// §5.2 read

const READ_TABLE: [Status, JsonValue | undefined, PgStatus, string | null][] = [
  ["todo", undefined, "New", null],
  ["todo", 42n, "New", null],
  ["todo", null, "New", null],
  ["todo", true, "New", null],
  ["todo", { a: "b" }, "New", null],
  ["todo", "new", "New", null],
  ["todo", "scoping", "Scoping", null],
  ["todo", "ready", "Ready", null],
  ["todo", "Ready", "New", "Item WRK-001: invalid x-pg-status value 'Ready', defaulting to New"],
  [
    "todo",
    "in_progress",
    "New",
    "Item WRK-001: invalid x-pg-status value 'in_progress', defaulting to New",
  ],
  ["todo", "", "New", "Item WRK-001: invalid x-pg-status value '', defaulting to New"],
  ["doing", undefined, "InProgress", null],
  ["doing", "scoping", "InProgress", null],
  ["doing", "garbage", "InProgress", null],
  ["done", undefined, "Done", null],
  ["done", "ready", "Done", null],
  ["blocked", undefined, "Blocked", null],
  ["blocked", "new", "Blocked", null],
];

for (const [native, ext, expected, warning] of READ_TABLE) {
  const label = ext === undefined
    ? "absent"
    : typeof ext === "bigint"
    ? `${ext}`
    : JSON.stringify(ext);
  Deno.test(`PgItem.status() reads ${native} + x-pg-status ${label} as ${expected}`, () => {
    const { pg, warnings } = view(
      rawItem(native, ext === undefined ? {} : { [PG_KEYS.status]: ext }),
    );
    assert.equal(pg.status(), expected);
    assert.deepEqual(warnings, warning === null ? [] : [warning]);
    // Warnings are emitted on every read.
    pg.status();
    assert.equal(warnings.length, warning === null ? 0 : 2);
  });
}

// ---------------------------------------------------------------------------
// §5.2 write

const WRITE_TABLE: [PgStatus, Status, string | undefined][] = [
  ["New", "todo", "new"],
  ["Scoping", "todo", "scoping"],
  ["Ready", "todo", "ready"],
  ["InProgress", "doing", undefined],
  ["Done", "done", undefined],
  ["Blocked", "blocked", undefined],
];

for (const [status, native, ext] of WRITE_TABLE) {
  for (const start of ["todo", "doing", "done", "blocked"] as Status[]) {
    Deno.test(`PgItem.setStatus(${status}) from native ${start} writes ${native}/${ext}`, () => {
      const item = rawItem(start, { [PG_KEYS.status]: "scoping", "x-other": 1n });
      const { pg } = view(item);
      pg.setStatus(status);
      assert.equal(item.status, native);
      assert.equal(item.extensions[PG_KEYS.status], ext);
      assert.equal(item.extensions["x-other"], 1n);
      assert.equal(item.updated_at, T1);
      assert.equal(pg.status(), status);
    });
  }
}

// ---------------------------------------------------------------------------
// §5.3 keys: valid values round-trip

type Case = {
  key: string;
  get: (pg: PgItem) => unknown;
  set: (pg: PgItem, v: never) => void;
  values: unknown[];
};

const ENUM_CASES: Case[] = [
  {
    key: PG_KEYS.phasePool,
    get: (pg) => pg.phasePool(),
    set: (pg, v) => pg.setPhasePool(v),
    values: ["pre", "main"],
  },
  {
    key: PG_KEYS.size,
    get: (pg) => pg.size(),
    set: (pg, v) => pg.setSize(v),
    values: ["small", "medium", "large"],
  },
  {
    key: PG_KEYS.complexity,
    get: (pg) => pg.complexity(),
    set: (pg, v) => pg.setComplexity(v),
    values: ["low", "medium", "high"],
  },
  {
    key: PG_KEYS.risk,
    get: (pg) => pg.risk(),
    set: (pg, v) => pg.setRisk(v),
    values: ["low", "medium", "high"],
  },
  {
    key: PG_KEYS.impact,
    get: (pg) => pg.impact(),
    set: (pg, v) => pg.setImpact(v),
    values: ["low", "medium", "high"],
  },
  {
    key: PG_KEYS.blockedType,
    get: (pg) => pg.blockedType(),
    set: (pg, v) => pg.setBlockedType(v),
    values: ["clarification", "decision"],
  },
];

const STRING_CASES: Case[] = [
  {
    key: PG_KEYS.phase,
    get: (pg) => pg.phase(),
    set: (pg, v) => pg.setPhase(v),
    values: ["prd", "build"],
  },
  {
    key: PG_KEYS.pipelineType,
    get: (pg) => pg.pipelineType(),
    set: (pg, v) => pg.setPipelineType(v),
    values: ["feature", "blog-post"],
  },
  {
    key: PG_KEYS.origin,
    get: (pg) => pg.origin(),
    set: (pg, v) => pg.setOrigin(v),
    values: ["WRK-001/review", "inbox"],
  },
  {
    key: PG_KEYS.unblockContext,
    get: (pg) => pg.unblockContext(),
    set: (pg, v) => pg.setUnblockContext(v),
    values: ["Go ahead", "multi\nline"],
  },
  {
    key: PG_KEYS.lastPhaseCommit,
    get: (pg) => pg.lastPhaseCommit(),
    set: (pg, v) => pg.setLastPhaseCommit(v),
    values: ["215d95eca66065d72bac552a90563aba4c42d307"],
  },
];

for (const c of [...ENUM_CASES, ...STRING_CASES]) {
  Deno.test(`PgItem ${c.key}: every valid value round-trips; null removes the key`, () => {
    for (const v of c.values) {
      const item = rawItem("todo", { "x-keep": "yes" });
      const { pg, warnings } = view(item);
      assert.equal(c.get(pg), null);
      c.set(pg, v as never);
      assert.equal(item.extensions[c.key], v);
      assert.equal(item.updated_at, T1);
      assert.equal(c.get(pg), v);
      // Reading back from the serialized line gives the same value.
      assert.ok(serializeItem(item).includes(`"${c.key}":${JSON.stringify(v)}`));
      c.set(pg, null as never);
      assert.equal(Object.hasOwn(item.extensions, c.key), false);
      assert.equal(c.get(pg), null);
      assert.equal(item.extensions["x-keep"], "yes");
      assert.deepEqual(warnings, []);
    }
  });
}

// §5.3 invalid values

const NON_STRINGS: [JsonValue, string][] = [
  [42n, "42"],
  [1.5, "1.5"],
  [true, "true"],
  [null, "null"],
  [["small"], '["small"]'],
  [{ v: "small" }, '{"v":"small"}'],
];

for (const c of ENUM_CASES) {
  const badStrings = ["", "HIGH", c.values[0]!.toString().toUpperCase(), " " + c.values[0], "x"];
  Deno.test(`PgItem ${c.key}: invalid values read as absent with a warning`, () => {
    const inputs: [JsonValue, string][] = [
      ...badStrings.map((s): [JsonValue, string] => [s, s]),
      ...NON_STRINGS,
    ];
    for (const [v, shown] of inputs) {
      const { pg, warnings } = view(rawItem("todo", { [c.key]: v }));
      assert.equal(c.get(pg), null, String(shown));
      assert.deepEqual(warnings, [
        `Item WRK-001: invalid ${c.key} value '${shown}', treating as absent`,
      ]);
    }
  });
}

for (const c of STRING_CASES) {
  Deno.test(`PgItem ${c.key}: a non-string value reads as absent without a warning`, () => {
    for (const [v] of NON_STRINGS) {
      const { pg, warnings } = view(rawItem("todo", { [c.key]: v }));
      assert.equal(c.get(pg), null);
      assert.deepEqual(warnings, []);
    }
  });
}

Deno.test("PgItem x-pg-requires-human-review: only JSON true is true; false removes the key", () => {
  const table: [JsonValue | undefined, boolean][] = [
    [undefined, false],
    [true, true],
    [false, false],
    ["true", false],
    [1n, false],
    [null, false],
    [{}, false],
  ];
  for (const [v, expected] of table) {
    const { pg, warnings } = view(
      rawItem("todo", v === undefined ? {} : { [PG_KEYS.requiresHumanReview]: v }),
    );
    assert.equal(pg.requiresHumanReview(), expected, String(v));
    assert.deepEqual(warnings, []);
  }
  const item = rawItem("todo");
  const { pg } = view(item);
  pg.setRequiresHumanReview(true);
  assert.equal(item.extensions[PG_KEYS.requiresHumanReview], true);
  pg.setRequiresHumanReview(false);
  assert.equal(Object.hasOwn(item.extensions, PG_KEYS.requiresHumanReview), false);
});

Deno.test("PgItem.assessments() returns only the valid, present assessments", () => {
  const { pg } = view(
    rawItem("todo", {
      [PG_KEYS.size]: "small",
      [PG_KEYS.risk]: "bogus",
      [PG_KEYS.impact]: "high",
    }),
  );
  assert.deepEqual(pg.assessments(), { size: "small", impact: "high" });
});

// x-pg-description

Deno.test("PgItem.description() decodes the object; missing fields are empty", () => {
  const { pg, warnings } = view(
    rawItem("todo", { [PG_KEYS.description]: { context: "C", problem: "P", extra: 1n } }),
  );
  assert.deepEqual(pg.description(), {
    context: "C",
    problem: "P",
    solution: "",
    impact: "",
    sizing_rationale: "",
  });
  assert.deepEqual(warnings, []);
});

Deno.test("PgItem.description() reads an all-empty description as absent, silently", () => {
  const { pg, warnings } = view(
    rawItem("todo", {
      [PG_KEYS.description]: {
        context: "",
        impact: "",
        problem: "",
        sizing_rationale: "",
        solution: "",
      },
    }),
  );
  assert.equal(pg.description(), null);
  assert.deepEqual(warnings, []);
  assert.equal(view(rawItem("todo", { [PG_KEYS.description]: {} })).pg.description(), null);
});

Deno.test("PgItem.description() reports undecodable values and reads them as absent", () => {
  const table: [JsonValue, string][] = [
    ["text", 'invalid type: string "text", expected struct StructuredDescription'],
    [42n, "invalid type: integer `42`, expected struct StructuredDescription"],
    [null, "invalid type: null, expected struct StructuredDescription"],
    [["a"], "invalid type: sequence, expected struct StructuredDescription"],
    [true, "invalid type: boolean `true`, expected struct StructuredDescription"],
    [{ context: 5n }, "invalid type: integer `5`, expected a string"],
    [{ context: "ok", problem: null }, "invalid type: null, expected a string"],
    [{ solution: ["x"] }, "invalid type: sequence, expected a string"],
  ];
  for (const [v, e] of table) {
    const { pg, warnings } = view(rawItem("todo", { [PG_KEYS.description]: v }));
    assert.equal(pg.description(), null);
    assert.deepEqual(warnings, [
      `Item WRK-001: failed to deserialize x-pg-description: ${e}, treating as absent`,
    ]);
  }
});

Deno.test("PgItem.setDescription() mirrors the context into the native description", () => {
  const item = rawItem("todo");
  const { pg } = view(item);
  pg.setDescription({
    context: "Why",
    problem: "What",
    solution: "",
    impact: "",
    sizing_rationale: "",
  });
  assert.equal(item.description, "Why");
  assert.ok(
    serializeItem(item).includes(
      '"description":"Why"',
    ),
  );
  assert.ok(
    serializeItem(item).endsWith(
      '"x-pg-description":{"context":"Why","impact":"","problem":"What","sizing_rationale":"","solution":""}}',
    ),
  );
  pg.setDescription({ context: "", problem: "P", solution: "", impact: "", sizing_rationale: "" });
  assert.equal(item.description, null);
  assert.equal(pg.description()?.problem, "P");
  pg.setDescription(null);
  assert.equal(item.description, null);
  assert.equal(Object.hasOwn(item.extensions, PG_KEYS.description), false);
});

// ---------------------------------------------------------------------------
// §5.4 blocked-from-status

Deno.test("PgItem.blockedFromStatus() follows the §5.4 table", () => {
  const stale =
    "Item WRK-001: x-pg-blocked-from-status extension is stale (native field cleared), treating as absent";
  const table: [Status | null, JsonValue | undefined, string | null, string[]][] = [
    // native present, extension valid → extension value
    ["todo", "new", "New", []],
    ["todo", "scoping", "Scoping", []],
    ["todo", "ready", "Ready", []],
    ["doing", "in_progress", "InProgress", []],
    // the extension is authoritative even when the lossy native disagrees
    ["doing", "ready", "Ready", []],
    // native present, extension invalid → absent + warning
    ["todo", "done", null, [
      "Item WRK-001: invalid x-pg-blocked-from-status value 'done', treating as absent",
    ]],
    ["todo", "blocked", null, [
      "Item WRK-001: invalid x-pg-blocked-from-status value 'blocked', treating as absent",
    ]],
    ["todo", "InProgress", null, [
      "Item WRK-001: invalid x-pg-blocked-from-status value 'InProgress', treating as absent",
    ]],
    ["todo", 3n, null, [
      "Item WRK-001: invalid x-pg-blocked-from-status value '3', treating as absent",
    ]],
    // native absent, extension present → stale
    [null, "scoping", null, [stale]],
    [null, "garbage", null, [stale]],
    // native present, extension absent → [Target] lossy fallback with a warning
    ["todo", undefined, "New", [
      "Item WRK-001: x-pg-blocked-from-status missing, using native blocked_from_status 'todo' as New",
    ]],
    ["doing", undefined, "InProgress", [
      "Item WRK-001: x-pg-blocked-from-status missing, using native blocked_from_status 'doing' as InProgress",
    ]],
    ["done", undefined, null, [
      "Item WRK-001: native blocked_from_status 'done' cannot be restored, treating as absent",
    ]],
    // both absent
    [null, undefined, null, []],
  ];
  for (const [native, ext, expected, expectedWarnings] of table) {
    const item = rawItem(
      "blocked",
      ext === undefined ? {} : { [PG_KEYS.blockedFromStatus]: ext },
      { blocked_from_status: native },
    );
    const { pg, warnings } = view(item);
    assert.equal(pg.blockedFromStatus(), expected, `${native} / ${String(ext)}`);
    assert.deepEqual(warnings, expectedWarnings);
  }
});

Deno.test("PgItem.setBlockedFromStatus() writes both fields; null clears both", () => {
  const table: [PgStatus & ("New" | "Scoping" | "Ready" | "InProgress"), string, Status][] = [
    ["New", "new", "todo"],
    ["Scoping", "scoping", "todo"],
    ["Ready", "ready", "todo"],
    ["InProgress", "in_progress", "doing"],
  ];
  for (const [s, ext, native] of table) {
    const item = rawItem("blocked");
    const { pg, warnings } = view(item);
    pg.setBlockedFromStatus(s);
    assert.equal(item.extensions[PG_KEYS.blockedFromStatus], ext);
    assert.equal(item.blocked_from_status, native);
    assert.equal(pg.blockedFromStatus(), s);
    pg.setBlockedFromStatus(null);
    assert.equal(item.blocked_from_status, null);
    assert.equal(Object.hasOwn(item.extensions, PG_KEYS.blockedFromStatus), false);
    assert.equal(pg.blockedFromStatus(), null);
    assert.deepEqual(warnings, []);
  }
});

// ---------------------------------------------------------------------------
// §5.7 and preservation

Deno.test("newPgItem() builds the §5.7 defaults with the status written through §5.2", () => {
  const item = newPgItem("WRK-a1b2c", "Title", {
    now: T0,
    dependencies: ["WRK-001"],
    tags: ["x"],
  });
  assert.equal(
    serializeItem(item),
    '{"id":"WRK-a1b2c","title":"Title","status":"todo","priority":0,"description":null,' +
      '"tags":["x"],"dependencies":["WRK-001"],"created_at":"2026-01-01T00:00:00Z",' +
      '"updated_at":"2026-01-01T00:00:00Z","blocked_reason":null,"blocked_from_status":null,' +
      '"claimed_by":null,"claimed_at":null,"parent":null,"x-pg-status":"new"}',
  );
  const statuses: [PgStatus, Status, string | undefined][] = [
    ["Ready", "todo", "ready"],
    ["InProgress", "doing", undefined],
    ["Blocked", "blocked", undefined],
  ];
  for (const [s, native, ext] of statuses) {
    const it = newPgItem("WRK-1", "T", { now: T0, status: s });
    assert.equal(it.status, native);
    assert.equal(it.extensions[PG_KEYS.status], ext);
    assert.equal(new PgItem(it).status(), s);
  }
});

Deno.test("PgItem setters keep native fields and unknown extensions", () => {
  const item = rawItem("todo", { "x-other": { b: 1n, a: [true, null] }, "x-zz": 1.5 }, {
    priority: -7n,
    parent: "tg-parent",
    claimed_by: "agent",
    claimed_at: T0,
    tags: ["t"],
  });
  const before = serializeItem(item);
  const { pg } = view(item);
  pg.setStatus("Ready");
  pg.setPhase("prd");
  pg.setSize("large");
  pg.setDescription({ context: "c", problem: "", solution: "", impact: "", sizing_rationale: "" });
  pg.setStatus("InProgress");
  const after = serializeItem(item);
  for (
    const part of [
      '"priority":-7',
      '"parent":"tg-parent"',
      '"claimed_by":"agent"',
      '"tags":["t"]',
      '"x-other":{"a":[true,null],"b":1}',
      '"x-zz":1.5',
    ]
  ) {
    assert.ok(before.includes(part) && after.includes(part), part);
  }
  assert.equal(item.created_at, T0);
});

Deno.test("PgItem getters do not change the item", () => {
  const item = rawItem("blocked", {
    [PG_KEYS.blockedFromStatus]: "bogus",
    [PG_KEYS.size]: "bogus",
    [PG_KEYS.description]: 7n,
  }, { blocked_from_status: "todo" });
  const before = serializeItem(item);
  const { pg } = view(item);
  pg.status();
  pg.size();
  pg.description();
  pg.blockedFromStatus();
  pg.assessments();
  assert.equal(serializeItem(item), before);
  assert.equal(item.updated_at, T0);
});
