/**
 * Writes a synthetic store of N items for benchmarks and load tests: a mix
 * of statuses, tags, dependencies, parents and x-pg-* extensions, in
 * canonical form and sorted by ID. Test-only, never published (see
 * `lib/_testing/README.md`).
 *
 * @module
 */

import { type Item, newItem } from "../store/item.ts";
import { encodeItemsFile, sortById } from "../store/jsonl.ts";
import { formatTimestamp } from "../store/timestamp.ts";
import { ID_ALPHABET } from "../store/id.ts";

/** Deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Builds `n` items.
 *
 * @param n How many.
 * @param seed PRNG seed.
 * @returns Items sorted by ID.
 */
export function syntheticItems(n: number, seed = 42): Item[] {
  const rand = prng(seed);
  const ids = new Set<string>();
  while (ids.size < n) {
    let s = "tg-";
    for (let i = 0; i < 6; i++) s += ID_ALPHABET[Math.floor(rand() * 32)];
    ids.add(s);
  }
  const idList = [...ids];
  const statuses = ["todo", "todo", "todo", "doing", "blocked"] as const;
  const items = idList.map((id, i) => {
    const t = formatTimestamp({ secs: 1767225600 + i, nanos: Math.floor(rand() * 1e9) });
    const it = newItem(id, `Synthetic task number ${i} with a reasonably long title`, t, {
      priority: BigInt(Math.floor(rand() * 5)),
      description: i % 3 === 0 ? `Context for item ${i}.\nSecond line with detail.` : null,
      tags: i % 4 === 0 ? ["backend", "perf"] : [],
      dependencies: i > 10 && i % 5 === 0 ? [idList[Math.floor(rand() * i)]!] : [],
    });
    it.status = statuses[i % statuses.length]!;
    if (it.status === "blocked") {
      it.blocked_from_status = "todo";
      it.blocked_reason = "waiting on review";
    }
    if (i % 2 === 0) {
      it.extensions["x-pg-status"] = "ready";
      it.extensions["x-pg-phase"] = "build";
      it.extensions["x-pg-impact"] = "medium";
      it.extensions["x-pg-description"] = Object.assign(Object.create(null), {
        context: "Some context",
        problem: "",
        solution: "Do the thing",
      });
    }
    return it;
  });
  return sortById(items);
}

/**
 * Writes a store directory (`tasks.jsonl`, `archive.jsonl`, `tasks.lock`).
 *
 * @param dir The `.task-golem` directory to create.
 * @param n Active items.
 * @param archived Archived items.
 */
export async function writeSyntheticStore(dir: string, n: number, archived = 0): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  const all = syntheticItems(n + archived);
  const arch = all.slice(0, archived).map((it) => ({ ...it, status: "done" as const }));
  await Deno.writeFile(`${dir}/tasks.jsonl`, encodeItemsFile(all.slice(archived)));
  await Deno.writeFile(`${dir}/archive.jsonl`, encodeItemsFile(arch));
  await Deno.writeFile(`${dir}/tasks.lock`, new Uint8Array());
}

if (import.meta.main) {
  const [dir, n, a] = Deno.args;
  await writeSyntheticStore(dir!, Number(n ?? 10000), Number(a ?? 0));
}
