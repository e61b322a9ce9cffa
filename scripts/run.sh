#!/usr/bin/env bash
# `make run`: migrations (and a demo poll on an empty database), then the API and one worker in the
# foreground; Ctrl-C stops both. Each refuses to start, naming the service, when one is unreachable.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
java="${JAVA_HOME:?JAVA_HOME must point at a JDK 25}/bin/java"
cd "$root"

"$java" -cp api/target/voting-api.jar dev.voting.api.app.Migrate --demo

pids=()
stop() {
  trap - INT TERM EXIT
  kill "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
}
trap stop INT TERM EXIT

"$java" ${API_JAVA_OPTS:-} -jar api/target/voting-api.jar &
pids+=($!)
"$java" ${WORKER_JAVA_OPTS:-} -jar worker/target/voting-worker.jar &
pids+=($!)

port="${API_PORT:-8000}"
for _ in $(seq 1 60); do
  if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then
    token="$("$java" -cp api/target/voting-api.jar dev.voting.api.auth.DevToken demo-voter 2>/dev/null)"
    # the newest open poll (the demo poll on a fresh database): its id comes first in the JSON, then its candidates'
    ids="$(curl -fsS "http://127.0.0.1:$port/api/v1/polls?status=open&limit=1" | grep -o '"id":[0-9]*' | cut -d: -f2 || true)"
    poll="$(sed -n 1p <<<"$ids")"; poll="${poll:-1}"
    candidate="$(sed -n 2p <<<"$ids")"; candidate="${candidate:-1}"
    cat <<TXT

  The voting system is up: http://127.0.0.1:$port  (Ctrl-C stops it)
  Ballot:  http://127.0.0.1:$port/vote/$poll#token=$token
           (votes as demo-voter; the token stays in the URL fragment, which is never sent to the server)
  Polls:   curl -s http://127.0.0.1:$port/api/v1/polls
  Vote:    curl -s -X POST http://127.0.0.1:$port/api/v1/polls/$poll/votes \\
             -H "Authorization: Bearer $token" \\
             -H 'Content-Type: application/json' -d '{"candidateId": $candidate}'
  Results: curl -s http://127.0.0.1:$port/api/v1/polls/$poll/results
  Metrics: curl -s http://127.0.0.1:${API_METRICS_PORT:-9101}/metrics   (the operator's port, not the API's)
  Tokens:  make token SUB=alice            (add ROLES=admin to create and close polls)

TXT
    break
  fi
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || { echo "a process failed to start (see above)" >&2; exit 1; }
  done
  sleep 1
done
wait -n "${pids[@]}"
