# shellcheck shell=bash
# Kafka of the local stack: KRaft processes, each broker and controller at once, jars from Maven Central resolved by
# bin/lib/stack-artifacts/kafka/pom.xml into dist/kafka-<version>/libs, storage formatted once per node.
#   CDC_KAFKA_BROKERS=1 (default)  one server, kafka: node 1 on CDC_KAFKA_PORT and CDC_KAFKA_CONTROLLER_PORT, data in
#                                  data/kafka; topics with replication factor 1, min.insync.replicas 1.
#   CDC_KAFKA_BROKERS=n (2..9)     servers kafka-1..kafka-n: node i on CDC_KAFKA_PORT + 10 (i - 1) and
#                                  CDC_KAFKA_CONTROLLER_PORT + 10 (i - 1), data in data/kafka-<i>; all n are voters of
#                                  a static controller quorum (controller.quorum.voters), so a majority must run.
#                                  Topics default to replication factor min(n, 3) and min.insync.replicas RF - 1 (3
#                                  brokers: RF 3, min.insync.replicas 2); the name kafka stands for all the brokers.
# Heap: at most 512 MB for one node, 384 MB each for several (CDC_KAFKA_HEAP sets it, e.g. 256m); they share the
# machine's cores with everything else.

KAFKA_VERSION=${CDC_KAFKA_VERSION:-4.4.0}

kafka_init_brokers() {
  # Sets KAFKA_BROKERS, KAFKA_SERVERS, the topic defaults and STACK_SERVERS (kafka, or kafka-1..kafka-n).
  local i ports=() port
  KAFKA_BROKERS=${CDC_KAFKA_BROKERS:-1}
  case $KAFKA_BROKERS in [1-9]) ;; *) die "CDC_KAFKA_BROKERS=$KAFKA_BROKERS: use a number of brokers from 1 to 9" ;; esac
  KAFKA_SERVERS=()
  if [ "$KAFKA_BROKERS" -eq 1 ]; then
    KAFKA_SERVERS=(kafka)
  else
    for ((i = 1; i <= KAFKA_BROKERS; i++)); do KAFKA_SERVERS+=("kafka-$i"); done
    local -a servers=()
    for i in "${STACK_SERVERS[@]}"; do
      if [ "$i" = kafka ]; then servers+=("${KAFKA_SERVERS[@]}"); else servers+=("$i"); fi
    done
    STACK_SERVERS=("${servers[@]}")
  fi
  KAFKA_REPLICATION_FACTOR=$((KAFKA_BROKERS < 3 ? KAFKA_BROKERS : 3))
  KAFKA_MIN_INSYNC_REPLICAS=$((KAFKA_REPLICATION_FACTOR > 1 ? KAFKA_REPLICATION_FACTOR - 1 : 1))
  for i in "${KAFKA_SERVERS[@]}"; do
    for port in $(kafka_ports "$i"); do
      [ "$port" -le 65535 ] || die "kafka node $(kafka_node "$i") would listen on port $port; choose lower CDC_KAFKA_PORT/CDC_KAFKA_CONTROLLER_PORT"
      case " ${ports[*]} " in *" $port "*) die "two Kafka listeners would share port $port: CDC_KAFKA_PORT and CDC_KAFKA_CONTROLLER_PORT must not differ by a multiple of 10 below $((10 * KAFKA_BROKERS))" ;; esac
      ports+=("$port")
    done
  done
}

kafka_other_layout() {
  # The Kafka servers of this work folder that run under another CDC_KAFKA_BROKERS (by their pid files), if any.
  local file s pid
  for file in "$STACK_HOME"/run/kafka.pid "$STACK_HOME"/run/kafka-[1-9].pid; do
    [ -f "$file" ] || continue
    s=$(basename "$file" .pid)
    case " ${KAFKA_SERVERS[*]} " in *" $s "*) continue ;; esac
    pid=$(cat "$file" 2>/dev/null || true)
    if kafka_owns_pid "$s" "$pid"; then printf '%s ' "$s"; fi
  done
}

