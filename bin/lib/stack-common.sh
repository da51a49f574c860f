# shellcheck shell=bash disable=SC2034 # the globals set here are read by bin/stack and the server files
# Shared helpers of bin/stack: the work folder, ports, processes, packages, JDKs and Maven artifacts.
# Sourced by bin/stack, never run. Every server file (stack-<kind>.sh) builds on these.

# The servers, in start order; stack_init replaces kafka by kafka-1..kafka-<n> when CDC_KAFKA_BROKERS=n > 1.
STACK_SERVERS=(pg-source pg-store mariadb mariadb-replica redis kafka opensearch)

# Fixed credentials of the local stack (the services' application.properties use the same).
STACK_DB_USER=cdc
STACK_DB_PASSWORD=cdc

# The folder a root-run stack falls back to when the repository sits under a folder that the servers' own
# users (postgres, mysql, cdcflow) cannot traverse, e.g. a clone under /root.
STACK_FALLBACK_HOME=/var/tmp/cdcflow-stack

say() { printf '%s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
is_root() { [ "$(id -u)" -eq 0 ]; }

# ---------------------------------------------------------------------------------------------------------
# Work folder and ports

stack_port_var() {
  # $1 = variable name, $2 = default; prints the port or dies naming the variable.
  local name=$1 default=$2 value
  value=${!name:-$default}
  case $value in '' | *[!0-9]*) die "$name=$value is not a port number" ;; esac
  if [ "$value" -lt 1 ] || [ "$value" -gt 65535 ]; then die "$name=$value is not a port number (1..65535)"; fi
  printf '%s\n' "$value"
}

stack_init() {
  # Sets STACK_REPO, STACK_HOME (absolute), the ports, and STACK_HOME_NOTE when it fell back.
  STACK_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
  STACK_HOME_NOTE=
  if [ -n "${CDC_STACK_HOME:-}" ]; then
    STACK_HOME=$(realpath -m "$CDC_STACK_HOME")
  else
    STACK_HOME=$STACK_REPO/.stack
    if is_root && ! path_traversable_by_all "$STACK_REPO"; then
      STACK_HOME_NOTE="note: $STACK_REPO is not reachable by the servers' users (postgres, mysql, cdcflow): a parent folder is not traversable by others; using $STACK_FALLBACK_HOME as the work folder (set CDC_STACK_HOME to choose another)"
      STACK_HOME=$STACK_FALLBACK_HOME
    fi
  fi
  SOURCE_PG_PORT=$(stack_port_var CDC_SOURCE_PG_PORT 15432)
  STORE_PG_PORT=$(stack_port_var CDC_STORE_PG_PORT 15433)
  MARIADB_PORT=$(stack_port_var CDC_MARIADB_PORT 13306)
  MARIADB_REPLICA_PORT=$(stack_port_var CDC_MARIADB_REPLICA_PORT 13307)
  REDIS_PORT=$(stack_port_var CDC_REDIS_PORT 16379)
  KAFKA_PORT=$(stack_port_var CDC_KAFKA_PORT 19092)
  KAFKA_CONTROLLER_PORT=$(stack_port_var CDC_KAFKA_CONTROLLER_PORT 19093)
  OPENSEARCH_PORT=$(stack_port_var CDC_OPENSEARCH_PORT 19200)
  OPENSEARCH_TRANSPORT_PORT=$(stack_port_var CDC_OPENSEARCH_TRANSPORT_PORT 19300)
  # The brokers' names and ports, where the caller loaded stack-kafka.sh (bin/stack does; bin/bench reads the
  # stack's addresses from bin/stack env instead).
  if declare -F kafka_init_brokers >/dev/null; then
    kafka_init_brokers
  fi
}

path_traversable_by_all() {
  # True when $1 and every parent folder has the x bit for others.
  local dir=$1 mode
  while :; do
    mode=$(stat -c %A "$dir" 2>/dev/null) || return 1
    case ${mode:9:1} in x | t) ;; *) return 1 ;; esac
    [ "$dir" = / ] && return 0
    dir=$(dirname "$dir")
  done
}

stack_make_dirs() {
  mkdir -p "$STACK_HOME"/{data,logs,run,dist,conf} || die "cannot create the work folder $STACK_HOME"
}

stack_log() { printf '%s/logs/%s.log\n' "$STACK_HOME" "$1"; }
stack_pidfile() { printf '%s/run/%s.pid\n' "$STACK_HOME" "$1"; }

