"""The query parser and body builder: pure logic, no server."""

from __future__ import annotations

import json
from datetime import date

import pytest

from visio_archive.search import (
    MAX_QUERY_CHARS,
    And,
    Not,
    Or,
    Phrase,
    QueryError,
    SearchRequest,
    Term,
    build_body,
    parse_query,
    render_highlight,
)


def test_terms_are_and_by_default() -> None:
    assert parse_query("budget réunion") == And((Term("budget"), Term("réunion")))


def test_phrase_or_not_and_minus() -> None:
    assert parse_query('"comité de pilotage"') == Phrase("comité de pilotage")
    assert parse_query("budget OR élection") == Or((Term("budget"), Term("élection")))
    assert parse_query("budget OU élection") == Or((Term("budget"), Term("élection")))
    assert parse_query("budget -rapport") == And((Term("budget"), Not(Term("rapport"))))
    assert parse_query("budget NOT rapport") == And((Term("budget"), Not(Term("rapport"))))
    assert parse_query("(a OR b) c") == And((Or((Term("a"), Term("b"))), Term("c")))


def test_lowercase_operators_are_words_and_hyphenated_words_stay_whole() -> None:
    assert parse_query("or") == Term("or")
    assert parse_query("peut-être aujourd'hui") == And((Term("peut-être"), Term("aujourd'hui")))


def test_unbalanced_quotes_and_parentheses_close_at_the_end() -> None:
    assert parse_query('"comité de') == Phrase("comité de")
    assert parse_query("((budget") == Term("budget")
    assert parse_query("budget))") == Term("budget")
    assert parse_query("«comité»") == Phrase("comité")


@pytest.mark.parametrize("query", ["", "   ", '"', '""', "()", "AND", "OR OR", "NOT", "-", "*", "\\", ":",
                                   "&&", "||", "!", "~", "^", "{}", "[]", "/", "?"])
def test_nothing_searchable_gives_none(query: str) -> None:
    assert parse_query(query) is None


@pytest.mark.parametrize("query", [
    'text:foo', 'foo~2', 'a^3', '<script>alert(1)</script>', '\x00\x01', 'title:(a OR b)', 'a AND', 'NOT NOT a',
    '"a" "b" -"c"', "-(a OR b)", "((((a))))", "a) OR (b", "é" * 200, "🙂 budget", "\u202ebudget",
    "{\"query\": {\"match_all\": {}}}", "a\\\"b", "%27%22", "' OR 1=1 --",
])
def test_hostile_queries_build_a_valid_body(query: str) -> None:
    body = build_body(SearchRequest(q=query))
    json.dumps(body)  # serialisable
    allowed = {"bool", "must", "must_not", "should", "filter", "minimum_should_match", "match", "match_phrase",
               "match_all", "text", "text.exact", "query", "fuzziness", "prefix_length", "max_expansions", "boost"}
    assert _keys(body["query"]) <= allowed  # never query_string, script, regexp, wildcard...


def _keys(node: object) -> set[str]:
    if isinstance(node, dict):
        out = set(node)
        for value in node.values():
            out |= _keys(value)
        return out
    if isinstance(node, list):
        return set().union(*(_keys(v) for v in node)) if node else set()
    return set()


def test_limits() -> None:
    with pytest.raises(QueryError):
        parse_query("x" * (MAX_QUERY_CHARS + 1))
    with pytest.raises(QueryError):
        parse_query(" ".join(["mot"] * 40))
    with pytest.raises(QueryError):
        parse_query("(" * 20 + "a")
    with pytest.raises(QueryError):
        build_body(SearchRequest(q="a", page=1000, size=100))
    with pytest.raises(QueryError):
        build_body(SearchRequest(q="a", date_from=date(2026, 5, 1), date_to=date(2026, 1, 1)))