kafka_node() { if [ "$1" = kafka ]; then echo 1; else echo "${1#kafka-}"; fi; }
kafka_port() { echo $((KAFKA_PORT + 10 * ($(kafka_node "$1") - 1))); }
kafka_controller_port() { echo $((KAFKA_CONTROLLER_PORT + 10 * ($(kafka_node "$1") - 1))); }
kafka_ports() { echo "$(kafka_port "$1") $(kafka_controller_port "$1")"; }
kafka_address() { echo "127.0.0.1:$(kafka_port "$1")"; }
kafka_bootstrap() {
  # Every broker's address, comma-separated: what clients are given (CDC_KAFKA_BOOTSTRAP).
  local s out=
  for s in "${KAFKA_SERVERS[@]}"; do out+="${out:+,}$(kafka_address "$s")"; done
  echo "$out"
}
kafka_timeout() { echo 120; }
kafka_stop_signal() { echo TERM; } # controlled shutdown
kafka_needs() { :; }
kafka_libs() { echo "$STACK_HOME/dist/kafka-$KAFKA_VERSION/libs"; }
kafka_conf_dir() { echo "$STACK_HOME/conf/$1"; }

kafka_needle() { echo "$(kafka_conf_dir "$1")/server.properties"; }
kafka_owns_pid() { pid_matches "$2" "kafka.Kafka" "$(kafka_conf_dir "$1")/server.properties"; }

kafka_java() {
  # Kafka 4 runs on 17+; a 17..21 JDK first, as the broker is tested most there.
  local home
  home=$(stack_jdk 17 21) || home=$(stack_jdk 17) || return 1
  echo "$home/bin/java"
}

kafka_tool() {
  # Runs a Kafka tool class with a small, quiet JVM for at most a minute: kafka_tool <main class> <args...>.
  local java
  java=$(kafka_java) || return 1
  timeout 60 "$java" -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto \
    -Dlog4j2.configurationFile="$(kafka_conf_dir "${KAFKA_SERVERS[0]}")/tools-log4j2.properties" -cp "$(kafka_libs)/*" "$@"
}

kafka_write_conf() {
  # Writes server $1's configuration.
  local dir quorum s
  dir=$(kafka_conf_dir "$1")
  mkdir -p "$dir"
  if [ "$KAFKA_BROKERS" -eq 1 ]; then
    quorum="controller.quorum.bootstrap.servers=127.0.0.1:$KAFKA_CONTROLLER_PORT"
  else
    quorum="controller.quorum.voters="
    for s in "${KAFKA_SERVERS[@]}"; do quorum+="$(kafka_node "$s")@127.0.0.1:$(kafka_controller_port "$s"),"; done
    quorum=${quorum%,}
  fi
  cat >"$dir/server.properties" <<PROPS
# Written by bin/stack on every start. Each process is broker and controller (KRaft); $KAFKA_BROKERS node(s).
process.roles=broker,controller
node.id=$(kafka_node "$1")
$quorum
listeners=PLAINTEXT://127.0.0.1:$(kafka_port "$1"),CONTROLLER://127.0.0.1:$(kafka_controller_port "$1")
advertised.listeners=PLAINTEXT://127.0.0.1:$(kafka_port "$1"),CONTROLLER://127.0.0.1:$(kafka_controller_port "$1")
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$STACK_HOME/data/$1
num.partitions=3
# Every topic the services create (auto-created raw, validated and dead-letter topics, control topics, capture's
# offset and schema-history topics) takes these unless it names its own.
default.replication.factor=$KAFKA_REPLICATION_FACTOR
min.insync.replicas=$KAFKA_MIN_INSYNC_REPLICAS
auto.create.topics.enable=true
offsets.topic.replication.factor=$KAFKA_REPLICATION_FACTOR
transaction.state.log.replication.factor=$KAFKA_REPLICATION_FACTOR
transaction.state.log.min.isr=$KAFKA_MIN_INSYNC_REPLICAS
share.coordinator.state.topic.replication.factor=$KAFKA_REPLICATION_FACTOR
share.coordinator.state.topic.min.isr=$KAFKA_MIN_INSYNC_REPLICAS
group.initial.rebalance.delay.ms=0
num.network.threads=2
num.io.threads=4
log.retention.hours=168
PROPS
  cat >"$dir/log4j2.properties" <<'PROPS'
# Written by bin/stack: the broker logs to stdout, which bin/stack sends to logs/<server>.log.
status = warn
appender.out.type = Console
appender.out.name = OUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = OUT
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.clients.name = org.apache.kafka.clients
logger.clients.level = WARN
PROPS
  cat >"$dir/tools-log4j2.properties" <<'PROPS'
# Written by bin/stack: the command-line tools only report warnings, on stderr.
status = warn
appender.err.type = Console
appender.err.name = ERR
appender.err.target = SYSTEM_ERR
appender.err.layout.type = PatternLayout
appender.err.layout.pattern = %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.err.ref = ERR
PROPS
}

