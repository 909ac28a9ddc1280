/**
 * The bash completion script: a table of commands as `case` statements and
 * a small engine that walks the words typed so far. Item IDs come from
 * `tg list --json`.
 *
 * @module
 */

import { type CommandEntry, completionTables, shQuote, type Values } from "./_complete_model.ts";

function valuesWord(v: Values): string | null {
  if (v.kind === "ids") return "__tg_ids";
  if (v.kind === "words") return v.words.join(" ");
  return null;
}

function caseFn(name: string, rows: [string, string][], fallback: string): string {
  const body = rows.map(([k, v]) => `        ${shQuote(k)}) ${v} ;;`).join("\n");
  return `${name}() {\n    case "$1" in\n${body}\n        *) ${fallback} ;;\n    esac\n}\n`;
}

/**
 * Generates the bash script.
 *
 * @param model The flattened command table.
 * @returns The script.
 */
export function bashScript(model: readonly CommandEntry[]): string {
  const { subs, flags, takes, optValues, argValues } = completionTables(model, {
    subcommands: (c) => `echo ${shQuote(c.subcommands.map((s) => s.name).join(" "))}`,
    flags: (c) => `echo ${shQuote(c.flags.flatMap((f) => f.names).join(" "))}`,
    takesValue: "return 0",
    values: (v) => {
      const w = valuesWord(v);
      return w === null ? null : `echo ${shQuote(w)}`;
    },
  });
  return `# bash completion for tg (task-golem). Load it with:
#   source <(tg completions bash)
# or save it as ~/.local/share/bash-completion/completions/tg

__tg_list_ids() {
    command tg list --json 2>/dev/null | command sed -n 's/^    "id": "\\(.*\\)",$/\\1/p'
}

${caseFn("__tg_subcommands", subs, ":")}
${caseFn("__tg_flags", flags, ":")}
${caseFn("__tg_takes_value", takes, "return 1")}
${caseFn("__tg_option_values", optValues, ":")}
${caseFn("__tg_arg_values", argValues, ":")}
# Prints the candidates for the word being completed; "$@" = the words before it.
__tg_candidates() {
    local IFS=$' \t\n'
    local cur="$1"; shift
    local path="" npos=0 expect="" dashdash=0 w sub
    shift # the program name
    for w in "$@"; do
        if [[ -n "$expect" ]]; then expect=""; continue; fi
        if (( !dashdash )) && [[ "$w" == "--" ]]; then dashdash=1; continue; fi
        if (( !dashdash )) && [[ "$w" == -* ]]; then
            [[ "$w" == *=* ]] && continue
            __tg_takes_value "$path|$w" && expect="$w"
            continue
        fi
        if (( npos == 0 )); then
            for sub in $(__tg_subcommands "$path"); do
                if [[ "$w" == "$sub" ]]; then path="\${path:+$path }$w"; continue 2; fi
            done
        fi
        npos=$((npos + 1))
    done
    local words
    if [[ -n "$expect" ]]; then
        words="$(__tg_option_values "$path|$expect")"
    elif (( !dashdash )) && [[ "$cur" == -* ]]; then
        words="$(__tg_flags "$path")"
    elif (( npos == 0 )) && [[ -n "$(__tg_subcommands "$path")" ]]; then
        words="$(__tg_subcommands "$path")"
    else
        words="$(__tg_arg_values "$path|$npos")"
    fi
    [[ "$words" == __tg_ids ]] && words="$(__tg_list_ids)"
    compgen -W "$words" -- "$cur"
}

_tg() {
    local cur="\${COMP_WORDS[COMP_CWORD]}" i
    local -a before=()
    local n=0
    for (( i = 0; i < COMP_CWORD; i++ )); do
        # "--opt=value" arrives as three words: "--opt" "=" "value"
        if (( n > 0 )) && [[ "\${COMP_WORDS[i]}" == "=" ]]; then
            before[n-1]+="="
            continue
        fi
        if (( n > 0 && i > 0 )) && [[ "\${before[n-1]}" == *= && "\${COMP_WORDS[i-1]}" == "=" ]]; then
            before[n-1]+="\${COMP_WORDS[i]}"
            continue
        fi
        before[n]="\${COMP_WORDS[i]}"
        n=$((n + 1))
    done
    if (( n > 0 )) && [[ "$cur" == "=" ]]; then
        before[n-1]="\${before[n-1]%=}"
        cur=""
    elif (( n > 0 && COMP_CWORD > 1 )) && [[ "\${COMP_WORDS[COMP_CWORD-1]}" == "=" ]]; then
        before[n-1]="\${before[n-1]%=}"
    fi
    local IFS=$'\\n'
    COMPREPLY=($(__tg_candidates "$cur" "\${before[@]}"))
}

complete -F _tg -o bashdefault -o default tg
`;
}
