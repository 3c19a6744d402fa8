"""Search benchmark: bulk-index a synthetic French meeting corpus, then time mixed queries.

    .venv/bin/python benchmarks/search.py                      # 1,000,000 segments, ~2,000 meetings
    .venv/bin/python benchmarks/search.py --count 50000 --keep  # smaller, keep the indices afterwards
    .venv/bin/python benchmarks/search.py --reuse               # skip loading, query the kept indices

Prints the bulk-indexing throughput (segments/s) and the p50/p95/p99 latency of ``--queries``
mixed queries (terms, phrases, OR, NOT, typos; filters on dates, participants, language; sort by
relevance or date), each with highlights and facets, exactly as the search pages build them
(``visio_archive.search.search``, timed end to end): grouped by meeting (the page's default: field
collapsing on ``meeting_id`` with a meeting count, then one request for the best 3 passages of each
meeting of the page) and as passages (the API's default). Targets: >= 5,000 segments/s and p95 <= 50 ms
on 2 cores, at 1,000,000 segments and (``--count 10000000``, with the heap docs/search-ui.md
recommends) at 10,000,000.

The corpus goes to its own index prefix (``--prefix``, default ``bench-search``) and is deleted at
the end unless ``--keep``. During the load the segment index has ``refresh_interval: -1`` and no
replicas; both are restored afterwards.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from visio_archive import index as index_mod
from visio_archive.models import segment_doc_id
from visio_archive.search import SearchRequest, search, segments_alias
from visio_archive.settings import Settings

# ---------------------------------------------------------------- a French meeting vocabulary

SERIES = [
    ("copil", "Comité de pilotage"), ("ca", "Conseil d'administration"), ("codir", "Comité de direction"),
    ("cfin", "Commission des finances"), ("cse", "Comité social d'administration"),
    ("rs", "Réunion de service"), ("cnum", "Comité du numérique"), ("crh", "Commission ressources humaines"),
    ("cmp", "Commission des marchés publics"), ("ct", "Comité territorial"),
]
TOPICS = [
    "budget", "budget rectificatif", "plan de formation", "recrutement", "télétravail", "marché public",
    "appel d'offres", "schéma directeur", "feuille de route", "transformation numérique", "cybersécurité",
    "élections professionnelles", "dialogue social", "rapport annuel", "audit interne", "contrôle de gestion",
    "plan de continuité", "accessibilité", "logement social", "transition écologique", "sobriété énergétique",
    "politique de la ville", "subventions", "dotation globale", "effectifs", "réorganisation des services",
    "protection des données", "archivage", "déménagement", "calendrier", "procès-verbal", "ordre du jour",
    "indicateurs de performance", "mutualisation", "simplification administrative", "relation usagers",
]
SUBJECTS = ["Nous", "La direction", "Le service", "Le comité", "L'équipe projet", "Le bureau", "La commission",
            "Le secrétariat général", "Le préfet", "La mission", "Le groupe de travail", "Chacun"]
VERBS = ["proposons de reporter", "souhaite valider", "doit examiner", "a présenté", "va présenter",
         "demande un point sur", "recommande d'accélérer", "a validé", "prépare", "suit de près",
         "propose de réviser", "rappelle l'importance de", "attend un retour sur", "a finalisé",
         "s'interroge sur", "valide à l'unanimité"]
COMPLEMENTS = ["avant la fin du trimestre", "pour l'année prochaine", "lors de la prochaine séance",
               "en lien avec les partenaires", "sous réserve de l'arbitrage budgétaire", "dans les meilleurs délais",
               "conformément au règlement intérieur", "avec les organisations syndicales", "d'ici le mois prochain",
               "après consultation des agents", "au niveau régional", "dans le cadre du plan national"]
FILLERS = ["Merci à tous.", "Je vous propose de passer au point suivant.", "Y a-t-il des questions ?",
           "C'est noté.", "Tout à fait d'accord.", "Je donne la parole à la salle.",
           "Nous reviendrons vers vous par écrit.", "Le compte rendu sera diffusé demain.",
           "Je crois qu'il faut être prudent sur ce point.", "Les chiffres sont en hausse de cinq pour cent."]
FIRST = ["Alice", "Bernard", "Claire", "David", "Émilie", "François", "Gaëlle", "Hugo", "Inès", "Julien",
         "Karima", "Louis", "Manon", "Nicolas", "Océane", "Paul", "Quentin", "Rachida", "Sophie", "Thomas",
         "Ulysse", "Valérie", "William", "Yasmine", "Zoé"]
LAST = ["Martin", "Bernard", "Petit", "Durand", "Leroy", "Moreau", "Simon", "Laurent", "Lefebvre", "Michel",
        "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard"]
EN_SENTENCES = ["The steering committee reviews the digital roadmap.", "We need a decision on the budget.",
                "The migration schedule slips by two weeks.", "Let us move to the next item on the agenda."]


def sentence(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.15:
        return rng.choice(FILLERS)
    text = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {_det(rng.choice(TOPICS))} {rng.choice(COMPLEMENTS)}."
    if roll > 0.7:
        text += " " + rng.choice(FILLERS)
    return text


def _det(topic: str) -> str:
    if topic[0] in "aeéiouy":
        return "l'" + topic
    return ("les " if topic.endswith("s") else "le ") + topic


def meetings(count: int, rng: random.Random) -> list[dict[str, Any]]:
    people = [f"{f} {n}" for f in FIRST for n in LAST]
    start = datetime(2024, 1, 8, 9, 0, tzinfo=UTC)
    out = []
    for i in range(count):
        series, title = rng.choice(SERIES)
        out.append({
            "meeting_id": f"bench-{i:05d}",
            "title": f"{title} n°{i % 97 + 1}",
            "series": series,
            "language": "en" if rng.random() < 0.05 else "fr",
            "started_at": start + timedelta(days=rng.randrange(0, 3 * 365), hours=rng.randrange(0, 9)),
            "participants": rng.sample(people, rng.randrange(3, 9)),
        })
    return out


def segment_actions(alias: str, meeting_list: list[dict[str, Any]], count: int, seed: int) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    per_meeting = max(1, count // len(meeting_list))
    produced = 0
    for m_index, m in enumerate(meeting_list):
        n = per_meeting if m_index < len(meeting_list) - 1 else count - produced
        t = 0.0
        started = m["started_at"].isoformat()
        for i in range(n):
            speaker = rng.choice(m["participants"])
            text = rng.choice(EN_SENTENCES) if m["language"] == "en" else sentence(rng)
            length = 2.0 + len(text) / 15
            yield {
                "_index": alias,
                "_id": segment_doc_id(m["meeting_id"], i),
                "_source": {
                    "meeting_id": m["meeting_id"], "segment_index": i, "start": round(t, 2),
                    "end": round(t + length, 2), "speaker": speaker, "participant_id": None, "text": text,
                    "language": m["language"], "meeting_title": m["title"], "series": m["series"],
                    "started_at": started,
                },
            }
            t += length + 0.3
        produced += n
        if produced >= count:
            return


# ---------------------------------------------------------------- queries

QUERY_TERMS = ["budget", "recrutement", "télétravail", "cybersécurité", "archivage", "subventions", "effectifs",
               "calendrier", "mutualisation", "accessibilité", "dotation", "syndicales", "trimestre", "partenaires"]
PHRASES = ['"plan de formation"', '"marché public"', '"feuille de route"', '"dialogue social"',
           '"ordre du jour"', '"transition écologique"', '"prochaine séance"']
TYPOS = ["bugdet", "recrutment", "teletravail", "cybersecurite", "subvension", "calendier", "acessibilité"]


def query_mix(n: int, meeting_list: list[dict[str, Any]], seed: int = 7) -> list[SearchRequest]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        kind = rng.random()
        if kind < 0.35:
            q = rng.choice(QUERY_TERMS)
        elif kind < 0.5:
            q = " ".join(rng.sample(QUERY_TERMS, 2))
        elif kind < 0.65:
            q = rng.choice(PHRASES)
        elif kind < 0.75:
            q = " OR ".join(rng.sample(QUERY_TERMS, 2))
        elif kind < 0.82:
            a, b = rng.sample(QUERY_TERMS, 2)
            q = f"{a} -{b}"
        else:
            q = rng.choice(TYPOS)
        params: dict[str, Any] = {"q": q}
        f = rng.random()
        if f < 0.2:
            year = rng.choice([2024, 2025, 2026])
            params |= {"date_from": f"{year}-01-01", "date_to": f"{year}-06-30"}
        elif f < 0.35:
            params["participant"] = rng.choice(rng.choice(meeting_list)["participants"])
        elif f < 0.45:
            params["language"] = "fr"
        elif f < 0.5:
            params["series"] = rng.choice(SERIES)[0]
        if rng.random() < 0.2:
            params["sort"] = "date"
        if rng.random() < 0.1:
            params["page"] = rng.randrange(2, 6)
        out.append(SearchRequest(**params))
    return out


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


# ---------------------------------------------------------------- main


def _time_queries(client: Any, alias: str, args: argparse.Namespace, meeting_list: list[dict[str, Any]],
                  group: bool) -> bool:
    """Time the query mix as the search page (group=True: by meeting, 10 per page, 3 passages each) or the
    API (passages, 20 per page) sends it; returns whether p95 <= 50 ms."""
    requests = query_mix(args.warmup + args.queries, meeting_list)
    for req in requests:
        req.group = group
        req.size = 10 if group else 20
        if req.page * req.size > 10_000:
            req.page = 1
    prefix = alias.removesuffix("-segments")
    # Every view of every run starts with OpenSearch's request cache empty (a previous run of the same
    # mix would have filled it); repeats inside the mix hit it as they would on a live archive.
    client.indices.clear_cache(index=f"{prefix}-*", request=True)
    cache = not args.no_request_cache
    for req in requests[: args.warmup]:
        search(client, prefix, req, request_cache=cache)
    cache0 = _request_cache(client, prefix)
    wall: list[float] = []
    took: list[float] = []
    by_kind: dict[str, list[float]] = {}
    hits = 0
    groups = 0
    for req in requests[args.warmup :]:
        t0 = time.perf_counter()
        result = search(client, prefix, req, request_cache=cache)  # what the page and the API run (2-3 requests)
        wall.append((time.perf_counter() - t0) * 1000)
        by_kind.setdefault(query_kind(req.q), []).append(wall[-1])
        took.append(float(result.took_ms))
        hits += result.total
        groups += result.total_meetings or 0
    what = ("grouped by meeting (collapse on meeting_id + meeting count + facets, then the page's meetings' "
            "3 best highlighted passages and counts in one request, then their participants; 10 a page)" if group else
            "passages (highlights + facets: participants, month, language; size 20)")
    print(f"{len(wall)} mixed queries, {what}:")
    print(f"  client wall time  p50 {pct(wall, 50):6.1f} ms   p95 {pct(wall, 95):6.1f} ms   "
          f"p99 {pct(wall, 99):6.1f} ms   mean {statistics.mean(wall):6.1f} ms")
    print(f"  server 'took'     p50 {pct(took, 50):6.1f} ms   p95 {pct(took, 95):6.1f} ms   "
          f"p99 {pct(took, 99):6.1f} ms   mean {statistics.mean(took):6.1f} ms")
    print(f"  average hits per query: {hits / len(wall):,.0f}" +
          (f"; average meetings per query: {groups / len(wall):,.0f}" if group else ""))
    print("  by kind (mean / p95 ms): " + ", ".join(
        f"{kind} {statistics.mean(v):.0f} / {pct(v, 95):.0f} (n={len(v)})" for kind, v in sorted(by_kind.items())))
    cache1 = _request_cache(client, prefix)
    distinct = len({r.model_dump_json() for r in requests[args.warmup :]})
    print(f"  {distinct} distinct requests of {len(wall)}; OpenSearch request cache during the timed queries: "
          f"{cache1[0] - cache0[0]:,} hits, {cache1[1] - cache0[1]:,} misses (per shard and part: page, summary"
          f"{', best passages' if group else ''})"
          + (" (disabled: --no-request-cache)" if args.no_request_cache else ""))
    p95 = pct(wall, 95)
    print(f"  p95 <= 50 ms: {'met' if p95 <= 50 else 'NOT met'} ({p95:.1f} ms)")
    return p95 <= 50


def query_kind(q: str) -> str:
    """The query mix's kinds: phrase, OR, NOT, two terms, one term (typos are one term)."""
    if q.startswith('"'):
        return "phrase"
    if " OR " in q:
        return "or"
    if " -" in q:
        return "not"
    return "two-terms" if " " in q else "term"


