/** `tg add <TITLE> …`: create an item. */

import type { Parsed } from "../_args.ts";
import type { JsonObject } from "../../lib/store/json.ts";
import { applySets, parseSetFlag } from "../../lib/store/extensions.ts";
import { generateId } from "../../lib/store/id.ts";
import { newItem } from "../../lib/store/item.ts";
import { validateParent } from "../../lib/store/graph.ts";
import { type TgContext, validateTitle } from "./_context.ts";
import { itemJson } from "./_format.ts";
import { strings } from "./_opts.ts";

/** Runs `tg add`. */
export async function add(p: Parsed, ctx: TgContext): Promise<void> {
  const title = p.args.title!;
  validateTitle(title);
  const store = await ctx.store();
  const config = await ctx.config();
  const item = await store.editActive(async (doc) => {
    const archiveIds = await store.loadArchiveIds();
    const activeIds = doc.ids;
    const id = generateId(new Set([...activeIds, ...archiveIds]), {
      prefix: config.idPrefix,
      length: config.idLen,
    });
    const parent = typeof p.opts.parent === "string"
      ? await ctx.resolve(p.opts.parent, activeIds)
      : null;
    const deps: string[] = [];
    for (const input of strings(p.opts.dep)) {
      const dep = await ctx.resolve(input, activeIds, archiveIds);
      if (!deps.includes(dep)) deps.push(dep);
    }
    // Like upstream, `--set` mistakes are reported after the ID lookups.
    const sets = strings(p.opts.set).map(parseSetFlag);
    const extensions: JsonObject = Object.create(null);
    applySets(extensions, sets);
    const now = store.now();
    const created = newItem(id, title, now, {
      priority: typeof p.opts.priority === "string" ? BigInt(p.opts.priority) : 0n,
      description: typeof p.opts.description === "string" ? p.opts.description : null,
      tags: [...new Set(strings(p.opts.tag))],
      dependencies: deps,
      extensions,
    });
    doc.push(created);
    if (parent !== null) {
      validateParent((x) => doc.get(x)?.parent, id, parent);
      created.parent = parent;
      created.updated_at = store.now();
    }
    return created;
  });
  await ctx.out(ctx.json ? itemJson(item) : `Created item: ${item.id} - ${item.title}\n`);
}
