#!/usr/bin/env python
"""Run several processes together and stop them together: `make run` (web + one task worker) and
`make serve` (gunicorn + workers). Ctrl-C (or SIGTERM) stops all; if one exits, the others are stopped.

    scripts/supervise.py "cmd one" "cmd two" ...
"""
import shlex
import signal
import subprocess
import sys
import time


def main(commands: list[str]) -> int:
    procs = [subprocess.Popen(shlex.split(c), start_new_session=True) for c in commands]
    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    status = 0
    while not stopping:
        for p, c in zip(procs, commands):
            code = p.poll()
            if code is not None:
                print(f"[supervise] 进程已退出（{code}）：{c}", file=sys.stderr, flush=True)
                status = code or 1
                stopping = True
                break
        time.sleep(0.3)
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 15
    for p in procs:
        try:
            p.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
