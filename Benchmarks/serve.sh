#!/usr/bin/env bash
# `qlearn serve` figures, medians over N requests (default 50), with a release build:
#   lesson page   GET /lesson/LESSON over one keep-alive connection (render: cmark HTML, machine SVG)
#   echo          one key sent over the console WebSocket until the guest's echo of it comes back over it, with
#                 the guest idle at its shell prompt (booted under TCG with `qlearn start --detach`)
# Usage (repository root):  Benchmarks/serve.sh [lesson] [requests]    QLEARN_BIN=path times another qlearn binary
# The client is Python's standard library (a minimal WebSocket client below), on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
lesson=${1:-nvme-queues}
runs=${2:-50}
if [ -n "${QLEARN_BIN:-}" ]; then q=$QLEARN_BIN; else swift build -c release >/dev/null; q=.build/release/qlearn; fi
scratch=$(mktemp -d)
export QLEARN_RUNTIME_DIR=${QLEARN_RUNTIME_DIR:-$scratch/run} QLEARN_DATA_DIR=${QLEARN_DATA_DIR:-$scratch/data}
$q serve --port 0 >"$scratch/serve.out" 2>&1 &
serve=$!
trap '$q stop "$lesson" >/dev/null 2>&1 || true; kill $serve 2>/dev/null || true; rm -rf "$scratch"' EXIT
for _ in $(seq 100); do grep -q 'token=' "$scratch/serve.out" && break; sleep 0.1; done
url=$(grep -o 'http://[^ ]*token=[0-9a-f]*' "$scratch/serve.out")
$q start "$lesson" --detach --accel tcg >/dev/null 2>&1
python3 - "$url" "$lesson" "$runs" "$QLEARN_RUNTIME_DIR/sessions/$lesson/console.sock" <<'PY'
import base64, http.client, os, socket, statistics, struct, sys, time, urllib.parse

url, lesson, runs, console = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
parts = urllib.parse.urlsplit(url)
host, port = parts.hostname, parts.port
token = urllib.parse.parse_qs(parts.query)["token"][0]
cookie = "qlearn_token=" + token

def median(samples):
    return "%.2f ms (min %.2f, max %.2f, n=%d)" % (statistics.median(samples), min(samples), max(samples), len(samples))

connection = http.client.HTTPConnection(host, port, timeout=10)
times = []
for i in range(runs + 1):
    start = time.perf_counter()
    connection.request("GET", "/lesson/" + lesson, headers={"Cookie": cookie})
    response = connection.getresponse()
    body = response.read()
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status == 200, response.status
    if i > 0:  # the first request also loads the course
        times.append(elapsed)
print("lesson page (%d bytes):  %s" % (len(body), median(times)))

# For comparison, the same keystroke straight on the console socket, as `qlearn attach` sends it (no server between).
direct = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
direct.connect(console)
direct.settimeout(10)
def drain_direct(seconds):
    direct.settimeout(seconds)
    try:
        while direct.recv(65536):
            pass
    except socket.timeout:
        pass
    finally:
        direct.settimeout(10)
direct.sendall(b"\n")
drain_direct(2.0)
straight = []
for i in range(runs):
    start = time.perf_counter()
    direct.sendall(b"x")
    seen = b""
    while b"x" not in seen:
        seen += direct.recv(65536)
    straight.append((time.perf_counter() - start) * 1000)
    direct.sendall(b"\x7f")
    drain_direct(0.15)
direct.close()
print("keystroke echo on the console socket itself:     %s" % median(straight))

# A minimal WebSocket client (RFC 6455): handshake, masked binary frames out, frames in.
sock = socket.create_connection((host, port), timeout=10)
sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
key = base64.b64encode(os.urandom(16)).decode()
sock.sendall((
    "GET /ws/lesson/%s/console HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\nOrigin: http://%s:%d\r\nCookie: %s\r\n\r\n"
    % (lesson, host, port, key, host, port, cookie)).encode())
head = b""
while b"\r\n\r\n" not in head:
    head += sock.recv(1)
assert head.startswith(b"HTTP/1.1 101"), head

def read_exact(n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise EOFError("the server closed the WebSocket")
        data += chunk
    return data

def read_frame():
    first, second = read_exact(2)
    length = second & 0x7F
    if length == 126:
        length = struct.unpack(">H", read_exact(2))[0]
    elif length == 127:
        length = struct.unpack(">Q", read_exact(8))[0]
    return first & 0x0F, read_exact(length)

def send(data):
    mask = os.urandom(4)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
    sock.sendall(bytes([0x82, 0x80 | len(data)]) + mask + masked)

def drain(seconds):
    sock.settimeout(seconds)
    try:
        while True:
            read_frame()
    except socket.timeout:
        pass
    finally:
        sock.settimeout(10)

drain(2.0)  # the prompt and whatever the guest printed last
echoes = []
for i in range(runs):
    key = b"x"
    start = time.perf_counter()
    send(key)
    seen = b""
    while key not in seen:
        opcode, payload = read_frame()
        seen += payload
    echoes.append((time.perf_counter() - start) * 1000)
    send(b"\x7f")  # erase it again, so the shell's line stays empty
    drain(0.15)
print("keystroke echo over the WebSocket (idle guest):  %s" % median(echoes))
PY