def test_only_negation_matches_everything_else() -> None:
    body = build_body(SearchRequest(q="-budget"))
    clause = body["query"]["bool"]["must"][0]["bool"]
    assert clause["must"] == [{"match_all": {}}] and clause["must_not"]


def test_filters_and_sort() -> None:
    body = build_body(SearchRequest(q="budget", date_from=date(2026, 1, 1), participant="Alice Martin",
                                    series="copil", language="fr", title="comité", sort="date", page=2, size=10))
    filters = body["query"]["bool"]["filter"]
    assert {"term": {"speaker": "Alice Martin"}} in filters
    assert {"range": {"started_at": {"format": "yyyy-MM-dd", "gte": "2026-01-01"}}} in filters
    assert body["from"] == 10 and body["size"] == 10
    assert next(iter(body["sort"][0])) == "started_at"
    assert set(body["aggs"]) == {"participants", "language", "month"}


def test_fuzzy_terms_and_exact_phrases() -> None:
    term = json.dumps(build_body(SearchRequest(q="bugdet"))["query"])
    assert '"fuzziness": "AUTO"' in term
    phrase = json.dumps(build_body(SearchRequest(q='"comité de pilotage"'))["query"])
    assert "match_phrase" in phrase and "text.exact" in phrase and "fuzziness" not in phrase


def test_highlight_is_escaped_before_marking() -> None:
    assert render_highlight("<b>\ue000budget\ue001</b> & co") == "&lt;b&gt;<mark>budget</mark>&lt;/b&gt; &amp; co"


def test_exclusions_are_not_fuzzy() -> None:
    clause = build_body(SearchRequest(q="budget -rapport"))["query"]["bool"]["must"][0]["bool"]
    assert clause["must_not"] == [{"match": {"text": {"query": "rapport"}}}]
    assert "fuzziness" in json.dumps(clause["must"])


def test_grouped_bodies_collapse_then_fetch_each_meetings_best_passages() -> None:
    from visio_archive.search import group_passages_body

    request = SearchRequest(q="budget", group=True, size=10, participants=["Alice Martin", "MARTIN Paul"])
    body = build_body(request)
    assert body["collapse"] == {"field": "meeting_id"} and "highlight" not in body
    assert body["aggs"]["meetings"]["cardinality"]["field"] == "meeting_id"
    assert {"terms": {"speaker": ["Alice Martin", "MARTIN Paul"]}} in body["query"]["bool"]["filter"]
    second = group_passages_body(request, ["m1", "m2"])
    assert second["size"] == 0 and {"terms": {"meeting_id": ["m1", "m2"]}} in second["query"]["bool"]["filter"]
    best = second["aggs"]["groups"]["aggs"]["best"]["top_hits"]
    assert best["size"] == 3 and best["highlight"]["fields"] and best["sort"][0] == "_score"
    nothing = build_body(SearchRequest(q="budget", participants=[]))
    assert {"bool": {"must_not": [{"match_all": {}}]}} in nothing["query"]["bool"]["filter"]


def test_participant_names_fold_accents_case_and_word_starts() -> None:
    from visio_archive.search import fold, match_participants

    names = ["Alice Martin", "MARTIN Paul", "Martine Roux", "Émilie Durand"]
    assert fold("Émilie DURAND") == "emilie durand"
    assert match_participants("martin", names) == ["Alice Martin", "MARTIN Paul"]
    assert match_participants("mar", names, prefix=True) == ["Alice Martin", "MARTIN Paul", "Martine Roux"]
    assert match_participants("emilie d", names, prefix=True) == ["Émilie Durand"]
    assert match_participants("  ", names) == []


def test_highlight_of_text_holding_nul_and_soh_has_no_stray_tags() -> None:
    fragment = "a\x00b \ue000budget\ue001 c\x01d \ue000"
    assert render_highlight(fragment) == "a\x00b <mark>budget</mark> c\x01d "
    assert render_highlight("\ue000\ue001x\ue000y") == "x<mark>y</mark>"
