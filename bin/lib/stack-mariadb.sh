# shellcheck shell=bash
# MariaDB of the local stack: two instances (mariadb-install-db) with a row binlog and GTIDs, run as the mysql OS
# user when root, on 127.0.0.1 and a socket in run/<server>/; database `inventory` and user cdc.
#   mariadb          the primary (server_id 1), in data/mariadb
#   mariadb-replica  its replica (server_id 2, log_slave_updates: its binlog carries the primary's GTIDs), in
#                    data/mariadb-replica, replicating by GTID; seeded from a dump of the primary when new. Not
#                    read-only: tests of a server whose binlog history changes (RESET MASTER) write to it directly.

mariadb_port() { if [ "$1" = mariadb-replica ]; then echo "$MARIADB_REPLICA_PORT"; else echo "$MARIADB_PORT"; fi; }
mariadb_ports() { mariadb_port "$1"; }
mariadb_address() { echo "127.0.0.1:$(mariadb_port "$1")"; }
mariadb_timeout() { echo 90; }
mariadb_stop_signal() { echo TERM; }
mariadb_conf() { echo "$STACK_HOME/conf/$1/my.cnf"; }
mariadb_socket() { echo "$STACK_HOME/run/$1/mariadb.sock"; }
mariadb_server_id() { if [ "$1" = mariadb-replica ]; then echo 2; else echo 1; fi; }
mariadb_user() { stack_owner mysql; }

mariadb_needs() {
  local bin
  for bin in mariadbd mariadb-install-db; do
    command -v "$bin" >/dev/null 2>&1 || [ -x "/usr/sbin/$bin" ] || { echo mariadb-server; break; }
  done
  for bin in mariadb mariadb-admin; do
    command -v "$bin" >/dev/null 2>&1 || { echo mariadb-client; break; }
  done
}

mariadb_bin() {
  # A server binary that may live in /usr/sbin, outside a non-root PATH.
  if command -v "$1" >/dev/null 2>&1; then command -v "$1"; else echo "/usr/sbin/$1"; fi
}

mariadb_needle() { mariadb_conf "$1"; }
mariadb_owns_pid() { pid_matches "$2" "mariadbd" "--defaults-file=$(mariadb_conf "$1")"; }

mariadb_prepare() {
  local user data log conf
  user=$(mariadb_user)
  data=$STACK_HOME/data/$1
  conf=$(mariadb_conf "$1")
  log=$(stack_log "$1")
  is_root && ! id mysql >/dev/null 2>&1 && { echo "the mysql OS user does not exist (install mariadb-server)" >>"$log"; return 1; }
  check_reachable "$user" >>"$log" || return 1
  [ "${#data}" -le 90 ] || { echo "the socket path under $STACK_HOME is too long; set a shorter CDC_STACK_HOME" >>"$log"; return 1; }
  own_dir "$data" "$user" 750
  own_dir "$STACK_HOME/run/$1" "$user" 755
  mkdir -p "$(dirname "$conf")"
  # [mysqld] is read by both mariadb-install-db and mariadbd; --defaults-file keeps /etc/mysql out of it.
  cat >"$conf" <<CNF
# Written by bin/stack on every start.
[mysqld]
$(is_root && echo "user = $user")
datadir = $data
socket = $(mariadb_socket "$1")
pid-file = $STACK_HOME/run/$1/mariadbd.pid
port = $(mariadb_port "$1")
bind-address = 127.0.0.1
skip-name-resolve
log-bin = mariadb-bin
binlog_format = ROW
binlog_row_image = FULL
server_id = $(mariadb_server_id "$1")
$([ "$1" != mariadb-replica ] || printf 'log_slave_updates = ON\nrelay_log = relay-bin\n')
# Trigger-based capture installs triggers as the non-SUPER user cdc, which binary logging otherwise refuses.
log_bin_trust_function_creators = 1
binlog_expire_logs_seconds = 604800
character_set_server = utf8mb4
collation_server = utf8mb4_general_ci
innodb_buffer_pool_size = 128M
max_connections = 200
CNF
  chmod 644 "$conf"
  if [ ! -d "$data/mysql" ]; then
    say "initializing mariadb in $data"
    local -a as=()
    # The admin account is <OS user>@localhost through unix_socket: root when root, else ourselves.
    if is_root; then as=(--user="$user"); else as=(--auth-root-socket-user="$(id -un)"); fi
    (cd "$STACK_HOME" && mariadb-install-db --defaults-file="$conf" "${as[@]}" --auth-root-authentication-method=socket \
      --skip-test-db) >>"$log" 2>&1 || { echo "mariadb-install-db failed" >>"$log"; return 1; }
  fi
}

