"""Login flood benchmark: does guessing passwords slow down a logged-in colleague's searches?

    .venv/bin/python benchmarks/login_flood.py                 # defaults: 200 searches per phase, 4 attackers
    .venv/bin/python benchmarks/login_flood.py --searches 100 --attackers 8

Runs the real web app (``visio-archive ui`` in its own process, against the running OpenSearch and
S3: ``visio-archive services up``) with a users file of two accounts, loads a small corpus into its
own index prefix (``bench-login``, deleted at the end), signs one user in through the login form, and:

1. 30 wrong passwords in a row for the other account (sequential): how many were answered 401
   (checked), 429 (refused at once, throttled) or 503;
2. idle: the signed-in user's searches alone (``--searches`` requests) -> p50/p95;
3. flood: the same searches while ``--attackers`` processes send wrong passwords as fast as they can
   (half through the login form, half through HTTP Basic, on the victim account and on made-up
   accounts) -> p50/p95, attempts per second and how they were answered;
4. the audit log: every failed attempt of every phase has its ``login_failed`` entry.

Prints one JSON object; exits 1 when the flood p95 is above 2x the idle p95, a wrong password was
accepted, or an attempt is missing from the audit log.
"""

from __future__ import annotations

import argparse
import base64
import json
import multiprocessing
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx

from visio_archive.auth import Role, user_entry_toml
from visio_archive.models import RedactedSegment, RedactedTranscript, Speaker, Word
from visio_archive.offline import offline_environment
from visio_archive.settings import Settings

PASSWORD = "bon mot de passe 2026"
WORDS = ["budget", "rectificatif", "plan", "de", "formation", "recrutement", "télétravail", "marché", "public",
         "schéma", "directeur", "feuille", "route", "cybersécurité", "dialogue", "social", "rapport", "annuel",
         "audit", "interne", "archivage", "calendrier", "ordre", "du", "jour", "mutualisation", "subventions",
         "effectifs", "transition", "écologique"]
