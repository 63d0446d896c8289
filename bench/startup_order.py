#!/usr/bin/env python3
"""Writes src/startup-order.txt: the functions a short client run executes, in the order they
first run, for the linker to place side by side (build.rs passes the file to LLD as
--symbol-ordering-file).

    python3 bench/startup_order.py

Why: the kernel maps a binary's code 64 KiB at a time around each page a run touches, so the
few hundred functions of a start (options, connect, one message, close), scattered over 4 MB
of code, made 3 MB of it resident; side by side they make about 1 MB. Run it again after a
change of dependencies (their symbols' names change with their versions): names the binary no
longer has are ignored by the linker, so a stale file only costs memory, never a build.

It builds the release binary, starts `wscope serve` on loopback, and runs `echo hi | wscope
--idle 0 URL` under valgrind's callgrind (needs valgrind) to list the functions executed.
"""
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.path.join(ROOT, "src", "startup-order.txt")
BIN = os.path.join(ROOT, "target", "release", "wscope")


def main():
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    server = subprocess.Popen([BIN, "serve", "-l", "127.0.0.1:0"], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    try:
        url = None
        for line in server.stdout:
            m = re.search(r"(ws://127\.0\.0\.1:\d+)", line)
            if m:
                url = m.group(1) + "/"
                break
        if url is None:
            sys.exit("wscope serve did not say where it listens")
        with tempfile.TemporaryDirectory() as tmp:
            profile = os.path.join(tmp, "callgrind.out")
            subprocess.run(["valgrind", "--tool=callgrind", "--demangle=no",
                            f"--callgrind-out-file={profile}", BIN, "--idle", "0", url],
                           input=b"hi\n", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           check=True)
            executed = first_runs(profile)
    finally:
        server.kill()
    ours = set(subprocess.run(["nm", "--defined-only", BIN], capture_output=True, text=True,
                              check=True).stdout.split())
    names = [n for n in executed if n in ours]
    with open(OUT, "w") as f:
        f.write("# The functions a short client run executes, in order (bench/startup_order.py).\n")
        f.writelines(n + "\n" for n in names)
    print(f"{OUT}: {len(names)} functions", file=sys.stderr)


def first_runs(profile):
    """The functions of a callgrind profile in the order they were first named."""
    names, seen = [], set()
    for line in open(profile):
        m = re.match(r"^c?fn=\(\d+\) (.+)$", line)
        if m and m.group(1) not in seen:
            seen.add(m.group(1))
            names.append(m.group(1))
    return names


if __name__ == "__main__":
    main()
