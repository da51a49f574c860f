# shellcheck shell=bash
# MariaDB of the local stack: its own instance (mariadb-install-db) in data/mariadb with a row binlog, run as the
# mysql OS user when root, on 127.0.0.1 and a socket in run/mariadb/; database `inventory` and user cdc.

mariadb_ports() { echo "$MARIADB_PORT"; }
mariadb_address() { echo "127.0.0.1:$MARIADB_PORT"; }
mariadb_timeout() { echo 90; }
mariadb_stop_signal() { echo TERM; }
mariadb_conf() { echo "$STACK_HOME/conf/mariadb/my.cnf"; }
mariadb_socket() { echo "$STACK_HOME/run/mariadb/mariadb.sock"; }
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

mariadb_needle() { mariadb_conf; }
mariadb_owns_pid() { pid_matches "$2" "mariadbd" "--defaults-file=$(mariadb_conf)"; }

mariadb_prepare() {
  local user data log conf
  user=$(mariadb_user)
  data=$STACK_HOME/data/mariadb
  conf=$(mariadb_conf)
  log=$(stack_log mariadb)
  is_root && ! id mysql >/dev/null 2>&1 && { echo "the mysql OS user does not exist (install mariadb-server)" >>"$log"; return 1; }
  check_reachable "$user" >>"$log" || return 1
  [ "${#data}" -le 90 ] || { echo "the socket path under $STACK_HOME is too long; set a shorter CDC_STACK_HOME" >>"$log"; return 1; }
  own_dir "$data" "$user" 750
  own_dir "$STACK_HOME/run/mariadb" "$user" 755
  mkdir -p "$(dirname "$conf")"
  # [mysqld] is read by both mariadb-install-db and mariadbd; --defaults-file keeps /etc/mysql out of it.
  cat >"$conf" <<CNF
# Written by bin/stack on every start.
[mysqld]
$(is_root && echo "user = $user")
datadir = $data
socket = $(mariadb_socket)
pid-file = $STACK_HOME/run/mariadb/mariadbd.pid
port = $MARIADB_PORT
bind-address = 127.0.0.1
skip-name-resolve
log-bin = mariadb-bin
binlog_format = ROW
binlog_row_image = FULL
server_id = 1
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
  spawn mariadb "$(id -un)" "$(mariadb_bin mariadbd)" --defaults-file="$(mariadb_conf)"
}

mariadb_admin_sql() {
  # Runs SQL from stdin as the admin account install-db made for the OS user running it (unix_socket auth).
  mariadb --no-defaults --protocol=socket --socket="$(mariadb_socket)" -u "$(id -un)" --batch
}

mariadb_ping() { mariadb-admin --no-defaults --protocol=socket --socket="$(mariadb_socket)" -u "$(id -un)" --connect-timeout=2 ping >/dev/null 2>&1; }

mariadb_provision() {
  local host grants=""
  for host in '%' localhost 127.0.0.1; do
    grants+="CREATE USER IF NOT EXISTS '$STACK_DB_USER'@'$host' IDENTIFIED BY '$STACK_DB_PASSWORD';
ALTER USER '$STACK_DB_USER'@'$host' IDENTIFIED BY '$STACK_DB_PASSWORD';
GRANT ALL PRIVILEGES ON inventory.* TO '$STACK_DB_USER'@'$host';
GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '$STACK_DB_USER'@'$host';
"
  done
  printf 'CREATE DATABASE IF NOT EXISTS inventory;\n%sFLUSH PRIVILEGES;\n' "$grants" \
    | mariadb_admin_sql >>"$(stack_log mariadb)" 2>&1
}

mariadb_check() {
  MYSQL_PWD=$STACK_DB_PASSWORD mariadb --no-defaults --protocol=tcp -h 127.0.0.1 -P "$MARIADB_PORT" \
    -u "$STACK_DB_USER" --connect-timeout=3 --batch -e 'SELECT 1' inventory >/dev/null 2>&1
}