mariadb_start() {
  # mariadbd drops to the user of my.cnf by itself, so it is started as ourselves.
  spawn "$1" "$(id -un)" "$(mariadb_bin mariadbd)" --defaults-file="$(mariadb_conf "$1")"
}

mariadb_admin_sql() {
  # Runs SQL from stdin on server $1 as the admin account install-db made for the OS user running it (unix_socket).
  mariadb --no-defaults --protocol=socket --socket="$(mariadb_socket "$1")" -u "$(id -un)" --batch
}

mariadb_ping() { mariadb-admin --no-defaults --protocol=socket --socket="$(mariadb_socket "$1")" -u "$(id -un)" --connect-timeout=2 ping >/dev/null 2>&1; }

mariadb_provision() {
  local host grants=""
  for host in '%' localhost 127.0.0.1; do
    grants+="CREATE USER IF NOT EXISTS '$STACK_DB_USER'@'$host' IDENTIFIED BY '$STACK_DB_PASSWORD';
ALTER USER '$STACK_DB_USER'@'$host' IDENTIFIED BY '$STACK_DB_PASSWORD';
GRANT ALL PRIVILEGES ON inventory.* TO '$STACK_DB_USER'@'$host';
GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '$STACK_DB_USER'@'$host';
"
  done
  if [ "$1" = mariadb-replica ]; then
    mariadb_provision_replica "$grants"
    return
  fi
  printf 'CREATE DATABASE IF NOT EXISTS inventory;\n%sFLUSH PRIVILEGES;\n' "$grants" \
    | mariadb_admin_sql "$1" >>"$(stack_log "$1")" 2>&1
}

mariadb_provision_replica() {
  # A new replica gets the primary's databases and GTID position from a dump, then replicates from there by GTID.
  # Its own accounts are made without binary logging, so its binlog holds the primary's GTIDs only.
  local log
  log=$(stack_log mariadb-replica)
  mariadb_ping mariadb || { echo "the replica needs its primary: start mariadb first (bin/stack up mariadb)" >>"$log"; return 1; }
  local configured=0
  echo 'SHOW SLAVE STATUS\G' | mariadb_admin_sql mariadb-replica 2>>"$log" | grep -q 'Master_Host: 127.0.0.1' && configured=1
  if [ "$configured" -eq 0 ]; then
    say "seeding mariadb-replica from a dump of mariadb"
    { echo "SET SESSION sql_log_bin = 0;"
      mariadb-dump --no-defaults --protocol=socket --socket="$(mariadb_socket mariadb)" -u "$(id -un)" \
        --single-transaction --gtid --master-data=1 --databases inventory
    } 2>>"$log" | mariadb_admin_sql mariadb-replica >>"$log" 2>&1 || { echo "seeding the replica failed" >>"$log"; return 1; }
  fi
  # cdc may stop and reset the replica: tests of a server whose binlog history changes do that.
  local host super=""
  for host in '%' localhost 127.0.0.1; do super+="GRANT SUPER ON *.* TO '$STACK_DB_USER'@'$host';"$'\n'; done
  printf 'SET SESSION sql_log_bin = 0;\nCREATE DATABASE IF NOT EXISTS inventory;\n%s%sFLUSH PRIVILEGES;\n' "$1" "$super" \
    | mariadb_admin_sql mariadb-replica >>"$log" 2>&1 || return 1
  if [ "$configured" -eq 0 ]; then
    printf "CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = %s, MASTER_USER = '%s', MASTER_PASSWORD = '%s', MASTER_USE_GTID = slave_pos;\nSTART SLAVE;\n" \
      "$MARIADB_PORT" "$STACK_DB_USER" "$STACK_DB_PASSWORD" | mariadb_admin_sql mariadb-replica >>"$log" 2>&1 || return 1
  fi
}

mariadb_check() {
  MYSQL_PWD=$STACK_DB_PASSWORD mariadb --no-defaults --protocol=tcp -h 127.0.0.1 -P "$(mariadb_port "$1")" \
    -u "$STACK_DB_USER" --connect-timeout=3 --batch -e 'SELECT 1' inventory >/dev/null 2>&1
}
