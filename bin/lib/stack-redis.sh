# shellcheck shell=bash
# Redis of the local stack: daemonized, its own dir data/redis, AOF (appendfsync everysec), on 127.0.0.1 only.

redis_ports() { echo "$REDIS_PORT"; }
redis_address() { echo "127.0.0.1:$REDIS_PORT"; }
redis_timeout() { echo 30; }
redis_stop_signal() { echo TERM; } # Redis flushes the AOF and exits
redis_conf() { echo "$STACK_HOME/conf/redis/redis.conf"; }

redis_needs() {
  command -v redis-server >/dev/null 2>&1 || echo redis-server
  command -v redis-cli >/dev/null 2>&1 || echo redis-tools
}

redis_needle() { echo "127.0.0.1:$REDIS_PORT"; }
# Redis rewrites its process title to "redis-server 127.0.0.1:<port>", so match the port, not the folder.
redis_owns_pid() {
  [ "$(cat "/proc/$2/comm" 2>/dev/null)" = redis-server ] && pid_matches "$2" "127.0.0.1:$REDIS_PORT"
}

redis_prepare() {
  local conf
  conf=$(redis_conf)
  mkdir -p "$STACK_HOME/data/redis" "$(dirname "$conf")"
  cat >"$conf" <<CONF
# Written by bin/stack on every start.
bind 127.0.0.1
port $REDIS_PORT
protected-mode yes
daemonize yes
pidfile $(stack_pidfile redis)
logfile $(stack_log redis)
dir $STACK_HOME/data/redis
appendonly yes
appendfsync everysec
save 3600 1 300 100 60 10000
CONF
}

redis_start() {
  # Redis daemonizes itself and writes its own pid file, so this waits for the pid file instead of using \$!.
  local pidfile tries=50
  pidfile=$(stack_pidfile redis)
  rm -f "$pidfile"
  (
    cd "$STACK_HOME" || exit 1
    exec 9>&-
    exec setsid redis-server "$(redis_conf)"
  ) </dev/null >>"$(stack_log redis)" 2>&1 || return 1
  while [ "$tries" -gt 0 ]; do
    [ -s "$pidfile" ] && return 0
    sleep 0.1
    tries=$((tries - 1))
  done
  echo "redis-server did not write its pid file $pidfile" >>"$(stack_log redis)"
  return 1
}

redis_ping() { [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]; }
redis_provision() { :; }
redis_check() { redis_ping; }
