/**
 * The zsh completion script: the command table as `case` statements and an
 * engine that walks the words typed so far (`__tg_candidates`, callable on
 * its own), registered with `compdef`. Item IDs come from `tg list --json`.
 *
 * @module
 */

import { type CommandEntry, completionTables, shQuote, type Values } from "./_complete_model.ts";

function valuesReply(v: Values): string | null {
  if (v.kind === "ids") return "reply=(__tg_ids)";
  if (v.kind === "words") return `reply=(${v.words.map(shQuote).join(" ")})`;
  return null;
}

function caseFn(name: string, rows: [string, string][], fallback: string): string {
  const body = rows.map(([k, v]) => `    ${shQuote(k)}) ${v} ;;`).join("\n");
  return `${name}() {\n  case "$1" in\n${body}\n    *) ${fallback} ;;\n  esac\n}\n`;
}

/**
 * Generates the zsh script.
 *
 * @param model The flattened command table.
 * @returns The script.
 */
export function zshScript(model: readonly CommandEntry[]): string {
  const { subs, flags, takes, optValues, argValues } = completionTables(model, {
    subcommands: (c) => `reply=(${c.subcommands.map((s) => shQuote(s.name)).join(" ")})`,
    flags: (c) => `reply=(${c.flags.flatMap((f) => f.names).map(shQuote).join(" ")})`,
    takesValue: "return 0",
    values: valuesReply,
  });
  return `#compdef tg
# zsh completion for tg (task-golem). Load it with:
#   autoload -Uz compinit && compinit; source <(tg completions zsh)
# or save it as _tg in a directory of $fpath.

__tg_list_ids() {
  command tg list --json 2>/dev/null | command sed -n 's/^    "id": "\\(.*\\)",$/\\1/p'
}

${caseFn("__tg_subcommands", subs, "reply=()")}
${caseFn("__tg_flags", flags, "reply=()")}
${caseFn("__tg_takes_value", takes, "return 1")}
${caseFn("__tg_option_values", optValues, "reply=()")}
${caseFn("__tg_arg_values", argValues, "reply=()")}
# Sets reply to the candidates for CUR, given the words before it (program name first).
__tg_candidates() {
  emulate -L zsh
  local cur=$1
  shift 2
  local cmdpath="" expect="" w
  integer npos=0 dashdash=0
  local -a reply
  for w in "$@"; do
    if [[ -n $expect ]]; then expect=""; continue; fi
    if (( !dashdash )) && [[ $w == -- ]]; then dashdash=1; continue; fi
    if (( !dashdash )) && [[ $w == -* ]]; then
      [[ $w == *=* ]] && continue
      __tg_takes_value "$cmdpath|$w" && expect=$w
      continue
    fi
    if (( npos == 0 )); then
      __tg_subcommands "$cmdpath"
      if (( \${reply[(Ie)$w]} )); then cmdpath="\${cmdpath:+$cmdpath }$w"; continue; fi
    fi
    npos+=1
  done
  local prefix=""
  if (( !dashdash )) && [[ -z $expect && $cur == --?*=* ]] && __tg_takes_value "$cmdpath|\${cur%%=*}"; then
    expect=\${cur%%=*}
    prefix="$expect="
  fi
  if [[ -n $expect ]]; then
    __tg_option_values "$cmdpath|$expect"
  elif (( !dashdash )) && [[ $cur == -* ]]; then
    __tg_flags "$cmdpath"
  else
    __tg_subcommands "$cmdpath"
    if (( npos > 0 || \${#reply} == 0 )); then __tg_arg_values "$cmdpath|$npos"; fi
  fi
  if [[ \${reply[1]} == __tg_ids ]]; then reply=(\${(f)"$(__tg_list_ids)"}); fi
  reply=("\${(@)reply/#/$prefix}")
  reply=(\${(M)reply:#\${cur}*})
  typeset -ga __tg_reply
  __tg_reply=("\${reply[@]}")
}

_tg() {
  __tg_candidates "$PREFIX" "\${(@)words[1,CURRENT-1]}"
  compadd -- "\${__tg_reply[@]}"
}

if (( $+functions[compdef] )); then
  compdef _tg tg
fi
`;
}
