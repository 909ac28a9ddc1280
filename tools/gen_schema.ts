// Writes schema/phase-golem.schema.json, the JSON Schema of phase-golem.jsonc,
// generated from the config's validating schema. Run with `deno task schema`.

import { configJsonSchema } from "../lib/orchestrator/config/config.ts";

const out = new URL("../schema/phase-golem.schema.json", import.meta.url);
await Deno.writeTextFile(out, JSON.stringify(await configJsonSchema(), null, 2) + "\n");
// deno-lint-ignore no-console
console.log(`Wrote ${out.pathname}`);
