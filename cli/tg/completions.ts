/** `tg completions bash|zsh|fish|elvish|powershell`: print a completion script. */

import type { CommandSpec, Parsed } from "../_args.ts";
import type { TgContext } from "./_context.ts";
import { completionModel } from "./_complete_model.ts";

/** Runs `tg completions`. */
export async function completions(p: Parsed, ctx: TgContext, root: CommandSpec): Promise<void> {
  const model = completionModel(root);
  let script: string;
  switch (p.args.shell) {
    case "bash":
      script = (await import("./_complete_bash.ts")).bashScript(model);
      break;
    case "zsh":
      script = (await import("./_complete_zsh.ts")).zshScript(model);
      break;
    case "fish":
      script = (await import("./_complete_fish.ts")).fishScript(model);
      break;
    case "elvish":
      script = (await import("./_complete_elvish.ts")).elvishScript(model);
      break;
    default:
      script = (await import("./_complete_powershell.ts")).powershellScript(model);
  }
  await ctx.out(script);
}
