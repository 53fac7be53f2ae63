"""The load process of the customs benchmark: keep-alive HTTP/1.1 GETs on loopback from N
concurrent connections, a warm-up, then a fixed measured window. Always a separate process from
the server (and from the benchmark driver), so that the server is measured as a client sees it.

Two generators, the same output (one JSON object):

- ``wrk`` (Debian package ``wrk``, C, event loop, one thread) when it is installed: the
  preferred one, it leaves nearly all of a core to the server. Paths come from a file, taken in
  order (a Lua script, written next to the paths). Latency percentiles from wrk's histogram.
- This module, run as ``python -m bench.customs_load`` when wrk is missing: asyncio (uvloop
  when installed) over raw keep-alive sockets, minimal HTTP/1.1 parsing (status line and
  Content-Length). Heavier than wrk: on a small machine it takes more CPU from the server.

Both are closed loops (each connection sends its next request when the answer has come), so
the latency of the N connections together is N / throughput: p99 depends on N.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.stats import percentile

MARKER = "BENCH_JSON "
TOOLS = ("auto", "wrk", "python")
REPOSITORY = Path(__file__).resolve().parent.parent

# wrk: paths from args[1], one per line, taken in order (cycling); the report as one JSON line.
WRK_SCRIPT = r"""
local paths = {}
local count = 0
local index = 0

init = function(args)
  if args[1] then
    for line in io.lines(args[1]) do
      count = count + 1
      paths[count] = line
    end
  end
  index = tonumber(args[2] or "0") % math.max(count, 1)
end

request = function()
  if count == 0 then
    return wrk.request()
  end
  index = index % count + 1
  return wrk.format(nil, paths[index])
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_s": %.6f, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_ms": {"mean": %.3f, "p50": %.3f, "p90": %.3f, "p99": %.3f, "p999": %.3f, ' ..
    '"max": %.3f}}\n',
    summary.requests, summary.duration / 1e6, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean / 1000, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency:percentile(99.9) / 1000, latency.max / 1000))
