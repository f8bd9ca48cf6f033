from pathlib import Path

from config.settings import Settings


def test_nested_settings_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DOCINTEL_OCR__ENGINE", "rapidocr")
    monkeypatch.setenv("DOCINTEL_CAPTURE__MAX_PIXELS", "1234")
    monkeypatch.setenv("DOCINTEL_VAR_DIR", str(tmp_path))
    monkeypatch.delenv("DOCINTEL_OCR__MODEL_DIR", raising=False)
    s = Settings()
    assert s.ocr.engine == "rapidocr"
    assert s.capture.max_pixels == 1234
    assert s.ocr.model_dir == Path(tmp_path) / "models"
    assert str(tmp_path) in s.storage.database_url


def test_time_zone_is_the_funds_and_an_unknown_one_fails_at_start_up(monkeypatch):
    import pytest
    from pydantic import ValidationError

    assert Settings().signing.time_zone == "Asia/Shanghai"
    monkeypatch.setenv("DOCINTEL_SIGNING__TIME_ZONE", "Asia/Urumqi")
    assert Settings().signing.time_zone == "Asia/Urumqi"
    monkeypatch.setenv("DOCINTEL_SIGNING__TIME_ZONE", "Mars/Olympus_Mons")
    with pytest.raises(ValidationError, match="time zone"):
        Settings()
