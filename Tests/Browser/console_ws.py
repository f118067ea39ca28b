#!/usr/bin/env python3
"""Attaches to a lesson's console over `qlearn serve`'s WebSocket, as the page does, and prints what the guest
printed during SECONDS seconds. Usage: console_ws.py URL LESSON SECONDS [KEYS]. Python's standard library only."""
import base64, os, socket, struct, sys, time, urllib.parse

url, lesson, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
keys = sys.argv[4].encode() if len(sys.argv) > 4 else b""
parts = urllib.parse.urlsplit(url)
host, port = parts.hostname, parts.port
token = urllib.parse.parse_qs(parts.query)["token"][0]
sock = socket.create_connection((host, port), timeout=10)
sock.sendall((
    "GET /ws/lesson/%s/console HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\nOrigin: http://%s:%d\r\nCookie: qlearn_token=%s\r\n\r\n"
    % (lesson, host, port, base64.b64encode(os.urandom(16)).decode(), host, port, token)).encode())
head = b""
while b"\r\n\r\n" not in head:
    head += sock.recv(1)
assert head.startswith(b"HTTP/1.1 101"), head
print("attached", flush=True)
if keys:
    mask = os.urandom(4)
    sock.sendall(bytes([0x82, 0x80 | len(keys)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(keys)))
received = b""
end = time.monotonic() + seconds
while time.monotonic() < end:
    sock.settimeout(max(0.05, end - time.monotonic()))
    try:
        chunk = sock.recv(65536)
    except socket.timeout:
        break
    if not chunk:
        break
    received += chunk
# The server's frames are unmasked: a header (opcode, then a 7-bit, 16-bit or 64-bit length), then the payload. Keep
# the payloads only, so text the guest printed a byte per frame reads as the text it is.
payload = b""
at = 0
while at + 2 <= len(received):
    length = received[at + 1] & 0x7F
    at += 2
    if length == 126:
        length = int.from_bytes(received[at:at + 2], "big")
        at += 2
    elif length == 127:
        length = int.from_bytes(received[at:at + 8], "big")
        at += 8
    payload += received[at:at + length]
    at += length
sys.stdout.write(payload.decode("utf-8", "replace"))
