/**
 * The fish completion script: the command table as `switch` statements and
 * an engine over `commandline -opc`, with descriptions for subcommands and
 * flags. Item IDs come from `tg list --json`.
 *
 * @module
 */

import { type CommandEntry, completionTables, type Values } from "./_complete_model.ts";

/** Quotes a string for fish (single quotes; `\` and `'` escaped). */
function fishQuote(s: string): string {
  return "'" + s.replaceAll("\\", "\\\\").replaceAll("'", "\\'") + "'";
}

function valuesLines(v: Values): string | null {
  if (v.kind === "ids") return "echo __tg_ids";
  if (v.kind === "words") return `printf '%s\\n' ${v.words.map(fishQuote).join(" ")}`;
  return null;
}

function switchFn(name: string, rows: [string, string][], fallback: string): string {
  const body = rows.map(([k, v]) => `        case ${fishQuote(k)}\n            ${v}`).join("\n");
  return `function ${name}\n    switch "$argv[1]"\n${body}\n        case '*'\n            ${fallback}\n    end\nend\n`;
}

/**
 * Generates the fish script.
 *
 * @param model The flattened command table.
 * @returns The script.
 */
export function fishScript(model: readonly CommandEntry[]): string {
  const { subs, flags, takes, optValues, argValues } = completionTables(model, {
    subcommands: (c) =>
      `printf '%s\\n' ${c.subcommands.map((s) => fishQuote(`${s.name}\t${s.about}`)).join(" ")}`,
    flags: (c) =>
      `printf '%s\\n' ${
        c.flags.flatMap((f) => f.names.map((n) => fishQuote(`${n}\t${f.help}`))).join(" ")
      }`,
    takesValue: "return 0",
    values: valuesLines,
  });
  return `# fish completion for tg (task-golem). Load it with:
#   tg completions fish | source
# or save it as ~/.config/fish/completions/tg.fish

function __tg_list_ids
    command tg list --json 2>/dev/null | string replace -r -f '^    "id": "(.*)",$' '$1'
end

${switchFn("__tg_subcommands", subs, "return 0")}
${switchFn("__tg_flags", flags, "return 0")}
${switchFn("__tg_takes_value", takes, "return 1")}
${switchFn("__tg_option_values", optValues, "return 0")}
${switchFn("__tg_arg_values", argValues, "return 0")}
# Prints the candidates for CUR given the words before it (program name first).
function __tg_candidates_for
    set -l cur $argv[1]
    set -l cmdpath ''
    set -l npos 0
    set -l expect ''
    set -l dashdash 0
    for w in $argv[3..-1]
        if test -n "$expect"
            set expect ''
            continue
        end
        if test $dashdash -eq 0; and test "$w" = --
            set dashdash 1
            continue
        end
        if test $dashdash -eq 0; and string match -q -- '-*' "$w"
            string match -q -- '*=*' "$w"; and continue
            __tg_takes_value "$cmdpath|$w"; and set expect "$w"
            continue
        end
        if test $npos -eq 0; and contains -- "$w" (__tg_subcommands "$cmdpath" | string replace -r '\\t.*' '')
            if test -z "$cmdpath"
                set cmdpath "$w"
            else
                set cmdpath "$cmdpath $w"
            end
            continue
        end
        set npos (math $npos + 1)
    end
    set -l out
    set -l prefix ''
    if test $dashdash -eq 0; and test -z "$expect"; and string match -q -r -- '^--[^=]+=' "$cur"
        set -l opt (string replace -r '=.*' '' -- "$cur")
        if __tg_takes_value "$cmdpath|$opt"
            set expect $opt
            set prefix "$opt="
        end
    end
    if test -n "$expect"
        set out (__tg_option_values "$cmdpath|$expect")
    else if test $dashdash -eq 0; and string match -q -- '-*' "$cur"
        set out (__tg_flags "$cmdpath")
    else
        set out (__tg_subcommands "$cmdpath")
        if test $npos -gt 0; or test (count $out) -eq 0
            set out (__tg_arg_values "$cmdpath|$npos")
        end
    end
    if test "$out[1]" = __tg_ids
        set out (__tg_list_ids)
    end
    test (count $out) -gt 0; and printf "$prefix%s\\n" $out
end

function __tg_candidates
    set -l cur (commandline -ct)
    __tg_candidates_for "$cur" (commandline -opc)
end

complete -c tg -e
complete -c tg -f -a '(__tg_candidates)'
`;
}
