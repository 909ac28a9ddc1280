/**
 * `tg graph`: Mermaid, DOT and JSON output of the dependency and parent
 * graph, ready items marked, `--all` adding archived and missing items,
 * deterministic (sorted) output.
 */

import assert from "node:assert/strict";
import { tg } from "./_helpers.ts";
import { HEADER, itemLine, storeRepo } from "./_stores.ts";

function store() {
  return {
    // written in an order unlike the sorted output
    "tasks.jsonl": HEADER +
      itemLine("tg-c", {
        title: 'Uses "quotes" <b> & #1',
        dependencies: ["tg-a", "tg-old", "tg-ghost"],
      }) +
      itemLine("tg-a", { title: "Epic" }) +
      itemLine("tg-b", { title: "Child", parent: "tg-a", status: "doing" }) +
      itemLine("tg-d", { title: "Blocked", status: "blocked", dependencies: ["tg-b"] }),
    "archive.jsonl": HEADER + itemLine("tg-old", { title: "Finished", status: "done" }),
  };
}

Deno.test("tg graph prints a Mermaid flowchart of active items: sorted nodes and edges, ready items marked", async () => {
  const repo = await storeRepo(store());
  try {
    const r = await tg(["graph"], { cwd: repo.dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      `%% tg graph: solid arrows run from a prerequisite to the item waiting for it,
%% dotted arrows from a parent to its child; ready items are green.
flowchart TD
  n0["tg-a [todo, ready]<br/>Epic"]
  n1["tg-b [doing]<br/>Child"]
  n2["tg-c [todo]<br/>Uses #quot;quotes#quot; #lt;b#gt; & #35;1"]
  n3["tg-d [blocked]<br/>Blocked"]
  n0 -.-> n1
  n0 --> n2
  n1 --> n3
  classDef ready fill:#d4f7d4,stroke:#2e7d32,stroke-width:2px
  class n0 ready
  classDef todo fill:#ffffff,stroke:#607d8b
  class n2 todo
  classDef doing fill:#fff3c4,stroke:#b58900
  class n1 doing
  classDef blocked fill:#fddede,stroke:#c62828
  class n3 blocked
`,
    );
    assert.equal((await tg(["graph", "--format", "mermaid"], { cwd: repo.dir })).stdout, r.stdout);
  } finally {
    await repo.cleanup();
  }
});

Deno.test("tg graph --all adds the archived and missing items active items reference; --format dot and --json", async () => {
  const repo = await storeRepo(store());
  try {
    const dot = await tg(["graph", "--all", "--format", "dot"], { cwd: repo.dir });
    assert.equal(dot.code, 0, dot.stderr);
    assert.equal(
      dot.stdout,
      `// tg graph: solid arrows run from a prerequisite to the item waiting for it,
// dashed arrows from a parent to its child; ready items are green with a bold border.
digraph tg {
  rankdir=TB;
  node [shape=box, style="rounded,filled", fontname="Helvetica"];
  "tg-a" [label="tg-a [todo, ready]\\nEpic", fillcolor="#d4f7d4", penwidth=2];
  "tg-b" [label="tg-b [doing]\\nChild", fillcolor="#fff3c4"];
  "tg-c" [label="tg-c [todo]\\nUses \\"quotes\\" <b> & #1", fillcolor="#ffffff"];
  "tg-d" [label="tg-d [blocked]\\nBlocked", fillcolor="#fddede"];
  "tg-ghost" [label="tg-ghost [missing]", fillcolor="#ffffff", style="rounded,filled,dashed"];
  "tg-old" [label="tg-old [done, archived]\\nFinished", fillcolor="#eeeeee", style="rounded,filled,dashed"];
  "tg-a" -> "tg-b" [style=dashed];
  "tg-a" -> "tg-c";
  "tg-b" -> "tg-d";
  "tg-ghost" -> "tg-c";
  "tg-old" -> "tg-c";
}
`,
    );
    const json = await tg(["--json", "graph", "--all"], { cwd: repo.dir });
    const g = JSON.parse(json.stdout);
    assert.deepEqual(
      g.nodes.map((
        n: { id: string; location: string; ready: boolean },
      ) => [n.id, n.location, n.ready]),
      [
        ["tg-a", "active", true],
        ["tg-b", "active", false],
        ["tg-c", "active", false],
        ["tg-d", "active", false],
        ["tg-ghost", "missing", false],
        ["tg-old", "archived", false],
      ],
    );
    assert.deepEqual(g.edges[0], { from: "tg-a", to: "tg-b", kind: "parent" });
    assert.equal(g.edges.length, 5);
    const without = JSON.parse((await tg(["--json", "graph"], { cwd: repo.dir })).stdout);
    assert.equal(without.nodes.length, 4);
    assert.equal(without.edges.length, 3);
    // an unknown format is a usage error
    const bad = await tg(["graph", "--format", "svg"], { cwd: repo.dir });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /invalid value 'svg' for '--format <FORMAT>'/);
  } finally {
    await repo.cleanup();
  }
});

Deno.test("tg graph output does not depend on the order of lines in the store", async () => {
  const a = await storeRepo(store());
  const lines = store()["tasks.jsonl"].split("\n").filter(Boolean);
  const b = await storeRepo({
    ...store(),
    "tasks.jsonl": [lines[0], ...lines.slice(1).reverse()].join("\n") + "\n",
  });
  try {
    for (
      const args of [["graph", "--all"], ["graph", "--format", "dot"], ["--json", "graph", "--all"]]
    ) {
      assert.equal(
        (await tg(args, { cwd: a.dir })).stdout,
        (await tg(args, { cwd: b.dir })).stdout,
      );
    }
  } finally {
    await a.cleanup();
    await b.cleanup();
  }
});

Deno.test("tg graph of an empty store", async () => {
  const repo = await storeRepo({ "tasks.jsonl": HEADER, "archive.jsonl": HEADER });
  try {
    const r = await tg(["graph"], { cwd: repo.dir });
    assert.equal(r.stdout.split("\n").at(-2), "flowchart TD");
    const j = await tg(["--json", "graph"], { cwd: repo.dir });
    assert.equal(j.stdout, '{\n  "nodes": [],\n  "edges": []\n}\n');
  } finally {
    await repo.cleanup();
  }
});
