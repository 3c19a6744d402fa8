"""Failures are loud: a missing or broken diarization dependency fails the recording; it never gives
a transcript without speakers that the flow would store as done."""

from __future__ import annotations

from pathlib import Path

import pytest

from visio_archive.samples import pyannote_sample


@pytest.fixture(scope="module")
def store_without_encoder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real model store holding ASR and segmentation but not the speaker encoder."""
    from visio_archive.modelstore import ModelStore, install
    from visio_archive.settings import Settings

    root = tmp_path_factory.mktemp("store")
    install(ModelStore.from_settings(Settings(model_store=root)),
            names=["whisper-base", "pyannote-segmentation", "silero-vad"])
    return root


@pytest.mark.models
def test_a_missing_diarization_model_fails_the_recording(store_without_encoder: Path) -> None:
    from visio_archive.modelstore import ModelStoreError
    from visio_archive.settings import Settings
    from visio_archive.speech import run_pipeline

    settings = Settings(model_store=store_without_encoder)
    with pytest.raises(ModelStoreError, match="resemblyzer-encoder"):
        run_pipeline(pyannote_sample(), meeting_id="m", metadata=None, language="auto", settings=settings)


def test_the_flow_treats_a_broken_dependency_as_a_failure_not_as_bad_input() -> None:
    """Bad input is quarantined and never retried; a broken install is reported as failed, so the
    recording stays 'not done' and is tried again once the install is fixed."""
    from flows.pipeline import bad_input_errors
    from visio_archive.modelstore import ModelStoreError
    from visio_archive.speech import DiarizationFailed

    assert not issubclass(ModelStoreError, bad_input_errors())
    assert not issubclass(DiarizationFailed, bad_input_errors())
    assert not issubclass(ImportError, bad_input_errors())
