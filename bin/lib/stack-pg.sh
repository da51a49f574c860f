# shellcheck shell=bash
# PostgreSQL servers of the local stack: pg-source (the captured `inventory` database, wal_level=logical) and
# pg-store (the `warehouse` and `registry` databases). Each is its own cluster (initdb) in data/<server>, run
# as the postgres OS user (root cannot run it), listening on 127.0.0.1 and on a unix socket in run/<server>/.

pg_port() { if [ "$1" = pg-source ]; then echo "$SOURCE_PG_PORT"; else echo "$STORE_PG_PORT"; fi; }
pg_ports() { pg_port "$1"; }
pg_address() { echo "127.0.0.1:$(pg_port "$1")"; }
pg_timeout() { echo 60; }
pg_stop_signal() { echo INT; } # fast shutdown
pg_data() { echo "$STACK_HOME/data/$1"; }
pg_socket_dir() { echo "$STACK_HOME/run/$1"; }
pg_superuser() { stack_owner postgres; }
pg_databases() { if [ "$1" = pg-source ]; then echo inventory; else echo warehouse registry; fi; }

pg_bindir() {
  # The server binaries: the version the data folder was made with when it exists, else the newest installed.
  local version dir
  version=$(cat "$(pg_data "$1")/PG_VERSION" 2>/dev/null || true)
  if [ -n "$version" ] && [ -x "/usr/lib/postgresql/$version/bin/postgres" ]; then
    echo "/usr/lib/postgresql/$version/bin"
    return 0
  fi
  dir=$(find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/initdb' 2>/dev/null | sort -V | tail -n1)
  [ -n "$dir" ] || return 1
  dirname "$dir"
}

pg_needs() {
  pg_bindir "$1" >/dev/null || echo postgresql
  command -v psql >/dev/null 2>&1 || echo postgresql-client
}

pg_needle() { pg_data "$1"; }
pg_owns_pid() { pid_matches "$2" "postgres" "-D $(pg_data "$1") "; }

pg_prepare() {
  local server=$1 user data sock bindir log
  user=$(pg_superuser)
  data=$(pg_data "$server")
  sock=$(pg_socket_dir "$server")
  log=$(stack_log "$server")
  bindir=$(pg_bindir "$server") || { echo "no PostgreSQL server binaries under /usr/lib/postgresql" >>"$log"; return 1; }
  is_root && ! id postgres >/dev/null 2>&1 && { echo "the postgres OS user does not exist (install postgresql)" >>"$log"; return 1; }
  check_reachable "$user" >>"$log" || return 1
  [ "${#sock}" -le 90 ] || { echo "the socket folder $sock is too long for a unix socket; set a shorter CDC_STACK_HOME" >>"$log"; return 1; }
  own_dir "$data" "$user" 700
  own_dir "$sock" "$user" 755
  if [ ! -s "$data/PG_VERSION" ]; then
    say "initializing $server in $data"
    as_user "$user" "$bindir/initdb" -D "$data" -U "$user" --auth-local=peer --auth-host=scram-sha-256 \
      --encoding=UTF8 --no-locale >>"$log" 2>&1 || { echo "initdb failed" >>"$log"; return 1; }
  fi
  # Rewritten on every start, so a changed rule takes effect: the superuser through the socket (peer),
  # everyone else, replication included, with a password over TCP on 127.0.0.1 only.
  cat >"$data/pg_hba.conf" <<'HBA'
# Written by bin/stack on every start.
local   all          all                     peer
host    all          all          127.0.0.1/32   scram-sha-256
host    replication  all          127.0.0.1/32   scram-sha-256
HBA
  if is_root; then chown "$user:$(id -gn "$user")" "$data/pg_hba.conf"; fi
  chmod 600 "$data/pg_hba.conf"
}

pg_start() {
  local server=$1 bindir wal=replica
  bindir=$(pg_bindir "$server") || return 1
  [ "$server" = pg-source ] && wal=logical
  spawn "$server" "$(pg_superuser)" "$bindir/postgres" -D "$(pg_data "$server")" \
    -c listen_addresses=127.0.0.1 -c port="$(pg_port "$server")" -c unix_socket_directories="$(pg_socket_dir "$server")" \
    -c wal_level="$wal" -c max_replication_slots=20 -c max_wal_senders=20 -c max_connections=200 \
    -c shared_buffers=128MB -c logging_collector=off -c log_destination=stderr -c 'log_line_prefix=%m [%p] %q%u@%d '
}

pg_ping() {
  local bindir
  bindir=$(pg_bindir "$1") || return 1
  "$bindir/pg_isready" -q -h 127.0.0.1 -p "$(pg_port "$1")" -t 2
}

pg_provision() {
  # Role cdc (LOGIN, REPLICATION on the source, never superuser) and its databases; idempotent.
  local server=$1 user replication=NOREPLICATION db
  user=$(pg_superuser)
  [ "$server" = pg-source ] && replication=REPLICATION
  {
    cat <<SQL
SELECT format('CREATE ROLE %I', :'role') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \\gexec
SELECT format('ALTER ROLE %I LOGIN NOSUPERUSER $replication PASSWORD %L', :'role', :'password') \\gexec
SQL
    for db in $(pg_databases "$server"); do
      printf "SELECT format('CREATE DATABASE %%I OWNER %%I', '%s', :'role') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '%s') \\\\gexec\n" "$db" "$db"
      printf "SELECT format('ALTER DATABASE %%I OWNER TO %%I', '%s', :'role') \\\\gexec\n" "$db"
    done
  } | as_user "$user" psql -X -q -v ON_ERROR_STOP=1 -v role="$STACK_DB_USER" -v password="$STACK_DB_PASSWORD" \
    -h "$(pg_socket_dir "$server")" -p "$(pg_port "$server")" -U "$user" -d postgres >>"$(stack_log "$server")" 2>&1
}

pg_check() {
  # Every database answers a query as cdc over TCP.
  local db
  for db in $(pg_databases "$1"); do
    PGPASSWORD=$STACK_DB_PASSWORD PGCONNECT_TIMEOUT=3 psql -X -q -At -h 127.0.0.1 -p "$(pg_port "$1")" \
      -U "$STACK_DB_USER" -d "$db" -c 'SELECT 1' >/dev/null 2>&1 || return 1
  done
}
