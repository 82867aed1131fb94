# bash completion for oci-rootless(1) and oci-rootless-runtime(1).
#
# meson install puts it in share/bash-completion/completions/ under both
# names, where bash-completion loads it on first use; or source it:
#     . completion/oci-rootless.bash
# It needs only bash (no bash-completion helpers).

# _ocirl_reply WORDS CUR: the words that start with CUR
_ocirl_reply() {
    local IFS=$' \t\n'
    mapfile -t COMPREPLY < <(compgen -W "$1" -- "$2")
}
_ocirl_files() { # files, or with "-d" folders only
    if [ "${2:-}" = -d ]; then
        mapfile -t COMPREPLY < <(compgen -d -- "$1")
    else
        mapfile -t COMPREPLY < <(compgen -f -- "$1")
    fi
    compopt -o filenames 2> /dev/null
}
# _ocirl_words: sets cur and prev, joining "--opt=value" that bash splits at "="
_ocirl_words() {
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=
    [ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD - 1]}
    if [ "$cur" = "=" ]; then
        cur=
    elif [ "$prev" = "=" ] && [ "$COMP_CWORD" -gt 1 ]; then
        prev=${COMP_WORDS[COMP_CWORD - 2]}
    fi
}

# ------------------------------------------------------------ oci-rootless
_oci_rootless() {
    local cur prev
    _ocirl_words
    case $prev in
    -m | --mode) _ocirl_reply "auto userns single subid inherit" "$cur"; return ;;
    --cgroups) _ocirl_reply "auto drop keep" "$cur"; return ;;
    --cgroup-manager) _ocirl_reply "cgroupfs systemd" "$cur"; return ;;
    --skip) # the rules, as the program itself lists them
        _ocirl_reply "$("${COMP_WORDS[0]}" --list-rules 2> /dev/null | awk 'NR > 1 { print $1 }')" "$cur"; return ;;
    -o | --output | --uid-map | --gid-map | --subuid | --subgid | --passwd) _ocirl_files "$cur"; return ;;
    --proc-self | --cgroup-root | --source-root | --host-root) _ocirl_files "$cur" -d; return ;;
    --user) mapfile -t COMPREPLY < <(compgen -u -- "$cur"); return ;;
    --uid | --gid | --max-size | --container-id) COMPREPLY=(); return ;;
    esac
    case $cur in
    -*)
        _ocirl_reply "--output --in-place --check --explain --compact --pretty --mode --cgroups
            --cgroup-manager --container-id --check-host --host-root            --uid-map --gid-map --uid --gid --subuid --subgid --user --passwd --proc-self --cgroup-root
            --source-root --max-size --list-rules --skip --help --version -o -i -m -h -V" "$cur" ;;
    *) _ocirl_files "$cur" ;; # PATH: a bundle folder, a config file or -
    esac
}
complete -F _oci_rootless oci-rootless

# ------------------------------------------------------------ oci-rootless-runtime
# runc's command line (and crun's), handed over to the real runtime.
_ocirl_rt_global_value="--root --log --log-format --criu --rootless --cgroup-manager --log-level"
_ocirl_rt_global_flags="--debug --systemd-cgroup --help --version"
_ocirl_rt_commands="checkpoint create delete events exec features kill list pause ps restore resume run spec start state update help"

