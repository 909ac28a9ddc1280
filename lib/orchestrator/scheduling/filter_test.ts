import assert from "node:assert/strict";
import { it } from "../../_testing/scheduler_fixtures.ts";
import { FilterError, formatFilters, matchesFilters, parseFilter, parseFilters } from "./filter.ts";
import type { SchedulerItem } from "./scheduler_item.ts";

function error(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof FilterError);
    return e.message;
  }
  throw new Error("expected a FilterError");
}

Deno.test("parseFilter() parses every field, trimming key and values", () => {
  assert.deepEqual(parseFilter(" Status = ready, IN_PROGRESS "), {
    field: "status",
    values: ["Ready", "InProgress"],
  });
  assert.deepEqual(parseFilter("size=s,M,large"), {
    field: "size",
    values: ["small", "medium", "large"],
  });
  assert.deepEqual(parseFilter("IMPACT=h,Low"), { field: "impact", values: ["high", "low"] });
  assert.deepEqual(parseFilter("risk=m"), { field: "risk", values: ["medium"] });
  assert.deepEqual(parseFilter("complexity=HIGH"), { field: "complexity", values: ["high"] });
  assert.deepEqual(parseFilter("tag=Auth,db"), { field: "tag", values: ["Auth", "db"] });
  assert.deepEqual(parseFilter("pipeline_type=blog-post"), {
    field: "pipeline_type",
    values: ["blog-post"],
  });
  // Split at the first '=' only.
  assert.deepEqual(parseFilter("tag=a=b"), { field: "tag", values: ["a=b"] });
});

Deno.test("parseFilter() error messages", () => {
  const table: [string, string][] = [
    ["status", "Filter must be in format KEY=VALUE, got: status"],
    ["=ready", "Filter must be in format KEY=VALUE, got: =ready"],
    ["status=  ", "Filter must be in format KEY=VALUE, got: status=  "],
    [
      "colour=red",
      "Unknown filter field: colour. Supported: status, impact, size, risk, complexity, tag, pipeline_type",
    ],
    [
      "status=ready,,new",
      "Empty value in comma-separated list for field 'status'. Each value must be non-empty.",
    ],
    [
      "status=inprogress",
      "Invalid value 'inprogress' for field 'status'. Valid values: new, scoping, ready, in_progress, done, blocked",
    ],
    [
      "size=huge",
      "Invalid value 'huge' for field 'size'. Valid values: small, medium, large (or s, m, l)",
    ],
    [
      "impact=critical",
      "Invalid value 'critical' for field 'impact'. Valid values: low, medium, high (or l, m, h)",
    ],
    ["size=s,small", "Duplicate value 'small' in comma-separated list for field 'size'"],
    ["tag=a,a", "Duplicate value 'a' in comma-separated list for field 'tag'"],
  ];
  for (const [raw, message] of table) assert.equal(error(() => parseFilter(raw)), message, raw);
  // Tags are case-sensitive, so these are different values.
  assert.deepEqual(parseFilter("tag=a,A").values, ["a", "A"]);
});

Deno.test("parseFilters() rejects a repeated field and identical tag criteria", () => {
  assert.equal(
    error(() => parseFilters(["impact=high", "size=small", "Impact=low"])),
    "Field 'impact' specified multiple times in separate --only flags. Combine values in a single flag: --only impact=value1,value2",
  );
  assert.equal(
    error(() => parseFilters(["tag=a,b", "tag=a,b"])),
    "Duplicate filter: tag=a,b specified multiple times",
  );
  assert.equal(parseFilters(["tag=a", "tag=b", "status=new"]).length, 3);
});

Deno.test("matchesFilters() is OR within a criterion and AND across criteria", () => {
  const item: SchedulerItem = {
    ...it("A", "Ready", { impact: "high", tags: ["auth", "db"], pipeline: "feature" }),
    size: "small",
    risk: "low",
  };
  const yes = [
    ["status=ready,new"],
    ["impact=high", "size=s"],
    ["tag=db", "tag=auth"],
    ["tag=x,db"],
    ["pipeline_type=feature"],
    ["risk=l,m"],
  ];
  const no = [
    ["status=new"],
    ["impact=high", "size=large"],
    ["tag=db", "tag=x"],
    ["complexity=low"], // the item has no complexity
    ["pipeline_type=blog"],
  ];
  for (const f of yes) assert.ok(matchesFilters(item, parseFilters(f)), f.join(" "));
  for (const f of no) assert.ok(!matchesFilters(item, parseFilters(f)), f.join(" "));
  // An item without a pipeline type never matches a pipeline_type filter.
  assert.ok(!matchesFilters(it("B", "New"), parseFilters(["pipeline_type=feature"])));
});

Deno.test("formatFilters() shows field=v1,v2 joined by AND", () => {
  assert.equal(
    formatFilters(parseFilters(["status=in_progress,ready", "impact=h", "tag=x"])),
    "status=in_progress,ready AND impact=high AND tag=x",
  );
});
