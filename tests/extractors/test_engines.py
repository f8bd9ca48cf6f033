"""The engines are real: each reads a rendered line of Chinese text and an ID number."""

from __future__ import annotations

import json
import shutil

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from config.settings import OcrSettings, get_settings
from domain.errors import ConfigError, ModelsMissing
from domain.models import TextLine
from extractors.engines import available_engines, get_engine
from extractors.engines.base import reading_order
from extractors.engines.model_store import assemble_models, model_paths

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


@pytest.fixture(scope="module")
def text_image() -> np.ndarray:
    img = Image.new("RGB", (900, 260), "white")
    d = ImageDraw.Draw(img)
    f = ImageFont.truetype(FONT, 36)
    d.text((30, 150), "公民身份号码 11010519491231002X", font=f, fill="black")
    d.text((30, 30), "住房公积金提取申请", font=f, fill="black")
    return cv2.cvtColor(np.array(img), cv2.COLOR_RGB2BGR)


@pytest.mark.parametrize("name", ["paddle", "rapidocr", "tesseract", "onnx-batched"])
def test_engine_reads_chinese_and_digits(name, text_image):
    engine = get_engine(name, settings=get_settings().ocr)
    page = engine.recognize(text_image)
    assert page.engine == name and page.width == 900 and page.height == 260
    text = "".join(ln.text for ln in page.lines).replace(" ", "")
    assert "11010519491231002X" in text
    assert "公积金" in text
    # reading order: the title (top) comes before the number (bottom)
    assert text.index("公积金") < text.index("110105")
    for ln in page.lines:
        x0, y0, x1, y1 = ln.bbox
        assert 0 <= x0 < x1 <= 900 and 0 <= y0 < y1 <= 260
        assert 0.0 <= ln.confidence <= 1.0
    assert engine.version()


def test_engines_load_once_per_process():
    assert get_engine("paddle", settings=get_settings().ocr) is get_engine("paddle", settings=get_settings().ocr)


def test_unknown_engine_is_a_config_error():
    with pytest.raises(ConfigError, match="unknown OCR engine"):
        get_engine("nope", settings=get_settings().ocr)
    assert {"paddle", "rapidocr", "tesseract"} <= set(available_engines())


def test_missing_models_say_how_to_assemble_them(tmp_path):
    with pytest.raises(ModelsMissing, match="make models"):
        get_engine("paddle", settings=OcrSettings(model_dir=tmp_path / "empty"))


def test_assembly_is_idempotent_and_uses_the_onnx_dictionary(tmp_path):
    dest = tmp_path / "models"
    first = assemble_models(dest)
    stamp = (first.rec_dir / "inference.yml").stat().st_mtime_ns
    second = assemble_models(dest)
    assert second.version == first.version
    assert (second.rec_dir / "inference.yml").stat().st_mtime_ns == stamp  # nothing redone
    import onnxruntime as ort
    import yaml

    chars = yaml.safe_load((first.rec_dir / "inference.yml").read_text())["PostProcess"]["character_dict"]
    session = ort.InferenceSession(str(first.rec_dir / "inference.onnx"), providers=["CPUExecutionProvider"])
    assert chars == session.get_modelmeta().custom_metadata_map["character"].split("\n")
    # a folder removed by hand is rebuilt
    shutil.rmtree(first.det_dir)
    assert assemble_models(dest).det_dir.joinpath("inference.onnx").is_file()
    assert json.loads((dest / "manifest.json").read_text())["version"] == first.version


def test_configured_model_dir_is_assembled():
    assert model_paths(get_settings().ocr.model_dir).version


def test_reading_order_groups_rows_then_left_to_right():
    a = TextLine("右", 1, (200, 10, 260, 40))
    b = TextLine("左", 1, (10, 14, 60, 44))
    c = TextLine("下", 1, (10, 80, 60, 110))
    assert [ln.text for ln in reading_order([c, a, b])] == ["左", "右", "下"]
