# A WebSocket client that never reads: a tiny receive buffer (set before connecting, so the TCP
# window stays small), the handshake, then nothing until told on stdin; then it reads everything
# the server sent and prints the close code it found (or "none"), the messages, and whether it ended.
import socket, struct, sys

port, path = int(sys.argv[1]), sys.argv[2]
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect(("127.0.0.1", port))
s.sendall((f"GET {path} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
           "Sec-WebSocket-Protocol: phzzk.chat.v1\r\n\r\n").encode())
head = b""
while b"\r\n\r\n" not in head:
    head += s.recv(1)
print("open" if b" 101 " in head else "refused", flush=True)
sys.stdin.readline()
data = b""
ended = "open"
s.settimeout(30)
try:
    while True:
        chunk = s.recv(65536)
        if not chunk:
            ended = "ended"
            break
        data += chunk
except ConnectionResetError:
    ended = "ended"
except Exception:
    pass
code = "none"
messages = 0
i = 0
while i + 2 <= len(data):
    opcode, length = data[i] & 0x0F, data[i + 1] & 0x7F
    i += 2
    if length == 126:
        length = struct.unpack(">H", data[i:i + 2])[0]; i += 2
    elif length == 127:
        length = struct.unpack(">Q", data[i:i + 8])[0]; i += 8
    if opcode == 1 and data[i:i + 16].startswith(b'{"type":"message'):
        messages += 1
    if opcode == 8 and length >= 2:
        code = str(struct.unpack(">H", data[i:i + 2])[0])
    i += length
print(code, messages, ended, flush=True)
