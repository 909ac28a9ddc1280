/** `tg rm <ID> [--force] [--clear-deps]`. */

import type { Parsed } from "../_args.ts";
import { TaskStoreError } from "../../lib/store/errors.ts";
import { quoteJsonString } from "../../lib/store/json.ts";
import type { TgContext } from "./_context.ts";

/** Runs `tg rm`. */
export async function rm(p: Parsed, ctx: TgContext): Promise<void> {
  const force = p.opts.force === true;
  const clearDeps = force && p.opts["clear-deps"] === true;
  const store = await ctx.store();
  const { id, cleared } = await store.editActive(async (doc) => {
    const item = await ctx.resolveActive(p.args.id!, doc);
    const id = item.id;
    const needle = quoteJsonString(id);
    const children = doc.where(needle, (it) => it.parent === id && it.id !== id).map((it) => it.id);
    if (children.length > 0) {
      throw new TaskStoreError(
        "ParentHasChildren",
        `Item ${id} has children and cannot be removed: ${children.join(", ")}`,
      );
    }
    const dependents = doc.where(needle, (it) => it.id !== id && it.dependencies.includes(id));
    if (dependents.length > 0 && !force) {
      throw new TaskStoreError(
        "DependentExists",
        `Item ${id} is depended on by: ${
          dependents.map((it) => it.id).join(", ")
        }. Use --force to remove anyway, or --force --clear-deps to also remove this ID from dependents' dep lists`,
      );
    }
    const cleared: string[] = [];
    if (clearDeps) {
      for (const it of doc.where(needle, (x) => x.dependencies.includes(id))) {
        it.dependencies = it.dependencies.filter((d) => d !== id);
        cleared.push(it.id);
      }
    }
    doc.remove(item);
    return { id, cleared };
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
