"""The console's pure parts: the cookie-signing secret, masking, and field boxes in percent of their page."""

from __future__ import annotations

import stat

from config.settings import Settings
from pipeline.console import mask_value, page_box, session_secret


def test_session_secret_is_made_once_private_and_kept(tmp_path):
    settings = Settings().model_copy(update={"var_dir": tmp_path})
    first = session_secret(settings)
    assert len(first) >= 40 and session_secret(settings) == first
    assert stat.S_IMODE((tmp_path / "console_secret").stat().st_mode) == 0o600
    assert not list(tmp_path.glob("*.tmp"))
    configured = settings.model_copy(
        update={"console": settings.console.model_copy(update={"session_secret": "from-the-setting"})}
    )
    assert session_secret(configured) == "from-the-setting"


def test_mask_value_masks_names_and_id_numbers_also_in_groups():
    assert mask_value("id_number", "110105199702200140") == "1101**********0140"
    assert mask_value("buyer_name", "廖琪") == "廖*"
    assert mask_value("seller_name", "武汉市招商实业发展有限公司") == "武汉市招商实业发展有限公司"  # a company
    assert mask_value("total_price", "3022239.60") == "3022239.60"
    assert mask_value("buyers", [{"name": "廖琪", "id_number": "440106199805171648"}]) == [
        {"name": "廖*", "id_number": "4401**********1648"}
    ]


def test_box_is_in_percent_of_the_page_and_clipped_to_it():
    assert page_box([72, 45, 144, 90], [720, 450]) == {"left": 10.0, "top": 10.0, "width": 10.0, "height": 10.0}
    assert page_box([700, -5, 800, 50], [720, 450]) == {"left": 97.222, "top": 0.0, "width": 2.778, "height": 11.111}
    assert page_box(None, [720, 450]) is None
    assert page_box([10, 10, 10, 20], [720, 450]) is None  # no area
    assert page_box([1, 2, 3, 4], None) is None
