#!/usr/bin/env bash
# Starts a local registry (127.0.0.1:5000, or the next free port) with its own config and data under
# .state/, seeds it with the article's repositories and extras, and opens regsweep on it.
# `scripts/demo.sh stop` stops the registry.
set -euo pipefail
cd "$(dirname "$0")/.."
state="${STATE:-$PWD/.state}/demo-registry"
bin="$(swift build --show-bin-path)/regsweep"
mkdir -p "$state/data"

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if [ "${1:-}" = "stop" ]; then
  [ -f "$state/pid" ] && kill "$(cat "$state/pid")" 2>/dev/null && echo "Stopped the demo registry."
  rm -f "$state/pid" "$state/port"
  exit 0
fi

port=""
if [ -f "$state/pid" ] && kill -0 "$(cat "$state/pid")" 2>/dev/null && [ -f "$state/port" ]; then
  port="$(cat "$state/port")"
  echo "Demo registry already running on 127.0.0.1:$port"
else
  for candidate in $(seq 5000 5020); do
    if ! listening "$candidate"; then port="$candidate"; break; fi
  done
  [ -n "$port" ] || { echo "No free port between 5000 and 5020." >&2; exit 1; }
  cat > "$state/config.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $state/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
YAML
  nohup docker-registry serve "$state/config.yml" > "$state/registry.log" 2>&1 &
  echo $! > "$state/pid"
  echo "$port" > "$state/port"
  for _ in $(seq 1 50); do listening "$port" && break; sleep 0.1; done
  listening "$port" || { echo "The registry did not start; see $state/registry.log" >&2; exit 1; }
  echo "Started docker-registry on 127.0.0.1:$port (data in $state/data, stop with: scripts/demo.sh stop)"
fi

"$bin" dev seed -r "127.0.0.1:$port"
echo
echo "Repositories:"
"$bin" repository list -r "127.0.0.1:$port"
echo
"$bin" tag list -r "127.0.0.1:$port" --repository my-app
if [ -t 0 ] && [ -t 1 ] && "$bin" help browse >/dev/null 2>&1; then
  exec "$bin" browse -r "127.0.0.1:$port"
fi
