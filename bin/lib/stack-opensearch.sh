# shellcheck shell=bash
# OpenSearch of the local stack: the integ-test-zip distribution (no security plugin) from Maven Central,
# unpacked by bin/lib/stack-artifacts/opensearch/pom.xml into dist/, single node on 127.0.0.1. It refuses to run
# as root, so a root-run stack runs it as the system user cdcflow. OpenSearch 2.x needs the Java Security
# Manager, removed in JDK 24: it runs on a JDK in [17, 21].

OPENSEARCH_VERSION=${CDC_OPENSEARCH_VERSION:-2.19.6}
OPENSEARCH_OS_USER=cdcflow

opensearch_ports() { echo "$OPENSEARCH_PORT $OPENSEARCH_TRANSPORT_PORT"; }
opensearch_address() { echo "http://127.0.0.1:$OPENSEARCH_PORT"; }
opensearch_timeout() { echo 240; }
opensearch_stop_signal() { echo TERM; }
opensearch_home() { echo "$STACK_HOME/dist/opensearch-$OPENSEARCH_VERSION/opensearch-$OPENSEARCH_VERSION"; }
opensearch_conf_dir() { echo "$STACK_HOME/conf/opensearch"; }
opensearch_user() { stack_owner "$OPENSEARCH_OS_USER"; }

opensearch_needs() { command -v curl >/dev/null 2>&1 || echo curl; }

opensearch_needle() { echo "-Dopensearch.path.conf=$(opensearch_conf_dir)"; }
opensearch_owns_pid() {
  pid_matches "$2" "org.opensearch.bootstrap.OpenSearch" "-Dopensearch.path.conf=$(opensearch_conf_dir) "
}

opensearch_jdk() { stack_jdk 17 21; }

opensearch_ensure_user() {
  is_root || return 0
  id "$OPENSEARCH_OS_USER" >/dev/null 2>&1 && return 0
  say "creating the system user $OPENSEARCH_OS_USER (OpenSearch does not run as root)"
  useradd --system --no-create-home --user-group --shell /usr/sbin/nologin "$OPENSEARCH_OS_USER"
}

opensearch_write_conf() {
  # A config folder of our own (jvm.options from the distribution, with a small heap and absolute paths).
  local conf dist logs data
  conf=$(opensearch_conf_dir)
  dist=$(opensearch_home)/config
  logs=$STACK_HOME/logs/opensearch
  data=$STACK_HOME/data/opensearch
  mkdir -p "$conf/jvm.options.d"
  cp "$dist/log4j2.properties" "$conf/log4j2.properties"
  sed -e 's/^-Xms1g$/-Xms512m/' -e 's/^-Xmx1g$/-Xmx512m/' \
    -e "s#HeapDumpPath=data#HeapDumpPath=$data#" -e "s#ErrorFile=logs/#ErrorFile=$logs/#" \
    -e "s#file=logs/gc.log#file=$logs/gc.log#" -e 's/filecount=32,filesize=64m/filecount=2,filesize=16m/' \
    "$dist/jvm.options" >"$conf/jvm.options"
  cat >"$conf/opensearch.yml" <<YML
# Written by bin/stack on every start.
cluster.name: cdcflow
node.name: cdcflow-1
network.host: 127.0.0.1
http.port: $OPENSEARCH_PORT
transport.port: $OPENSEARCH_TRANSPORT_PORT
discovery.type: single-node
path.data: $data
path.logs: $logs
cluster.routing.allocation.disk.threshold_enabled: false
action.auto_create_index: true
YML
}

