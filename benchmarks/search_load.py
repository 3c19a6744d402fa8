"""Concurrent load on ``/api/search``: N clients with a session cookie for S seconds, through the real app.

    .venv/bin/python benchmarks/search.py --count 1000000 --keep     # once: the corpus (prefix bench-search)
    .venv/bin/python benchmarks/search_load.py                       # 20 clients, 20 s

The app runs as its own process (uvicorn, ``--workers`` processes) against the kept benchmark index,
with a fresh state directory (users file, audit log). Each client logs in through the login form
(``/login``: the session cookie, CSRF token included, as a browser does), then sends the query mix of
``benchmarks/search.py`` to ``/api/search`` (passages view, the API's default; ``--view meetings`` for
the grouped view) back to back, with keep-alive. Prints requests/s, errors, p50/p95/p99 latency, and
checks that the audit log holds one durable line per search (the log group-commits: one fsync per
batch of concurrent requests, not one per request). Target: 0 errors, p95 <= 150 ms for 20 clients.

The requests are sent by a small compiled generator (``benchmarks/loadgen``, Go standard library only,
built on first use into ``.cache/loadgen``; ``--generator go``, the default when ``go`` is installed)
with the cookies the Python clients got from the login form: on these 2 shared cores it uses about a
fifth of the CPU per request of the Python generator (``--generator python``: httpx, one thread per
client), CPU that would otherwise be taken from the app and OpenSearch being measured.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.search import meetings, pct, query_mix
from visio_archive.auth import Role, user_entry_toml
from visio_archive.settings import Settings

PASSWORD = "load-test-password-2026"
LOADGEN_SOURCE = Path(__file__).resolve().parent / "loadgen"


def build_loadgen() -> Path:
    """The compiled generator, built (``go build``, seconds) when missing or older than its source."""
    target = Path(__file__).resolve().parent.parent / ".cache" / "loadgen" / "loadgen"
    newest = max(f.stat().st_mtime for f in LOADGEN_SOURCE.iterdir())
    if not target.exists() or target.stat().st_mtime < newest:
        target.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["go", "build", "-o", str(target), "."], cwd=LOADGEN_SOURCE, check=True,
                       env={**os.environ, "CGO_ENABLED": "0", "GOFLAGS": "-mod=mod", "GOTOOLCHAIN": "local"})
    return target


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _params(req: Any, view: str) -> dict[str, str]:
    out = {"q": req.q, "view": view}
    for key, name in (("date_from", "from"), ("date_to", "to"), ("language", "language"), ("series", "series"),
                      ("sort", "sort")):
        value = getattr(req, key)
        if value:
            out[name] = str(value)
    if req.participant:
        out["participant"] = req.participant
    if req.page > 1:
        out["page"] = str(req.page)
    return out


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its children (uvicorn workers), from /proc."""
    total = 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    pids = [pid]
    with contextlib.suppress(OSError):
        pids += [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    for one in pids:
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def _opensearch_cpu_seconds(url: str) -> float | None:
    """CPU seconds used so far by the OpenSearch node(s) at ``url`` (node stats), or None."""
    import httpx

    try:
        nodes = httpx.get(f"{url.rstrip('/')}/_nodes/stats/process", timeout=10).json()["nodes"]
    except (httpx.HTTPError, KeyError, ValueError):
        return None
    return sum(n["process"]["cpu"]["total_in_millis"] for n in nodes.values()) / 1000


def _request_cache(url: str, prefix: str) -> tuple[int, int] | None:
    """(hits, misses) of OpenSearch's shard request cache on the ``prefix`` indices so far, or None."""
    import httpx

    try:
        total = httpx.get(f"{url.rstrip('/')}/{prefix}-*/_stats/request_cache", timeout=10).json()["_all"]["total"]
    except (httpx.HTTPError, KeyError, ValueError):
        return None
    return int(total["request_cache"]["hit_count"]), int(total["request_cache"]["miss_count"])


def login(client: Any, base: str, username: str) -> None:
    """The login form, as a browser fills it; waits and retries when the login throttle says so."""
    deadline = time.time() + 120
    while True:
        page = client.get(f"{base}/login")
        page.raise_for_status()
        token = re.search(r'name="csrf" value="([^"]*)"', page.text)
        form = {"username": username, "password": PASSWORD, "next": "/"}
        if token:
            form["csrf"] = token.group(1)
        answer = client.post(f"{base}/login", data=form, headers={"Origin": base}, follow_redirects=False)
        if answer.status_code == 303 and "visio_session" in client.cookies:
            return
        if answer.status_code in (429, 503) and time.time() < deadline:
            time.sleep(float(answer.headers.get("retry-after") or 2))
            continue
        raise SystemExit(f"login failed for {username}: HTTP {answer.status_code} {answer.text[:200]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--prefix", default="bench-search", help="index prefix kept by benchmarks/search.py --keep")
    parser.add_argument("--meetings", type=int, default=2_000, help="as given to benchmarks/search.py")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes (default 1)")
    parser.add_argument("--view", choices=["passages", "meetings"], default="passages")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--generator", choices=["go", "python"], default="go" if shutil.which("go") else "python",
                        help="what sends the requests once logged in: the compiled generator (benchmarks/loadgen, "
                             "default when go is installed) or Python threads with httpx")
    parser.add_argument("--dump", type=Path, help="write every answered request (parameters, latency in ms) "
                        "to this JSON file, for a look at which queries make the tail")
    parser.add_argument("--no-request-cache", action="store_true",
                        help="the app asks OpenSearch not to use its shard request cache "
                             "(VISIO_SEARCH_REQUEST_CACHE=false): every search computed afresh")
    args = parser.parse_args(argv)

    import random

    import httpx

    state = Path(tempfile.mkdtemp(prefix="search-load-"))
    users = state / "users.toml"
    users.write_text("".join(user_entry_toml(f"load{i}", Role.VIEWER, PASSWORD, None) + "\n"
                             for i in range(args.clients)))
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "VISIO_INDEX_PREFIX": args.prefix, "VISIO_STATE_DIR": str(state),
           "VISIO_USERS_FILE": str(users), "VISIO_SESSION_SECRET": "s" * 48, "VISIO_PUBLIC_URL": base,
           "VISIO_SEARCH_REQUEST_CACHE": "false" if args.no_request_cache else "true"}
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "search_ui.app:create_app", "--host", "127.0.0.1",
         "--port", str(port), "--workers", str(args.workers), "--log-level", "warning", "--no-access-log"],
        env=env, cwd=Path(__file__).resolve().parent.parent,
    )
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if httpx.get(f"{base}/login", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        else:
            raise SystemExit("the app did not start")
        rng = random.Random(args.seed)
        # 1,000 requests of the mix per client, each client starting on its own stretch: no client replays
        # what another sent a moment earlier (the request cache would answer it), only the repeats of the
        # mix itself (popular words) remain; their number is printed.
        requests = [_params(r, args.view) for r in query_mix(1_000 * args.clients, meetings(args.meetings, rng))]
        clients = []
        for i in range(args.clients):
            client = httpx.Client(timeout=30, limits=httpx.Limits(max_keepalive_connections=1))
            login(client, base, f"load{i}")
            clients.append(client)
        print(f"{args.clients} clients logged in (session cookies); {args.seconds:.0f} s of /api/search "
              f"(view={args.view}, prefix {args.prefix}, {args.workers} worker(s), {args.generator} generator, "
              f"request cache "
              f"{'off' if args.no_request_cache else 'on'}); "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", flush=True)
        latencies: list[list[float]] = [[] for _ in clients]
        errors: list[list[str]] = [[] for _ in clients]
        sent: list[list[int]] = [[] for _ in clients]  # positions in the mix, to count distinct requests

        def run(n: int, stop: float) -> None:
            position = n * (len(requests) // len(clients))
            while time.perf_counter() < stop:
                params = requests[position % len(requests)]
                sent[n].append(position % len(requests))
                position += 1
                t0 = time.perf_counter()
                try:
                    response = clients[n].get(f"{base}/api/search", params=params)
                    ok = response.status_code == 200
                    if not ok:
                        errors[n].append(f"HTTP {response.status_code}: {response.text[:120]}")
                except httpx.HTTPError as exc:
                    errors[n].append(type(exc).__name__)
                    ok = False
                if ok:
                    latencies[n].append((time.perf_counter() - t0) * 1000)

        import resource
        from urllib.parse import urlencode

        loadgen_files: tuple[Path, Path] | None = None
        if args.generator == "go":
            loadgen = build_loadgen()
            cookie_file, path_file = state / "loadgen-cookies.txt", state / "loadgen-requests.txt"
            cookie_file.write_text("".join(
                "; ".join(f"{k}={v}" for k, v in client.cookies.items()) + "\n" for client in clients))
            path_file.write_text("".join(f"/api/search?{urlencode(r)}\n" for r in requests))
            loadgen_files = (cookie_file, path_file)

        def usage() -> float:
            own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
            return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime

        opensearch_url = Settings().opensearch_url.split(",")[0].strip()
        # Each run starts with OpenSearch's request cache empty (a previous run of the same mix would
        # otherwise have filled it); the repeats within the run are counted below.
        httpx.post(f"{opensearch_url}/{args.prefix}-*/_cache/clear", params={"request": "true"}, timeout=30)
        cache0 = _request_cache(opensearch_url, args.prefix)
        search_cpu0 = _opensearch_cpu_seconds(opensearch_url)
        # The generator's CPU: this process (Python) or the loadgen child, reaped before the second reading
        # (the app, also a child, is reaped only at the end).
        app_cpu0, client_cpu0 = _cpu_seconds(server.pid), usage()
        started = time.perf_counter()
        if loadgen_files is not None:
            answer = subprocess.run([str(loadgen), "-base", base, "-cookies", str(loadgen_files[0]),
                                     "-requests", str(loadgen_files[1]), "-seconds", str(args.seconds)],
                                    check=True, capture_output=True, text=True).stdout
            for n, per in enumerate(json.loads(answer)):
                latencies[n] = per["latencies_ms"] or []
                errors[n] = per["errors"] or []
                sent[n] = per["sent"] or []
        else:
            stop = time.perf_counter() + args.seconds
            threads = [threading.Thread(target=run, args=(n, stop)) for n in range(len(clients))]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        elapsed = time.perf_counter() - started
        app_cpu = _cpu_seconds(server.pid) - app_cpu0
        search_cpu1 = _opensearch_cpu_seconds(opensearch_url)
        cache1 = _request_cache(opensearch_url, args.prefix)
        client_cpu = usage() - client_cpu0
        done = [x for per in latencies for x in per]
        failed = [x for per in errors for x in per]
        total = len(done) + len(failed)
        print(f"requests: {total:,} in {elapsed:.1f} s = {total / elapsed:,.0f}/s; "
              f"errors: {len(failed)}" + (f" (first: {failed[0]})" if failed else ""))
        if done:
            print(f"latency  p50 {pct(done, 50):6.1f} ms   p95 {pct(done, 95):6.1f} ms   p99 {pct(done, 99):6.1f} ms   "
                  f"mean {statistics.mean(done):6.1f} ms   max {max(done):6.1f} ms")
        answered = max(1, len(done) + len(failed))
        search_cpu = (f", OpenSearch {(search_cpu1 - search_cpu0) / answered * 1000:.1f} ms (node stats; the whole "
                      f"node, other users' requests included)"
                      if search_cpu0 is not None and search_cpu1 is not None else "")
        print(f"CPU per request: app {app_cpu / answered * 1000:.1f} ms (uvicorn process tree), "
              f"load generator {client_cpu / answered * 1000:.1f} ms ({args.generator}, on the same cores)"
              + search_cpu)
        if args.dump:  # a client's latencies line up with what it sent when none of its requests failed
            args.dump.write_text(json.dumps([{"params": requests[x], "ms": ms} for n in range(len(clients))
                                             if not errors[n] for x, ms in zip(sent[n], latencies[n], strict=False)]))
        positions = [x for per in sent for x in per]
        distinct = len({tuple(sorted(requests[x].items())) for x in positions})
        line = f"query mix: {distinct:,} distinct requests among the {len(positions):,} sent"
        if cache0 is not None and cache1 is not None:
            hits, misses = cache1[0] - cache0[0], cache1[1] - cache0[1]
            line += (f"; OpenSearch request cache during the run: {hits:,} hits, {misses:,} misses "
                     "(shard-level: a passages search is 2 lookups, page and summary)")
        print(line)
        audit = state / "audit.log"
        lines = audit.read_text().splitlines() if audit.exists() else []
        searches = sum(1 for line in lines if '"action":"search"' in line)
        print(f"audit log: {searches:,} search lines for {len(done):,} answered searches "
              f"({'every one durable' if searches >= len(done) else 'MISSING LINES'})")
        p95 = pct(done, 95) if done else float("inf")
        print(f"targets: 0 errors and p95 <= 150 ms: {'met' if not failed and p95 <= 150 else 'NOT met'}")
        for client in clients:
            client.close()
        return 0
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    raise SystemExit(main())
