/** `tg edit <ID> …` and the shared edit steps used by `tg dep`. */

import type { Parsed } from "../_args.ts";
import { invalidInput } from "../../lib/store/errors.ts";
import { applySets, parseSetFlag } from "../../lib/store/extensions.ts";
import { checkNewDependency, validateParent } from "../../lib/store/graph.ts";
import type { Item } from "../../lib/store/item.ts";
import { type TgContext, validateTitle } from "./_context.ts";
import { itemJson } from "./_format.ts";
import { str, strings } from "./_opts.ts";

/** The changes `tg edit` can make, in the order they are applied. */
export interface EditRequest {
  /** Item input. */
  id: string;
  /** New title. */
  title?: string | undefined;
  /** New priority. */
  priority?: bigint | undefined;
  /** New description. */
  description?: string | undefined;
  /** Dependencies to remove (inputs). */
  rmDeps?: string[];
  /** Dependencies to add (inputs). */
  addDeps?: string[];
  /** Tags to add. */
  addTags?: string[];
  /** Tags to remove. */
  rmTags?: string[];
  /** `--set` arguments. */
  sets?: string[];
  /** New parent input. */
  parent?: string | undefined;
  /** Clear the parent. */
  parentClear?: boolean;
}

/**
 * Applies an edit under the lock; always bumps `updated_at` and rewrites.
 *
 * @param req The edit.
 * @param ctx Command context.
 * @returns The edited item.
 */
export async function applyEdit(req: EditRequest, ctx: TgContext): Promise<Item> {
  if (req.title !== undefined) validateTitle(req.title);
  const store = await ctx.store();
  return await store.editActive(async (doc) => {
    const item = await ctx.resolveActive(req.id, doc);
    let archiveIds: string[] | undefined;
    const resolveAny = async (input: string) =>
      ctx.resolve(input, doc.ids, archiveIds ??= await store.loadArchiveIds());
    if (req.title !== undefined) item.title = req.title;
    if (req.priority !== undefined) item.priority = req.priority;
    if (req.description !== undefined) item.description = req.description;
    for (const input of req.rmDeps ?? []) {
      const dep = await resolveAny(input);
      item.dependencies = item.dependencies.filter((d) => d !== dep);
    }
    for (const input of req.addDeps ?? []) {
      const dep = await resolveAny(input);
      if (dep === item.id) throw invalidInput(`Item cannot depend on itself: ${item.id}`);
      if (item.dependencies.includes(dep)) continue;
      checkNewDependency((x) => doc.get(x)?.dependencies, item.id, dep);
      item.dependencies.push(dep);
    }
    for (const t of req.addTags ?? []) if (!item.tags.includes(t)) item.tags.push(t);
    for (const t of req.rmTags ?? []) item.tags = item.tags.filter((x) => x !== t);
    applySets(item.extensions, (req.sets ?? []).map(parseSetFlag));
    if (req.parentClear) item.parent = null;
    else if (req.parent !== undefined) {
      const parent = await ctx.resolve(req.parent, doc.ids);
      validateParent((x) => doc.get(x)?.parent, item.id, parent);
      item.parent = parent;
    }
    item.updated_at = store.now();
    return item;
  });
}

/** Prints the result of an edit. */
export async function printEdited(item: Item, ctx: TgContext): Promise<void> {
  await ctx.out(ctx.json ? itemJson(item) : `Updated item: ${item.id} - ${item.title}\n`);
}

/** Runs `tg edit`. */
export async function edit(p: Parsed, ctx: TgContext): Promise<void> {
  const priority = str(p.opts.priority);
  const item = await applyEdit({
    id: p.args.id!,
    title: str(p.opts.title),
    priority: priority === undefined ? undefined : BigInt(priority),
    description: str(p.opts.description),
    rmDeps: strings(p.opts["rm-dep"]),
    addDeps: strings(p.opts["add-dep"]),
    addTags: strings(p.opts["add-tag"]),
    rmTags: strings(p.opts["rm-tag"]),
    sets: strings(p.opts.set),
    parent: str(p.opts.parent),
    parentClear: p.opts["parent-clear"] === true,
  }, ctx);
  await printEdited(item, ctx);
}
