# shellcheck shell=bash
# Finds JDKs for the project's scripts. Sourced, never run.
#
#   cdc_find_jdk 21   -> prints a JAVA_HOME whose major version is >= 21
#   cdc_find_jdk 17 23 -> prints a JAVA_HOME whose major version is in [17, 23]
#
# Looks at $JAVA_HOME, the `java` on PATH, then every JDK under /usr/lib/jvm and
# /opt (newest first). Returns non-zero and prints nothing when none fits.

cdc_java_major() {
  # The major version of the java binary in $1/bin/java, or nothing.
  local home=$1 v
  [ -x "$home/bin/java" ] || return 1
  v=$("$home/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n1)
  [ -n "$v" ] || return 1
  case "$v" in 1.*) v=${v#1.} ;; esac
  printf '%s\n' "${v%%.*}"
}

cdc_find_jdk() {
  local min=$1 max=${2:-999} cand major
  local -a candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for cand in $(ls -d /usr/lib/jvm/*/ /opt/*jdk*/ /opt/java/*/ 2>/dev/null | sort -rV); do
    candidates+=("${cand%/}")
  done
  for cand in "${candidates[@]}"; do
    [ -x "$cand/bin/javac" ] || [ "$min" -lt 21 ] || continue   # services need a full JDK to build
    major=$(cdc_java_major "$cand") || continue
    if [ "$major" -ge "$min" ] && [ "$major" -le "$max" ]; then
      printf '%s\n' "$cand"
      return 0
    fi
  done
  return 1
}

# Exports JAVA_HOME (a JDK 21+) for Maven and the services, or exits with advice.
cdc_use_build_jdk() {
  local home
  if ! home=$(cdc_find_jdk 21); then
    cat >&2 <<'MSG'
error: no JDK 21 or newer found (looked at $JAVA_HOME, the java on PATH, /usr/lib/jvm and /opt).
The build and the services need Java 21+. Install one, for example:
  Temurin 21 or 25 from https://adoptium.net (unpack under /opt or /usr/lib/jvm), or
  apt-get install openjdk-21-jdk-headless   (where your distribution has it)
or point JAVA_HOME at an existing JDK 21+.
MSG
    exit 1
  fi
  export JAVA_HOME=$home
  export PATH="$JAVA_HOME/bin:$PATH"
}