stack_kind() {
  case $1 in
    pg-source | pg-store) echo pg ;;
    mariadb | mariadb-replica) echo mariadb ;;
    redis | kafka | opensearch) echo "$1" ;;
    kafka-[1-9]) [ "${1#kafka-}" -le "$KAFKA_BROKERS" ] && echo kafka ;;
    *) return 1 ;;
  esac
}

stack_timeout() {
  # Seconds to wait for a server to answer: CDC_STACK_TIMEOUT, or the kind's default.
  if [ -n "${CDC_STACK_TIMEOUT:-}" ]; then
    printf '%s\n' "$CDC_STACK_TIMEOUT"
  else
    "$(stack_kind "$1")_timeout"
  fi
}

# ---------------------------------------------------------------------------------------------------------
# Users and processes

stack_owner() {
  # The OS user a server runs as: its own system user when we are root, else ourselves.
  local wanted=$1
  if is_root; then printf '%s\n' "$wanted"; else id -un; fi
}

as_user() {
  # Runs "$@" as user $1 (setpriv when root and $1 is another user), from the work folder.
  local user=$1
  shift
  if is_root && [ "$user" != root ]; then
    (cd "$STACK_HOME" && exec setpriv --reuid="$user" --regid="$(id -gn "$user")" --init-groups -- "$@")
  else
    (cd "$STACK_HOME" && exec "$@")
  fi
}

own_dir() {
  # Creates folder $1 (mode $3, default 755) owned by user $2.
  local dir=$1 user=$2 mode=${3:-755}
  mkdir -p "$dir"
  chmod "$mode" "$dir"
  if is_root && [ "$user" != root ]; then chown "$user:$(id -gn "$user")" "$dir"; fi
}

check_reachable() {
  # Fails (naming the fix) when user $1 cannot reach the work folder.
  local user=$1
  is_root || return 0
  if ! as_user "$user" test -x "$STACK_HOME/data"; then
    printf 'the OS user %s cannot reach %s (a parent folder is not traversable); set CDC_STACK_HOME to a folder it can reach, e.g. CDC_STACK_HOME=%s\n' \
      "$user" "$STACK_HOME" "$STACK_FALLBACK_HOME"
    return 1
  fi
}

spawn() {
  # Starts "$@" in the background as user $2, in its own session, logging to server $1's log; records its pid.
  # The subshell closes the lock (fd 9) so that a running server never holds bin/stack's lock.
  local server=$1 user=$2 log
  shift 2
  log=$(stack_log "$server")
  printf '=== %s: bin/stack starting %s\n' "$(date '+%F %T')" "$server" >>"$log"
  local -a prefix=()
  if is_root && [ "$user" != root ]; then
    prefix=(setpriv --reuid="$user" --regid="$(id -gn "$user")" --init-groups --)
  fi
  (
    cd "$STACK_HOME" || exit 1
    exec 9>&-
    exec setsid "${prefix[@]}" "$@"
  ) </dev/null >>"$log" 2>&1 &
  printf '%s\n' "$!" >"$(stack_pidfile "$server")"
}

proc_cmdline() { tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null; }

pid_matches() {
  # True when process $1 is alive and its command line contains every further argument.
  local pid=$1 cmd
  shift
  [ -n "$pid" ] && [ -d "/proc/$pid" ] || return 1
  cmd=$(proc_cmdline "$pid") || return 1
  local needle
  for needle in "$@"; do
    case $cmd in *"$needle"*) ;; *) return 1 ;; esac
  done
}

