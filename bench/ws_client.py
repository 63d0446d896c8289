#!/usr/bin/env python3
"""A pipe client built on Python `websockets` (sync API), for bench/run.py's compressed
workloads: every stdin line is sent as one text message (permessage-deflate offered, as the
library does by default), every reply is written to stdout with a newline, and the client
exits once as many replies as lines have arrived.

    python3 ws_client.py ws://127.0.0.1:9001/ < lines.txt
"""
import sys
import threading

from websockets.sync.client import connect


def main():
    lines = sys.stdin.buffer.read().split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    out = sys.stdout.buffer
    with connect(sys.argv[1], max_size=None, compression="deflate") as ws:
        def send_all():
            for line in lines:
                ws.send(line.decode())

        sender = threading.Thread(target=send_all)
        sender.start()
        for _ in lines:
            out.write(ws.recv().encode())
            out.write(b"\n")
        sender.join()
    out.flush()


if __name__ == "__main__":
    main()
