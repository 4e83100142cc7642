# Shared by the daemon benchmarks: a work folder cleaned up on exit with the processes started, a free
# port, the agent built, and the test clip (640×480 at 15 fps, empty for a second, a person for a second).
root=$(cd "$(dirname "$0")/.." && pwd)
shared="$root/../shared/testdata/camera-trap"
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

dotnet build "$root/src/EdgeAgent" -c Release -v quiet -nologo >/dev/null
agent="$root/src/EdgeAgent/bin/Release/net10.0/edge-agent"

ffmpeg -loglevel error -loop 1 -t 1 -i "$shared/sn__blank2.jpg" -loop 1 -t 1 -i "$shared/sn__human.jpg" \
  -filter_complex "[0:v]scale=640:480,fps=15,format=yuv420p[a];[1:v]scale=640:480,fps=15,format=yuv420p[b];[a][b]concat=n=2:v=1[v]" \
  -map "[v]" -c:v libx264 -g 15 -preset veryfast "$work/clip.mp4"