opensearch_add_painless() {
  # The integ-test-zip has no scripting; a full distribution ships Painless as a module, and the search sink writes
  # through a stored Painless script. Its jars come from Maven Central, its descriptor is written here.
  local dir
  dir=$(opensearch_home)/modules/lang-painless
  stack_fetch opensearch "$STACK_REPO/bin/lib/stack-artifacts/opensearch-painless/pom.xml" "$dir" \
    dependency:copy-dependencies -Dopensearch.version="$OPENSEARCH_VERSION" || return 1
  opensearch_module_descriptor "$dir" lang-painless org.opensearch.painless.PainlessPlugin \
    "An easy, safe and fast scripting language for OpenSearch"
  cat >"$dir/plugin-security.policy" <<'POLICY'
grant {
  // Painless compiles scripts to classes of their own, loaded by a class loader it creates.
  permission java.lang.RuntimePermission "createClassLoader";
  permission java.lang.RuntimePermission "getClassLoader";
};
POLICY
}

opensearch_add_reindex() {
  # Likewise the reindex module (_reindex), with which the search sink moves a table to a new index version when a
  # column's type changes in a way its field cannot follow.
  local dir
  dir=$(opensearch_home)/modules/reindex
  stack_fetch opensearch "$STACK_REPO/bin/lib/stack-artifacts/opensearch-reindex/pom.xml" "$dir" \
    dependency:copy-dependencies -Dopensearch.version="$OPENSEARCH_VERSION" || return 1
  opensearch_module_descriptor "$dir" reindex org.opensearch.index.reindex.ReindexPlugin \
    "The Reindex module adds APIs to reindex from one index to another or update documents in place"
  cat >"$dir/plugin-security.policy" <<'POLICY'
grant {
  // Reindex from a remote cluster opens connections of its own.
  permission java.net.SocketPermission "*", "connect";
};
POLICY
}

opensearch_module_descriptor() {
  # $1 module folder, $2 name, $3 plugin class, $4 description
  cat >"$1/plugin-descriptor.properties" <<DESC
description=$4
version=$OPENSEARCH_VERSION
name=$2
classname=$3
java.version=11
opensearch.version=$OPENSEARCH_VERSION
extended.plugins=
has.native.controller=false
DESC
}

opensearch_prepare() {
  local log user
  log=$(stack_log opensearch)
  opensearch_jdk >/dev/null || {
    echo "no JDK in [17, 21] found for OpenSearch $OPENSEARCH_VERSION (it needs the Security Manager, gone in JDK 24); install openjdk-17-jre-headless or set JAVA_HOME to a JDK 17..21" >>"$log"
    return 1
  }
  opensearch_ensure_user >>"$log" 2>&1 || { echo "could not create the user $OPENSEARCH_OS_USER" >>"$log"; return 1; }
  user=$(opensearch_user)
  check_reachable "$user" >>"$log" || return 1
  stack_fetch opensearch "$STACK_REPO/bin/lib/stack-artifacts/opensearch/pom.xml" \
    "$STACK_HOME/dist/opensearch-$OPENSEARCH_VERSION" dependency:unpack-dependencies \
    -Dopensearch.version="$OPENSEARCH_VERSION" || return 1
  opensearch_add_painless || return 1
  opensearch_add_reindex || return 1
  opensearch_write_conf
  own_dir "$STACK_HOME/data/opensearch" "$user" 750
  own_dir "$STACK_HOME/logs/opensearch" "$user" 755
  if is_root; then chown -R "$user:$(id -gn "$user")" "$(opensearch_conf_dir)"; fi
}

opensearch_start() {
  local jdk
  jdk=$(opensearch_jdk) || return 1
  # bin/opensearch execs java, so the recorded pid is the JVM's.
  spawn opensearch "$(opensearch_user)" env JAVA_HOME="$jdk" OPENSEARCH_JAVA_HOME="$jdk" \
    OPENSEARCH_PATH_CONF="$(opensearch_conf_dir)" "$(opensearch_home)/bin/opensearch"
}

opensearch_ping() {
  curl -s -m 3 "http://127.0.0.1:$OPENSEARCH_PORT/_cluster/health" 2>/dev/null | grep -Eq '"status":"(green|yellow)"'
}

opensearch_provision() { :; }
opensearch_check() { opensearch_ping; }