kafka_fetch() {
  stack_fetch "${1:-kafka}" "$STACK_REPO/bin/lib/stack-artifacts/kafka/pom.xml" "$(kafka_libs)" \
    dependency:copy-dependencies -Dkafka.version="$KAFKA_VERSION" -DincludeScope=runtime
}

kafka_cluster_id() {
  # The cluster id of the nodes already formatted (all share one), or a new one.
  local s meta
  for s in "${KAFKA_SERVERS[@]}"; do
    meta=$STACK_HOME/data/$s/meta.properties
    if [ -s "$meta" ]; then
      sed -n 's/^cluster\.id=//p' "$meta"
      return 0
    fi
  done
  kafka_tool kafka.tools.StorageTool random-uuid
}

kafka_prepare() {
  local log cluster_id data=$STACK_HOME/data/$1
  local -a quorum=()
  log=$(stack_log "$1")
  kafka_java >/dev/null || { echo "no JDK 17 or newer found for Kafka (install openjdk-17-jre-headless)" >>"$log"; return 1; }
  kafka_fetch "$1" || return 1
  kafka_write_conf "$1"
  mkdir -p "$data"
  if [ ! -s "$data/meta.properties" ]; then
    say "formatting $1 storage in $data"
    cluster_id=$(kafka_cluster_id 2>>"$log") || { echo "kafka-storage random-uuid failed" >>"$log"; return 1; }
    # One node bootstraps its own dynamic quorum; several share the static voter list of their configuration.
    [ "$KAFKA_BROKERS" -gt 1 ] || quorum=(--standalone)
    kafka_tool kafka.tools.StorageTool format "${quorum[@]}" -t "$cluster_id" -c "$(kafka_conf_dir "$1")/server.properties" \
      >>"$log" 2>&1 || { echo "kafka-storage format failed" >>"$log"; return 1; }
  fi
}

kafka_start() {
  local java heap=${CDC_KAFKA_HEAP:-}
  [ -n "$heap" ] || if [ "$KAFKA_BROKERS" -eq 1 ]; then heap=512m; else heap=384m; fi
  java=$(kafka_java) || return 1
  spawn "$1" "$(id -un)" "$java" -Xms256m -Xmx"$heap" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$(kafka_conf_dir "$1")/log4j2.properties" -Dkafka.logs.dir="$STACK_HOME/logs" \
    -cp "$(kafka_libs)/*" kafka.Kafka "$(kafka_conf_dir "$1")/server.properties"
}

kafka_ping() {
  # Once the node's port accepts connections: its log since its last start says it started (it is then a running,
  # unfenced broker), or else a metadata request through the admin client (kafka-topics --list) to it answers.
  # Short client timeouts: a node still loading its logs under load can hold a request of the default 60 s tool
  # timeout, though it is ready seconds later; the next ping then asks again.
  local admin
  port_open "$(kafka_port "$1")" || return 1
  # Our own node says so in its log (a tool JVM takes many seconds on a busy machine).
  if server_pid "$1" >/dev/null \
    && awk '/bin\/stack starting/ { up = 0 } /Kafka Server started/ { up = 1 } END { exit !up }' "$(stack_log "$1")" 2>/dev/null; then
    return 0
  fi
  admin=$(kafka_conf_dir "$1")/ping-admin.properties
  [ -s "$admin" ] || { mkdir -p "$(dirname "$admin")" && printf 'request.timeout.ms=5000\ndefault.api.timeout.ms=10000\n' >"$admin"; } || return 1
  kafka_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$(kafka_address "$1")" --command-config "$admin" \
    --list >/dev/null 2>&1
}

kafka_provision() { :; }

# Deletes the topics whose names match a regular expression (kafka_delete_topics <regex>), through the first
# node; false when Kafka is not up.
kafka_delete_topics() {
  local node=${KAFKA_SERVERS[0]}
  port_open "$(kafka_port "$node")" || return 1
  kafka_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$(kafka_address "$node")" --delete --if-exists \
    --topic "$1" >/dev/null
}
# A broker already answering on the port (say, started from another checkout's work folder) counts as up; asking
# it needs the Kafka jars, so fetch them first when this work folder has none yet.
kafka_check() {
  port_open "$(kafka_port "$1")" || return 1
  kafka_fetch "$1" >/dev/null 2>&1 || return 1
  kafka_ping "$1"
}
