"""Without the official artefacts nothing is validated (and so nothing is sent): the error names the folder
looked in and the setting that moves it."""

import pytest

from core.efactura.validate import ArtefactsMissing, artefacts_dir, validate
from core.platform.config import settings


def test_a_missing_artefacts_folder_is_an_error_that_says_where_it_looked(monkeypatch, tmp_path):
    monkeypatch.setattr(settings, "efactura_artefacts_dir", tmp_path / "nowhere")
    with pytest.raises(ArtefactsMissing, match="EFACTURA_ARTEFACTS_DIR") as missing:
        artefacts_dir()
    assert str(tmp_path / "nowhere") in str(missing.value)
    with pytest.raises(ArtefactsMissing):
        validate(b"<Invoice/>")
