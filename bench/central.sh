# Sourced by the benchmarks that ship records (after common.sh): a central PostgreSQL with PostGIS in
# a cluster of its own under $work, TLS with a self-signed certificate for localhost, password login,
# started as the postgres user when run as root. start_central sets $central_port, $central_address
# (postgresql://…, verify-full) and exports PGPASSWORD; relay PORT FILE counts the bytes that cross
# a TCP relay on a free port ($relay_port) to PORT, writing "up down" to FILE as they pass.
start_central() {
  local bin; bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  local as=(); [ "$(id -u)" = 0 ] && as=(runuser -u postgres --)
  mkdir -p "$work/central"
  export PGPASSWORD; PGPASSWORD=$(python3 -c 'import secrets; print(secrets.token_hex(12))')
  echo "$PGPASSWORD" >"$work/central/password"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/central/server.key" -out "$work/central/server.crt" -subj /CN=localhost \
    -days 2 -addext subjectAltName=DNS:localhost,IP:127.0.0.1 2>/dev/null
  chmod 600 "$work/central/server.key"; chmod 755 "$work"
  [ "$(id -u)" = 0 ] && chown -R postgres: "$work/central"
  "${as[@]}" "$bin/initdb" -D "$work/central/data" -U central --pwfile="$work/central/password" --auth=scram-sha-256 -E UTF8 --no-sync >/dev/null
  central_port=$(free_port)
  "${as[@]}" "$bin/postgres" -D "$work/central/data" -p "$central_port" -c listen_addresses=localhost -c unix_socket_directories="$work/central" \
    -c ssl=on -c ssl_cert_file="$work/central/server.crt" -c ssl_key_file="$work/central/server.key" >"$work/central.log" 2>&1 &
  pids+=($!)
  until "$bin/pg_isready" -q -h localhost -p "$central_port"; do sleep 0.2; done
  central_address="postgresql://central@localhost:$central_port/postgres?sslmode=verify-full&sslrootcert=$work/central/server.crt"
}

relay() {
  relay_port=$(free_port)
  python3 - "$relay_port" "$1" "$2" <<'PY' &
import socket, sys, threading
listen, target, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
counts = [0, 0]; lock = threading.Lock()
def pipe(a, b, i):
    try:
        while data := a.recv(65536):
            b.sendall(data)
            with lock:
                counts[i] += len(data)
                open(out, "w").write(f"{counts[0]} {counts[1]}\n")
    except OSError:
        pass  # the other side closed first
    b.close()
server = socket.create_server(("127.0.0.1", listen))
while True:
    client, _ = server.accept()
    upstream = socket.create_connection(("127.0.0.1", target))
    threading.Thread(target=pipe, args=(client, upstream, 0), daemon=True).start()
    threading.Thread(target=pipe, args=(upstream, client, 1), daemon=True).start()
PY
  pids+=($!)
  until python3 -c "import socket; socket.create_connection(('127.0.0.1', $relay_port)).close()" 2>/dev/null; do sleep 0.1; done
}
