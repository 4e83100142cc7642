# Shared by the daemon benchmarks: a work folder cleaned up on exit with the processes started, a free
# port, the agent built, and the test clip (640×480 at 15 fps, empty for a second, a person for a second;
# SCENE=<a camera-trap picture's name> shows that picture instead of the person). KEEP_LOG=<file> keeps
# the agent's log there.
root=$(cd "$(dirname "$0")/.." && pwd)
shared="$root/../shared/testdata/camera-trap"
work=$(mktemp -d)
pids=()
cleanup() { [ -n "${KEEP_LOG:-}" ] && cp "$work/agent.log" "$KEEP_LOG"; for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

built=$(dotnet build "$root/src/EdgeAgent" -c Release -v quiet -nologo 2>&1) || { echo "$built" >&2; exit 1; }
agent="$root/src/EdgeAgent/bin/Release/net10.0/edge-agent"

# start_agent CONFIG [LOG-TEXT]: `edge-agent run` in the background ($agent_pid; its log in
# $work/agent.log), waiting for LOG-TEXT in its log when given. stop_agent: SIGTERM, and wait for it.
start_agent() {
  "$agent" run --config "$1" >"$work/agent.out" 2>"$work/agent.log" &
  agent_pid=$!
  pids+=("$agent_pid")
  while [ -n "${2:-}" ] && ! grep -qs "$2" "$work/agent.log"; do
    kill -0 "$agent_pid" 2>/dev/null || { cat "$work/agent.log" >&2; exit 1; }
    sleep 0.1
  done
}
stop_agent() { kill -TERM "$agent_pid"; wait "$agent_pid" || true; }

ffmpeg -loglevel error -loop 1 -t 1 -i "$shared/sn__blank2.jpg" -loop 1 -t 1 -i "$shared/${SCENE:-sn__human.jpg}" \
  -filter_complex "[0:v]scale=640:480,fps=15,format=yuv420p[a];[1:v]scale=640:480,fps=15,format=yuv420p[b];[a][b]concat=n=2:v=1[v]" \
  -map "[v]" -c:v libx264 -g 15 -preset veryfast "$work/clip.mp4"