QUERIES = ["budget", "plan de formation", "télétravail OR recrutement", '"feuille de route"', "audit -interne",
           "cybersécurité", "archivage calendrier", "subventions"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _corpus(settings: Settings, meetings: int, segments: int) -> None:
    from visio_archive import index as index_mod
    from visio_archive.documents import build_documents

    rng = random.Random(7)
    client = index_mod.client_from_settings(settings)
    index_mod.ensure_indices(client, settings.index_prefix)
    start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    for m in range(meetings):
        speakers = [Speaker(label=f"SPEAKER_{i:02d}", name=n, participant_id=f"p{i}", source="metadata")
                    for i, n in enumerate(("Alice Martin", "Bernard Petit", "Claire Roux"))]
        segs = []
        for i in range(segments):
            text = " ".join(rng.choice(WORDS) for _ in range(12))
            t0 = i * 5.0
            words = [Word(word=w, start=t0 + k * 0.4, end=t0 + k * 0.4 + 0.35) for k, w in enumerate(text.split())]
            segs.append(RedactedSegment(index=i, start=t0, end=t0 + 4.8, speaker=speakers[i % 3].label, text=text,
                                        words=words))
        transcript = RedactedTranscript(meeting_id=f"bench-login-{m}", language="fr", duration=segments * 5.0,
                                        started_at=start + timedelta(days=m), title=f"Réunion de service {m}",
                                        speakers=speakers, segments=segs)
        meeting_doc, segment_docs = build_documents(transcript, series="rs")
        index_mod.index_meeting(client, settings.index_prefix, meeting_doc, segment_docs, refresh=m == meetings - 1)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _searches(client: httpx.Client, base: str, n: int) -> list[float]:
    out = []
    for i in range(n):
        t0 = time.perf_counter()
        response = client.get(f"{base}/api/search", params={"q": QUERIES[i % len(QUERIES)]})
        out.append((time.perf_counter() - t0) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"search failed: {response.status_code} {response.text[:200]}")
    return out


def _login_form(client: httpx.Client, base: str, username: str, password: str) -> httpx.Response:
    page = client.get(f"{base}/login")
    match = re.search(r'name="csrf" value="([^"]+)"', page.text)
    csrf = match.group(1) if match else ""
    return client.post(f"{base}/login", data={"username": username, "password": password, "next": "/", "csrf": csrf})


def attacker(base: str, n: int, stop: Any, results: Any) -> None:
    """Wrong passwords as fast as one client can send them: odd attackers by HTTP Basic, even ones
    through the login form; half on the victim account, half on made-up accounts."""
    client = httpx.Client(timeout=30, follow_redirects=False)
    rng = random.Random(n)
    counts: dict[str, int] = {}
    i = 0
    while not stop.is_set():
        i += 1
        name = "victime" if i % 2 else f"inconnu-{rng.randrange(10**6)}"
        if n % 2:
            token = base64.b64encode(f"{name}:faux-{i}".encode()).decode()
            status = client.get(f"{base}/api/me", headers={"Authorization": f"Basic {token}"}).status_code
            kind = "basic"
        else:
            status = _login_form(client, base, name, f"faux-{i}").status_code
            kind = "form"
        counts[f"{kind}:{status}"] = counts.get(f"{kind}:{status}", 0) + 1
    results.put(counts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--searches", type=int, default=200, help="searches per phase (default 200)")
    parser.add_argument("--attackers", type=int, default=4, help="processes sending wrong passwords (default 4)")
    parser.add_argument("--meetings", type=int, default=30)
    parser.add_argument("--segments", type=int, default=60, help="segments per meeting")
    args = parser.parse_args()

    base_settings = Settings()
    state = Path(tempfile.mkdtemp(prefix="login-flood-"))
    settings = base_settings.model_copy(update={"state_dir": state, "index_prefix": "bench-login"})
    users = state / "users.toml"
    users.write_text(user_entry_toml("agent", Role.VIEWER, PASSWORD, None, "Agent connecté")
                     + user_entry_toml("victime", Role.RECORDS_OFFICER, PASSWORD, None, "Compte attaqué"))
    _corpus(settings, args.meetings, args.segments)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**offline_environment(), "VISIO_STATE_DIR": str(state), "VISIO_INDEX_PREFIX": "bench-login",
           "VISIO_USERS_FILE": str(users), "VISIO_PUBLIC_URL": base, "VISIO_OIDC_ISSUER": ""}
    exe = Path(sys.executable).with_name("visio-archive")
    server = subprocess.Popen([str(exe), "ui", "--host", "127.0.0.1", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    result: dict[str, Any] = {"machine_load_1min_before": os.getloadavg()[0], "cores": os.cpu_count()}
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                httpx.get(f"{base}/login", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.3)
        user = httpx.Client(timeout=30, follow_redirects=False)
        assert _login_form(user, base, "agent", PASSWORD).status_code == 303, "the agent could not sign in"
        _searches(user, base, 20)  # warm-up

        # 1. 30 wrong passwords in a row for one account
        seq = httpx.Client(timeout=30, follow_redirects=False)
        statuses = [_login_form(seq, base, "victime", f"faux-{i}").status_code for i in range(30)]
        result["thirty_in_a_row"] = {str(s): statuses.count(s) for s in sorted(set(statuses))}
        time_right = _login_form(seq, base, "victime", PASSWORD).status_code
        result["right_password_just_after"] = time_right  # 429: still throttled (no permanent lock: it expires)

        # 2. idle
        idle = _searches(user, base, args.searches)

        # 3. flood: attackers in their own processes (as they would be on other machines: no shared GIL
        # with the measuring client), for as long as the signed-in user's searches take
        ctx = multiprocessing.get_context("spawn")
        stop = ctx.Event()
        results: Any = ctx.Queue()
        procs = [ctx.Process(target=attacker, args=(base, n, stop, results), daemon=True)
                 for n in range(args.attackers)]
        t0 = time.perf_counter()
        for proc in procs:
            proc.start()
        time.sleep(3.0)  # let them start and reach full speed
        flood = _searches(user, base, args.searches)
        stop.set()
        elapsed = time.perf_counter() - t0
        counts: dict[str, int] = {}
        for _ in procs:
            for key, value in results.get(timeout=60).items():
                counts[key] = counts.get(key, 0) + value
        for proc in procs:
            proc.join(30)
        attempts = sum(counts.values())
        accepted = sum(v for k, v in counts.items() if k.endswith(":200") or k.endswith(":303"))
        result.update({
            "idle_ms": {"p50": round(statistics.median(idle), 1), "p95": round(_pct(idle, 0.95), 1)},
            "flood_ms": {"p50": round(statistics.median(flood), 1), "p95": round(_pct(flood, 0.95), 1)},
            "flood_attempts": attempts, "flood_attempts_per_s": round(attempts / elapsed, 1),
            "flood_answers": dict(sorted(counts.items())), "wrong_passwords_accepted": accepted,
        })
        result["p95_ratio"] = round(result["flood_ms"]["p95"] / max(result["idle_ms"]["p95"], 0.1), 2)

        # 4. audit
        time.sleep(0.5)
        from visio_archive.audit import AuditLog

        failed = [e for e in AuditLog.in_state_dir(state).entries() if e.action == "login_failed"]
        expected = 30 + 1 + attempts  # in a row, the right one while throttled, the flood
        result["audit_login_failed"] = len(failed)
        result["audit_expected_at_least"] = expected
        result["audit_kinds"] = {k: sum(1 for e in failed if e.details.get("kind") == k)
                                 for k in sorted({str(e.details.get("kind")) for e in failed})}
    finally:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
        from visio_archive import index as index_mod

        index_mod.delete_prefix(index_mod.client_from_settings(settings), "bench-login")
    ok = (result["p95_ratio"] <= 2.0 and result["wrong_passwords_accepted"] == 0
          and result["audit_login_failed"] >= result["audit_expected_at_least"]
          and result["thirty_in_a_row"].get("401", 0) < 30)
    result["ok"] = ok
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
