/** `tg graph [--format mermaid|dot] [--all]`: the dependency and parent graph. */

import type { Parsed } from "../_args.ts";
import type { TgContext } from "./_context.ts";
import { buildItemGraph, renderDot, renderGraphJson, renderMermaid } from "./_graph_render.ts";

/** Runs `tg graph`. */
export async function graph(p: Parsed, ctx: TgContext): Promise<void> {
  const store = await ctx.store();
  const active = await store.loadActive();
  const archive = await store.loadArchive();
  const g = buildItemGraph(active, archive, p.flag("all"));
  if (ctx.json) await ctx.out(renderGraphJson(g));
  else if (p.value("format") === "dot") await ctx.out(renderDot(g));
  else await ctx.out(renderMermaid(g));
}
