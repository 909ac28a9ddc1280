/** `tg rm <ID> [--force] [--clear-deps]`. */

import type { Parsed } from "../_args.ts";
import { quoteJsonString } from "../../lib/store/json.ts";
import { removeItem } from "../../lib/store/ops/remove.ts";
import type { TgContext } from "./_context.ts";

/** Runs `tg rm`. */
export async function rm(p: Parsed, ctx: TgContext): Promise<void> {
  const { id, clearedDepsFrom: cleared } = await removeItem(await ctx.store(), p.args.id!, {
    force: p.flag("force"),
    clearDeps: p.flag("clear-deps"),
  });
  if (ctx.json) {
    let out = `{\n  "removed": ${quoteJsonString(id)}`;
    if (cleared.length > 0) {
      out += `,\n  "cleared_deps_from": [\n${
        cleared.map((c) => "    " + quoteJsonString(c)).join(",\n")
      }\n  ]`;
    }
    await ctx.out(out + "\n}\n");
  } else {
    await ctx.out(
      `Removed item: ${id}${
        cleared.length > 0 ? ` (cleared deps from: ${cleared.join(", ")})` : ""
      }\n`,
    );
  }
}
