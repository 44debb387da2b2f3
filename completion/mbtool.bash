# SPDX-License-Identifier: MIT
# bash completion for mbtool: commands, global options, per-command
# options, and property names after a key path (w3svc/1/root/Anon<TAB>).

_mbtool_props="
@PROPERTIES@
"

_mbtool()
{
    local cur prev words cword
    if declare -F _init_completion >/dev/null 2>&1; then
        _init_completion -n =: || return
    else
        COMPREPLY=()
        cur="${COMP_WORDS[COMP_CWORD]}"
        prev="${COMP_WORDS[COMP_CWORD-1]}"
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
    fi

    # Generated from the option tables (src/cli/complete.c).
    local commands="
@COMMANDS@
    "
    local globals="
@GLOBALS@
    "

    case "$prev" in
@VALUES@
    esac

    # The command: the first word that is not a global option or its value.
    local i cmd=""
    for ((i = 1; i < cword; i++)); do
        case "${words[i]}" in
            @GLOBAL_VALUED@) ((i++)) ;;
            -*) ;;
            *) cmd="${words[i]}"; break ;;
        esac
    done

    if [[ -z "$cmd" ]]; then
        if [[ "$cur" == -* ]]; then
            COMPREPLY=($(compgen -W "$globals" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$commands" -- "$cur"))
        fi
        return
    fi

    local opts="--json --jsonl --jobs --help"
    case "${cmd,,}" in
        help)
            COMPREPLY=($(compgen -W "$commands" -- "$cur"))
            return ;;
@CMDOPTS@
    esac

    if [[ "$cur" == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        return
    fi

    # A property name after a key path: keep the path, complete the tail.
    if [[ "$cur" == */* ]]; then
        local dir="${cur%/*}/" tail="${cur##*/}" p
        COMPREPLY=()
        for p in $(compgen -W "$_mbtool_props" -- "$tail"); do
            COMPREPLY+=("$dir$p")
        done
        compopt -o nospace 2>/dev/null
        [[ ${#COMPREPLY[@]} -eq 1 ]] && compopt +o nospace 2>/dev/null
        return
    fi
    case "$cmd" in
        find)
            COMPREPLY=($(compgen -W "$_mbtool_props" -- "$cur")) ;;
        batch)
            compopt -o filenames 2>/dev/null
            COMPREPLY=($(compgen -f -- "$cur")) ;;
    esac
}

complete -F _mbtool mbtool
