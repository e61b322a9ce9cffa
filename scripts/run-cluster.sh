#!/usr/bin/env bash
# `make run-cluster`: the system as several processes on this machine's PostgreSQL, Redis and
# RabbitMQ: HAProxy on :8000 (deploy/haproxy) in front of API processes on the ports after it, and
# workers, each with its own metrics port. Ctrl-C stops every process this script started, by PID.
# APIS= and WORKERS= set how many (2 and 3); API_BASE_PORT= the first API's port (8001).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
java="${JAVA_HOME:?JAVA_HOME must point at a JDK 25}/bin/java"
haproxy="$(command -v haproxy || echo /usr/sbin/haproxy)"
[[ -x "$haproxy" ]] || { echo "run-cluster needs HAProxy: apt-get install haproxy" >&2; exit 1; }
cd "$root"

apis="${APIS:-2}" workers="${WORKERS:-3}" port="${API_PORT:-8000}" base="${API_BASE_PORT:-8001}"
run="$root/target/run-cluster"
mkdir -p "$run"

"$java" -cp api/target/voting-api.jar dev.voting.api.Migrate --demo

pids=()
stop() {
  trap - INT TERM EXIT
  [[ -s "$run/haproxy.pid" ]] && kill "$(cat "$run/haproxy.pid")" 2>/dev/null || true
  kill "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
}
trap stop EXIT
trap 'exit 130' INT TERM

servers=""
for i in $(seq 1 "$apis"); do
  # HAProxy's X-Forwarded-For names the client, whose address the per-address limits then count
  TRUSTED_PROXIES=127.0.0.1/32 API_PORT=$((base + i - 1)) API_METRICS_PORT=$((9200 + i)) "$java" ${API_JAVA_OPTS:-} -jar api/target/voting-api.jar \
    > "$run/api-$i.log" 2>&1 &
  pids+=($!)
  servers+="    server api-$i 127.0.0.1:$((base + i - 1)) check"$'\n'"    server api-$i-backup 127.0.0.1:$((base + i - 1)) backup"$'\n'
done
for i in $(seq 1 "$workers"); do
  WORKER_METRICS_PORT=$((9300 + i)) "$java" ${WORKER_JAVA_OPTS:-} -jar worker/target/voting-worker.jar > "$run/worker-$i.log" 2>&1 &
  pids+=($!)
done

template="$(<deploy/haproxy/haproxy.cfg.template)"
config="${template//@BIND@/127.0.0.1:$port}"
printf '%s\n' "${config//@SERVERS@/${servers%$'\n'}}" > "$run/haproxy.cfg"
"$haproxy" -c -q -f "$run/haproxy.cfg"
"$haproxy" -f "$run/haproxy.cfg" -D -p "$run/haproxy.pid"

for _ in $(seq 1 60); do
  ready=0
  for i in $(seq 1 "$apis"); do
    curl -fsS "http://127.0.0.1:$((base + i - 1))/readyz" >/dev/null 2>&1 && ready=$((ready + 1))
  done
  if [[ "$ready" == "$apis" ]]; then
    cat <<TXT

  The voting system runs as a cluster: HAProxy on http://127.0.0.1:$port (pid $(cat "$run/haproxy.pid")) in front of
  $apis API processes on :$base..:$((base + apis - 1)) (metrics :9201..) and $workers workers (metrics :9301..).
  Logs and the HAProxy config: $run/   Ctrl-C stops them all.
  PIDs (APIs first, then workers): ${pids[*]}
  Try: TOKEN=\$(make -s token SUB=alice); curl -s -X POST http://127.0.0.1:$port/api/v1/polls/1/votes \\
         -H "Authorization: Bearer \$TOKEN" -H 'Content-Type: application/json' -d '{"candidateId": 1}'
       then kill -9 one API's PID and vote again (as another SUB): HAProxy sends it to the other.

TXT
    break
  fi
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || { echo "a process failed to start (see $run/*.log)" >&2; exit 1; }
  done
  sleep 1
done
# until Ctrl-C, or every process has ended: one crashed API does not end the cluster (HAProxy sends its votes elsewhere)
wait "${pids[@]}" || true
