// Migration of the largest fixture backlog (in memory: parse, upgrade, map, write).
// Target: ≤ 300 ms.

import { FixedClock } from "../../io/clock.ts";
import { MemoryFileSystem } from "../../io/fs.ts";
import { TaskStore } from "../../store/store.ts";
import { defaultConfig } from "../config/config.ts";
import { migrateBacklog } from "./migrate.ts";

const DIR = new URL("../../../tests/fixtures/upstream/backlog-yaml/", import.meta.url);
let largest = { name: "", size: 0 };
for await (const e of Deno.readDir(DIR)) {
  const size = (await Deno.stat(new URL(e.name, DIR))).size;
  if (size > largest.size && !e.name.includes("INBOX")) largest = { name: e.name, size };
}
const bytes = await Deno.readFile(new URL(largest.name, DIR));
const config = defaultConfig();

Deno.bench({
  name: `migrateBacklog() ${largest.name} (${(largest.size / 1024).toFixed(1)} KB)`,
  async fn() {
    const fs = new MemoryFileSystem();
    await fs.mkdirp("/repo");
    await fs.writeFile("/repo/BACKLOG.yaml", bytes);
    const store = new TaskStore("/repo/.task-golem", {
      fs,
      clock: new FixedClock({ secs: 1772323200, nanos: 0 }),
    });
    await migrateBacklog({ fs, store, config, backlogPath: "/repo/BACKLOG.yaml" });
  },
});