server_pid() {
  # The pid of server $1 started from this work folder, or nothing: its pid file, else the one process whose
  # command line holds the server's needle (one grep over /proc) and that the server's kind recognises.
  local server=$1 kind pid file
  kind=$(stack_kind "$server")
  pid=$(cat "$(stack_pidfile "$server")" 2>/dev/null || true)
  if [ -n "$pid" ] && "${kind}_owns_pid" "$server" "$pid"; then
    printf '%s\n' "$pid"
    return 0
  fi
  while IFS= read -r file; do
    pid=${file#/proc/}
    pid=${pid%/cmdline}
    if "${kind}_owns_pid" "$server" "$pid" 2>/dev/null; then
      printf '%s\n' "$pid" >"$(stack_pidfile "$server")" 2>/dev/null || true
      printf '%s\n' "$pid"
      return 0
    fi
  done < <(grep -l -a -F -e "$("${kind}_needle" "$server")" /proc/[0-9]*/cmdline 2>/dev/null)
  return 1
}

port_open() {
  # True when something accepts TCP connections on 127.0.0.1:$1.
  # shellcheck disable=SC2016 # $1 expands in the inner shell
  timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$1" 2>/dev/null
}

port_owner() {
  # A short description of who listens on port $1 (best effort).
  if command -v ss >/dev/null 2>&1; then
    ss -Hltnp "sport = :$1" 2>/dev/null | sed -n 's/.*users:((\(.*\)))$/\1/p' | head -n1
  fi
}

log_tail() {
  # The last 30 lines of server $1's log, indented.
  local log
  log=$(stack_log "$1")
  if [ -s "$log" ]; then
    tail -n 30 "$log" | sed 's/^/    | /'
  else
    printf '    (the log is empty)\n'
  fi
}

# ---------------------------------------------------------------------------------------------------------
# Packages and JDKs

stack_install_packages() {
  # Installs Debian packages "$@" when root; otherwise prints the command and exits 1.
  [ "$#" -gt 0 ] || return 0
  if is_root && command -v apt-get >/dev/null 2>&1; then
    say "installing missing packages: $*"
    if ! { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >&2; }; then
      die "apt-get install $* failed (see above)"
    fi
  else
    cat >&2 <<MSG
error: the local stack needs packages that are not installed: $*
Run, as root (Debian 12):
  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $*
then run bin/stack up again.
MSG
    exit 1
  fi
}

stack_jdk() {
  # A JAVA_HOME whose major version is in [$1, $2]; installs OpenJDK 17 when none fits and we are root.
  local min=$1 max=${2:-999} home
  # shellcheck source=bin/lib/jdk.sh
  . "$STACK_REPO/bin/lib/jdk.sh"
  if home=$(cdc_find_jdk "$min" "$max"); then
    printf '%s\n' "$home"
    return 0
  fi
  if is_root && [ "$min" -le 17 ] && [ "$max" -ge 17 ]; then
    stack_install_packages openjdk-17-jdk-headless
    if home=$(cdc_find_jdk "$min" "$max"); then
      printf '%s\n' "$home"
      return 0
    fi
  fi
  return 1
}

stack_maven_jdk() {
  # A full JDK (java and javac, as mvnw requires) of version 17 or newer.
  local home
  # shellcheck source=bin/lib/jdk.sh
  . "$STACK_REPO/bin/lib/jdk.sh"
  if { home=$(cdc_find_jdk 17 21) && [ -x "$home/bin/javac" ]; } || home=$(cdc_find_jdk 21); then
    printf '%s\n' "$home"
    return 0
  fi
  if is_root; then
    stack_install_packages openjdk-17-jdk-headless
    home=$(cdc_find_jdk 17) && [ -x "$home/bin/javac" ] && printf '%s\n' "$home" && return 0
  fi
  return 1
}

stack_fetch() {
  # Resolves Maven artifacts once into a dist folder: $1 server (for the log), $2 pom, $3 target folder,
  # $4 goal, then extra Maven arguments. Skips the work when the target is complete for the same pom and
  # arguments; writes into a temporary folder first so an interrupted download never looks complete.
  local server=$1 pom=$2 target=$3 goal=$4 stamp want jdk log tmp
  shift 4
  stamp="$target/.complete"
  want="$(sha256sum "$pom" | cut -d' ' -f1) $*"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  log=$(stack_log "$server")
  jdk=$(stack_maven_jdk) || {
    printf 'no JDK 17+ with javac found for the Maven wrapper (install openjdk-17-jdk-headless or set JAVA_HOME)\n' >>"$log"
    return 1
  }
  say "downloading $server artifacts with Maven (once) into $target"
  tmp="$target.tmp.$$"
  rm -rf "$target".tmp.* # left by an interrupted download (bin/stack holds its lock, so none is running)
  if ! JAVA_HOME=$jdk MAVEN_OPTS= "$STACK_REPO/mvnw" -B -q -f "$pom" "$goal" -DoutputDirectory="$tmp" \
    -Dstack.build.directory="$tmp.build" -Dmdep.overWriteReleases=true "$@" >>"$log" 2>&1 </dev/null; then
    rm -rf "$tmp" "$tmp.build"
    printf 'Maven could not resolve the %s artifacts (%s); output above\n' "$server" "$pom" >>"$log"
    return 1
  fi
  rm -rf "$target" "$tmp.build"
  mv "$tmp" "$target"
  printf '%s\n' "$want" >"$stamp"
}