# The container ids in the runtime's state folder (--root, else the default).
_ocirl_rt_ids() {
    local root=$1 cur=$2 d
    if [ -z "$root" ]; then
        if [ "$(id -u)" = 0 ]; then root=/run/runc; else root=${XDG_RUNTIME_DIR:-/run/user/$(id -u)}/runc; fi
    fi
    local ids=()
    for d in "$root"/*/; do [ -d "$d" ] && ids+=("$(basename "$d")"); done
    _ocirl_reply "${ids[*]}" "$cur"
}

_oci_rootless_runtime() {
    local cur prev i w cmd='' cmd_at=0 root=''
    _ocirl_words
    # Find the subcommand: the first word that is neither an option nor an option's value.
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        case $w in
        --root | -root) root=${COMP_WORDS[i + 1]}; ((i++)); continue ;;
        --root=*) root=${w#*=}; continue ;;
        --log | --log-format | --criu | --rootless | --cgroup-manager | --log-level | \
            -log | -log-format | -criu | -rootless) ((i++)); continue ;;
        -*) continue ;;
        =) continue ;;
        esac
        cmd=$w
        cmd_at=$i
        break
    done

    if [ -z "$cmd" ]; then
        case $prev in
        --root | -root) _ocirl_files "$cur" -d; return ;;
        --log | -log | --criu | -criu) _ocirl_files "$cur"; return ;;
        --log-format | -log-format) _ocirl_reply "text json" "$cur"; return ;;
        --rootless | -rootless) _ocirl_reply "true false auto" "$cur"; return ;;
        --cgroup-manager) _ocirl_reply "cgroupfs systemd disabled" "$cur"; return ;;
        --log-level) _ocirl_reply "debug info warning error" "$cur"; return ;;
        esac
        case $cur in
        -*) _ocirl_reply "$_ocirl_rt_global_value $_ocirl_rt_global_flags -h -v" "$cur" ;;
        *) _ocirl_reply "$_ocirl_rt_commands" "$cur" ;;
        esac
        return
    fi

    # After the subcommand.
    case $prev in
    -b | --bundle | -bundle) _ocirl_files "$cur" -d; return ;;
    -f | --config | --pid-file | --console-socket | -p | --process | --image-path | --work-path) _ocirl_files "$cur"; return ;;
    --preserve-fds | --memory | --cpu-shares | --pids-limit | --cwd | --env | -e | --user | -u) COMPREPLY=(); return ;;
    --format) _ocirl_reply "table json" "$cur"; return ;;
    esac
    local opts=
    case $cmd in
    create) opts="--bundle -b --console-socket --pid-file --no-pivot --no-new-keyring --preserve-fds --config -f" ;;
    run) opts="--bundle -b --console-socket --detach -d --keep --pid-file --no-subreaper --no-pivot --no-new-keyring --preserve-fds --config -f" ;;
    delete) opts="--force -f" ;;
    kill) opts="--all -a" ;;
    exec) opts="--console-socket --cwd --env -e --tty -t --user -u --additional-gids -g --process -p --detach -d --pid-file --process-label --apparmor --no-new-privs --cap -c --preserve-fds --cgroup" ;;
    ps) opts="--format -f" ;;
    list) opts="--format -f --quiet -q" ;;
    spec) opts="--bundle -b --rootless" ;;
    update) opts="--resources -r --memory --memory-reservation --memory-swap --cpu-shares --cpu-quota --cpu-period --cpuset-cpus --cpuset-mems --pids-limit" ;;
    events) opts="--interval --stats" ;;
    checkpoint) opts="--image-path --work-path --parent-path --leave-running --tcp-established --ext-unix-sk --shell-job --file-locks" ;;
    restore) opts="--bundle -b --image-path --work-path --console-socket --detach -d --pid-file --tcp-established --ext-unix-sk --shell-job --file-locks" ;;
    esac
    opts="$opts --help -h"
    if [[ $cur == -* ]]; then
        _ocirl_reply "$opts" "$cur"
        return
    fi
    case $cmd in
    kill)
        # the id, then a signal
        local n=0
        for ((i = cmd_at + 1; i < COMP_CWORD; i++)); do [[ ${COMP_WORDS[i]} == -* ]] || ((n++)); done
        if [ $n -ge 1 ]; then
            _ocirl_reply "TERM KILL INT HUP QUIT USR1 USR2 STOP CONT" "$cur"
            return
        fi
        _ocirl_rt_ids "$root" "$cur" ;;
    start | state | delete | exec | ps | pause | resume | update | events | checkpoint) _ocirl_rt_ids "$root" "$cur" ;;
    help) _ocirl_reply "$_ocirl_rt_commands" "$cur" ;;
    *) COMPREPLY=() ;; # create, run, restore, spec: a new id
    esac
}
complete -F _oci_rootless_runtime oci-rootless-runtime
