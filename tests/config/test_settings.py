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