end
"""


@dataclass(frozen=True)
class Load:
    """What to send: ``paths_file`` (one path per line, sent in order, cycling) or one fixed
    ``path``, from ``connections`` keep-alive connections."""

    base_url: str
    headers: dict[str, str]
    connections: int
    paths_file: Path | None = None
    path: str = "/"


def tool_name(choice: str) -> str:
    """The generator ``auto`` means here: wrk when installed, else this module."""
    if choice != "auto":
        if choice == "wrk" and shutil.which("wrk") is None:
            raise RuntimeError("wrk is not installed (Debian: apt-get install wrk)")
        return choice
    return "wrk" if shutil.which("wrk") else "python"


def tool_version(tool: str) -> str:
    if tool == "wrk":
        answer = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
        first = (answer.stdout or answer.stderr).splitlines()
        return first[0].split(" Copyright")[0].strip() if first else "wrk"
    return f"python {sys.version.split()[0]} asyncio (bench/customs_load.py)"


def generate(
    tool: str, load: Load, *, seconds: float, start: int, work_dir: Path
) -> dict[str, Any]:
    """One run of the load process for ``seconds``, starting at path number ``start``. Adds
    the requests per second and the CPU time (user + system) the load process used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = (
        _wrk(load, seconds, start, work_dir) if tool == "wrk" else _python(load, seconds, start)
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    result["load_cpu_seconds"] = round(cpu, 3)
    result["requests_per_second"] = round(result["requests"] / result["duration_s"], 1)
    return result


def _wrk(load: Load, seconds: float, start: int, work_dir: Path) -> dict[str, Any]:
    script = work_dir / "customs_load.lua"
    script.write_text(WRK_SCRIPT)
    url = load.base_url + (load.path if load.paths_file is None else "/")
    command = ["wrk", "-t1", f"-c{load.connections}", f"-d{seconds:g}s", "--timeout", "10s"]
    command += ["-s", str(script)]
    for name, value in load.headers.items():
        command += ["-H", f"{name}: {value}"]
    extra = [str(load.paths_file), str(start)] if load.paths_file is not None else []
    result = _parse(_call([*command, url, "--", *extra]))
    result["failed"] = sum(result["errors"].values())
    return result


def _python(load: Load, seconds: float, start: int) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.customs_load", load.base_url]
    command += [f"--connections={load.connections}", f"--seconds={seconds}", f"--start={start}"]
    command += ["--paths", str(load.paths_file)] if load.paths_file else ["--path", load.path]
    for name, value in load.headers.items():
        command += ["--header", f"{name}: {value}"]
    return _parse(_call(command))


def _call(command: Sequence[str]) -> str:
    answer = subprocess.run(
        list(command), capture_output=True, text=True, cwd=REPOSITORY, check=False, timeout=900
    )
    if answer.returncode != 0:
        raise RuntimeError(f"{command[0]} exited {answer.returncode}: {answer.stderr[-2000:]}")
    return answer.stdout


def _parse(output: str) -> dict[str, Any]:
    for line in output.splitlines():
        if line.startswith(MARKER):
            parsed: dict[str, Any] = json.loads(line[len(MARKER) :])
            return parsed
    raise RuntimeError(f"no result in the load generator's output: {output[-2000:]}")


# --- the Python generator (this module as a program) -----------------------------------------


@dataclass
class _Window:
    start: float
    end: float
    latencies: list[float]
    statuses: Counter[int]
    bytes: int = 0
    errors: int = 0


async def _connection(
    host: str, port: int, requests: list[bytes], first: int, window: _Window
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    index = first
    try:
        while True:
            start = time.perf_counter()
            if start >= window.end:
                return
            writer.write(requests[index % len(requests)])
            index += 1
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = _content_length(head)
            body = await reader.readexactly(length)
            end = time.perf_counter()
            if start >= window.start and end <= window.end:
                window.latencies.append(end - start)
                window.statuses[status] += 1
                window.bytes += len(head) + len(body)
                if status >= 400:
                    window.errors += 1
    finally:
        writer.close()


def _content_length(head: bytes) -> int:
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            return int(line[15:])
    raise RuntimeError(f"no Content-Length in {head[:300]!r}")


async def _drive(args: argparse.Namespace) -> dict[str, Any]:
    url = urlsplit(args.url)
    host, port = url.hostname or "127.0.0.1", url.port or 80
    paths = Path(args.paths).read_text().split() if args.paths else [args.path]
    headers = "".join(f"{h}\r\n" for h in args.header)
    requests = [
        f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n{headers}\r\n".encode() for path in paths
    ]
    now = time.perf_counter()
    window = _Window(now, now + args.seconds, [], Counter())
    share = max(1, len(requests) // args.connections)
    await asyncio.gather(
        *(
            _connection(host, port, requests, args.start + c * share, window)
            for c in range(args.connections)
        )
    )
    ms = sorted(x * 1000 for x in window.latencies)
    duration = window.end - window.start
    return {
        "requests": len(ms),
        "duration_s": round(duration, 6),
        "bytes": window.bytes,
        "errors": {"status": window.errors},
        "failed": window.errors,
        "statuses": {str(k): v for k, v in sorted(window.statuses.items())},
        "latency_ms": {
            "mean": round(sum(ms) / len(ms), 3) if ms else None,
            **{
                f"p{name}": round(percentile(ms, q), 3)
                for name, q in (("50", 50), ("90", 90), ("99", 99), ("999", 99.9))
            },
            "max": round(ms[-1], 3) if ms else None,
        },
    }


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.customs_load", description=__doc__)
    p.add_argument("url", help="the server's base URL, e.g. http://127.0.0.1:8000")
    p.add_argument("--connections", type=int, default=8)
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--start", type=int, default=0, help="the first path's index")
    p.add_argument("--paths", help="a file of paths, one per line, sent in order (cycling)")
    p.add_argument("--path", default="/", help="one path, when there is no --paths")
    p.add_argument("--header", action="append", default=[], help="'Name: value'")
    args = p.parse_args(argv)
    try:
        import uvloop
    except ImportError:
        result = asyncio.run(_drive(args))
    else:
        result = uvloop.run(_drive(args))
    sys.stdout.write(MARKER + json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
