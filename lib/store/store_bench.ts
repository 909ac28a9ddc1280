/**
 * In-process benchmarks of the store's hot paths on a 10,000-item store:
 * strict parsing, the ready queue, and a single-item edit through
 * `ActiveDoc` against a full parse and re-serialization.
 */

import { syntheticItems } from "../_testing/synthetic_store.ts";
import { ActiveDoc } from "./active_doc.ts";
import { computeReadyQueue } from "./graph.ts";
import { newItem } from "./item.ts";
import { encodeItemsFile, parseActiveFile, sortById } from "./jsonl.ts";

const bytes = encodeItemsFile(syntheticItems(10_000));
const items = parseActiveFile(bytes);

Deno.bench({
  name: "parseActiveFile() 10k items",
  group: "read",
  baseline: true,
  fn() {
    parseActiveFile(bytes);
  },
});

Deno.bench({
  name: "ActiveDoc.parse() 10k items (validate, build nothing)",
  group: "read",
  fn() {
    ActiveDoc.parse(bytes);
  },
});

Deno.bench({
  name: "computeReadyQueue() 10k items",
  fn() {
    computeReadyQueue(items, new Set());
  },
});

Deno.bench({
  name: "add one item: full parse + encode",
  group: "add",
  baseline: true,
  fn() {
    const all = parseActiveFile(bytes);
    all.push(newItem("tg-zzzzzz", "new", "2026-01-01T00:00:00Z"));
    encodeItemsFile(sortById(all));
  },
});

Deno.bench({
  name: "add one item: ActiveDoc (untouched lines kept)",
  group: "add",
  fn() {
    const doc = ActiveDoc.parse(bytes);
    doc.push(newItem("tg-zzzzzz", "new", "2026-01-01T00:00:00Z"));
    doc.encode();
  },
});
