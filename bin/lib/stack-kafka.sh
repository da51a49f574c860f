# shellcheck shell=bash
# Kafka of the local stack: one KRaft process (broker and controller), jars from Maven Central resolved by
# bin/lib/stack-artifacts/kafka/pom.xml into dist/kafka-<version>/libs, storage formatted once in data/kafka.

KAFKA_VERSION=${CDC_KAFKA_VERSION:-4.4.0}

kafka_ports() { echo "$KAFKA_PORT $KAFKA_CONTROLLER_PORT"; }
kafka_address() { echo "127.0.0.1:$KAFKA_PORT"; }
kafka_timeout() { echo 120; }
kafka_stop_signal() { echo TERM; } # controlled shutdown
kafka_needs() { :; }
kafka_libs() { echo "$STACK_HOME/dist/kafka-$KAFKA_VERSION/libs"; }
kafka_conf_dir() { echo "$STACK_HOME/conf/kafka"; }

kafka_needle() { echo "$(kafka_conf_dir)/server.properties"; }
kafka_owns_pid() { pid_matches "$2" "kafka.Kafka" "$(kafka_conf_dir)/server.properties"; }

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
    -Dlog4j2.configurationFile="$(kafka_conf_dir)/tools-log4j2.properties" -cp "$(kafka_libs)/*" "$@"
}

kafka_write_conf() {
  local dir
  dir=$(kafka_conf_dir)
  mkdir -p "$dir"
  cat >"$dir/server.properties" <<PROPS
# Written by bin/stack on every start. One process is broker and controller (KRaft).
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$STACK_HOME/data/kafka
num.partitions=3
default.replication.factor=1
min.insync.replicas=1
auto.create.topics.enable=true
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
num.network.threads=2
num.io.threads=4
log.retention.hours=168
PROPS
  cat >"$dir/log4j2.properties" <<'PROPS'
# Written by bin/stack: the broker logs to stdout, which bin/stack sends to logs/kafka.log.
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
  stack_fetch kafka "$STACK_REPO/bin/lib/stack-artifacts/kafka/pom.xml" "$(kafka_libs)" \
    dependency:copy-dependencies -Dkafka.version="$KAFKA_VERSION" -DincludeScope=runtime
}

kafka_prepare() {
  local log cluster_id
  log=$(stack_log kafka)
  kafka_java >/dev/null || { echo "no JDK 17 or newer found for Kafka (install openjdk-17-jre-headless)" >>"$log"; return 1; }
  kafka_fetch || return 1
  kafka_write_conf
  mkdir -p "$STACK_HOME/data/kafka"
  if [ ! -s "$STACK_HOME/data/kafka/meta.properties" ]; then
    say "formatting kafka storage in $STACK_HOME/data/kafka"
    cluster_id=$(kafka_tool kafka.tools.StorageTool random-uuid 2>>"$log") || { echo "kafka-storage random-uuid failed" >>"$log"; return 1; }
    kafka_tool kafka.tools.StorageTool format --standalone -t "$cluster_id" -c "$(kafka_conf_dir)/server.properties" \
      >>"$log" 2>&1 || { echo "kafka-storage format failed" >>"$log"; return 1; }
  fi
}

kafka_start() {
  local java
  java=$(kafka_java) || return 1
  spawn kafka "$(id -un)" "$java" -Xms256m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$(kafka_conf_dir)/log4j2.properties" -Dkafka.logs.dir="$STACK_HOME/logs" \
    -cp "$(kafka_libs)/*" kafka.Kafka "$(kafka_conf_dir)/server.properties"
}

kafka_ping() {
  # A metadata request through the admin client (kafka-topics --list), once the port accepts connections.
  port_open "$KAFKA_PORT" || return 1
  kafka_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$KAFKA_PORT" --list >/dev/null 2>&1
}

kafka_provision() { :; }
# A broker already answering on the port (say, started from another checkout's work folder) counts as up; asking
# it needs the Kafka jars, so fetch them first when this work folder has none yet.
kafka_check() {
  port_open "$KAFKA_PORT" || return 1
  kafka_fetch >/dev/null 2>&1 || return 1
  kafka_ping
}
