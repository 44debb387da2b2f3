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

    local commands="get find enum enum_all tree secrets reveal set delete
        create copy move batch accounts collapse sync-passwords sam reset
        doctor report help"
    local globals="-f --file --schema --json --jsonl -j --jobs --help
        --version --include-history --keep-backups"

    case "$prev" in
        -f|--file)
            compopt -o filenames 2>/dev/null
            COMPREPLY=($(compgen -f -- "$cur"))
            return ;;
        --schema|--stylesheet|-o|--output|--password-file|--signing-key|\
        --exchange-key)
            compopt -o filenames 2>/dev/null
            COMPREPLY=($(compgen -f -- "$cur"))
            return ;;
        -j|--jobs|--keep-backups)
            COMPREPLY=($(compgen -W "1 2 4 8 16" -- "$cur"))
            return ;;
        --service)
            COMPREPLY=($(compgen -W "w3svc msftpsvc all" -- "$cur"))
            return ;;
        --shell)
            COMPREPLY=($(compgen -W "cmd powershell" -- "$cur"))
            return ;;
        --prop)
            COMPREPLY=($(compgen -W "$_mbtool_props" -- "$cur"))
            return ;;
    esac

    # The command: the first word that is not a global option or its value.
    local i cmd=""
    for ((i = 1; i < cword; i++)); do
        case "${words[i]}" in
            -f|--file|--schema|-j|--jobs|--keep-backups) ((i++)) ;;
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

    local opts="--json --jsonl --jobs"
    case "$cmd" in
        get) opts+=" --local" ;;
        find) opts+=" --values" ;;
        enum|enum_all) opts+=" --effective" ;;
        tree) opts+=" --prop" ;;
        reveal) opts+=" --all --known --password-file --signing-key
            --exchange-key --no-cache -o" ;;
        set) opts+=" --force --exchange-key --signing-key --password-file
            --dry-run --no-backup --break-lock" ;;
        delete) opts+=" --yes --dry-run --no-backup --break-lock --force" ;;
        create) opts+=" --parents --force --dry-run --no-backup --break-lock" ;;
        copy|move) opts+=" --force --dry-run --no-backup --break-lock" ;;
        batch) opts+=" --yes --dry-run --no-backup --break-lock --force" ;;
        accounts) opts+=" --service --all-identities" ;;
        collapse) opts+=" --account --service --password-from --dry-run
            --no-backup --break-lock --force" ;;
        sync-passwords) opts+=" --account --from --dry-run --no-backup
            --break-lock --force" ;;
        sam) opts+=" --shell --domain-controller -o" ;;
        reset) opts+=" --account --password-file --generate --domain-controller --shell -o
            --exchange-key --signing-key --dry-run --no-backup
            --break-lock --force" ;;
        report) opts+=" -o --stylesheet" ;;
        help)
            COMPREPLY=($(compgen -W "$commands" -- "$cur"))
            return ;;
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