def _request_cache(client: Any, prefix: str) -> tuple[int, int]:
    total = client.indices.stats(index=f"{prefix}-*", metric="request_cache")["_all"]["total"]["request_cache"]
    return int(total["hit_count"]), int(total["miss_count"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1_000_000, help="segments to index (default 1,000,000)")
    parser.add_argument("--meetings", type=int, default=2_000, help="meetings (default 2,000)")
    parser.add_argument("--queries", type=int, default=200, help="timed queries (default 200)")
    parser.add_argument("--warmup", type=int, default=30, help="untimed queries first (default 30)")
    parser.add_argument("--prefix", default="bench-search", help="index prefix (default bench-search)")
    parser.add_argument("--threads", type=int, default=2, help="parallel_bulk threads (default 2)")
    parser.add_argument("--chunk", type=int, default=2_000, help="documents per bulk request (default 2,000)")
    parser.add_argument("--keep", action="store_true", help="keep the indices afterwards")
    parser.add_argument("--reuse", action="store_true", help="skip loading: query indices kept by --keep")
    parser.add_argument("--forcemerge", action="store_true",
                        help="after loading, merge segments as the nightly flow does (index.compact)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--view", choices=["meetings", "passages", "both"], default="both",
                        help="meetings: grouped by meeting (the search page's default; collapse + inner hits); "
                             "passages: one hit per passage (the API's default); both (default)")
    parser.add_argument("--no-request-cache", action="store_true",
                        help="ask OpenSearch not to use its shard request cache (every query computed afresh)")
    parser.add_argument("--opensearch-url", default=None,
                        help="another OpenSearch (e.g. a node started with a bigger heap for --count 10000000)")
    args = parser.parse_args(argv)

    from opensearchpy import helpers

    settings = Settings(index_prefix=args.prefix)
    if args.opensearch_url:
        settings = settings.model_copy(update={"opensearch_url": args.opensearch_url})
    client = index_mod.client_from_settings(settings, timeout=120)
    info = client.info()
    print(f"OpenSearch {info['version']['number']} at {settings.opensearch_url}; prefix {args.prefix}; "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    rng = random.Random(args.seed)
    meeting_list = meetings(args.meetings, rng)
    alias = segments_alias(args.prefix)

    if not args.reuse:
        client.indices.delete(index=f"{args.prefix}-*", ignore_unavailable=True)
        index_mod.ensure_indices(client, args.prefix)
        concrete = index_mod.current_index(client, args.prefix, "segments")
        old = client.indices.get_settings(index=concrete)[concrete]["settings"]["index"]
        old_refresh = old.get("refresh_interval", "1s")
        old_replicas = old.get("number_of_replicas", "0")
        client.indices.put_settings(index=concrete,
                                    body={"index": {"refresh_interval": "-1", "number_of_replicas": 0}})
        print(f"loading {args.count:,} segments in {args.meetings:,} meetings "
              f"({args.threads} threads, chunks of {args.chunk:,}) ...", flush=True)
        started = time.perf_counter()
        done, failed = 0, 0
        next_report = 100_000
        for ok, _item in helpers.parallel_bulk(
            client, segment_actions(alias, meeting_list, args.count, args.seed),
            thread_count=args.threads, chunk_size=args.chunk, queue_size=args.threads * 2,
            raise_on_error=False, request_timeout=120,
        ):
            done += 1
            failed += 0 if ok else 1
            if done >= next_report:
                rate = done / (time.perf_counter() - started)
                print(f"  {done:>10,} segments  {rate:,.0f}/s", flush=True)
                next_report += 100_000
        load_s = time.perf_counter() - started
        client.indices.put_settings(index=concrete, body={"index": {"refresh_interval": old_refresh,
                                                                    "number_of_replicas": old_replicas}})
        client.indices.refresh(index=concrete)
        total_s = time.perf_counter() - started
        for m in meeting_list:
            client.index(index=f"{args.prefix}-meetings", id=m["meeting_id"], body={
                "meeting_id": m["meeting_id"], "title": m["title"], "series": m["series"],
                "language": m["language"], "started_at": m["started_at"].isoformat(), "duration": 3600.0,
                "participants": m["participants"], "segment_count": args.count // args.meetings,
            })
        if args.forcemerge:
            index_mod.compact(client, args.prefix)  # what the nightly flow does once its meetings are in
        count = client.count(index=alias)["count"]
        print(f"indexed {done:,} segments ({failed} failed) in {load_s:.1f} s: "
              f"{done / load_s:,.0f} segments/s bulk, {done / total_s:,.0f} segments/s including the final refresh")
        print(f"documents searchable: {count:,}; settings restored (refresh_interval {old_refresh})")
    else:
        print(f"reusing {client.count(index=alias)['count']:,} segments")

    print(f"load average before the queries: {os.getloadavg()[0]:.1f} (other processes compete for the CPUs)")
    heap = client.nodes.stats(metric="jvm")["nodes"]
    for node in heap.values():
        mem = node["jvm"]["mem"]
        print(f"node {node.get('name')}: heap max {mem['heap_max_in_bytes'] / 2**30:.1f} GiB, "
              f"used {mem['heap_used_in_bytes'] / 2**30:.1f} GiB")
    segments_index = index_mod.current_index(client, args.prefix, "segments")
    size = client.indices.stats(index=segments_index, metric="store")["indices"][segments_index]["total"]["store"]
    print(f"segment index on disk: {size['size_in_bytes'] / 2**30:.2f} GiB")
    layout = client.indices.get_settings(index=segments_index)[segments_index]["settings"]["index"]
    segment_count = len(client.cat.segments(index=segments_index, format="json"))
    print(f"segment index: {layout['number_of_shards']} shard(s), {segment_count} Lucene segment(s)")
    views = ["meetings", "passages"] if args.view == "both" else [args.view]
    met = True
    for view in views:
        met &= _time_queries(client, alias, args, meeting_list, group=view == "meetings")
    print(f"targets: p95 <= 50 ms: {'met' if met else 'NOT met'}")
    if not args.keep and not args.reuse:
        client.indices.delete(index=f"{args.prefix}-*", ignore_unavailable=True)
        for kind in ("segments", "meetings"):
            client.indices.delete_index_template(name=index_mod.template_name(args.prefix, kind), ignore=[404])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
