"""Names re-read from the recogniser's candidates: surnames by rank, given-name characters by how often real
names use them. The candidate lists are the recogniser's own output on generated camera frames (hard and medium
presets, kai-font names filled into blanks)."""

from __future__ import annotations

import pytest

from domain.models import OcrPage, TextLine
from extractors.contracts.rental import RentalAgreementExtractor
from extractors.contracts.values import COMPOUND_SURNAMES, SURNAMES_BY_FREQUENCY
from extractors.names import DOUBTFUL, given_name_log_frequencies, reread_name

# name as read → per-character candidates, as PP-OCRv6 small gave them
SEEN = {
    "董注": ((("董", 0.7805), ("重", 0.1125), ("童", 0.0327)), (("注", 0.1442), ("涛", 0.1111), ("液", 0.0906))),
    "沈露": ((("沈", 0.9999),), (("露", 0.7358), ("霞", 0.2634))),
    "马位诺": (
        (("马", 0.9962), ("号", 0.0016)),
        (("位", 0.4614), ("传", 0.1037), ("侬", 0.1017), ("俊", 0.0682), ("依", 0.0376)),
        (("诺", 0.6474), ("话", 0.1452), ("送", 0.1018), ("递", 0.0251), ("谣", 0.013)),
    ),
    "即海玉": (
        (("即", 0.4634), ("部", 0.2872), ("鄂", 0.1215), ("邮", 0.0495), ("邵", 0.0267)),
        (("海", 0.7209), ("净", 0.2221), ("渗", 0.009)),
        (("玉", 0.8977), ("五", 0.0702), ("国", 0.0185)),
    ),
    "邮惠然": (
        (("邮", 0.7916), ("都", 0.0655), ("郝", 0.0632), ("邦", 0.0183)),
        (("惠", 0.3518), ("惑", 0.2789), ("思", 0.133), ("感", 0.126)),
        (("然", 0.9287), ("热", 0.0672)),
    ),
}


def reread(name: str, candidates=None):  # type: ignore[no-untyped-def]
    return reread_name(
        name,
        SEEN[name] if candidates is None else candidates,
        surnames_by_frequency=SURNAMES_BY_FREQUENCY,
        compound_surnames=COMPOUND_SURNAMES,
    )


@pytest.mark.parametrize(
    ("seen", "truth"),
    [("董注", "董涛"), ("沈露", "沈霞"), ("马位诺", "马俊诺"), ("即海玉", "邵海玉")],
)
def test_misread_names_from_generated_frames_are_re_read(seen: str, truth: str) -> None:
    reading = reread(seen)
    assert reading.value == truth
    assert [(was, now) for _, was, now in reading.changed] == [
        (a, b) for a, b in zip(seen, truth, strict=True) if a != b
    ]


def test_surname_rank_decides_between_two_close_surname_candidates() -> None:
    """都 (0.0655) and 郝 (0.0632) are both surnames; 郝 is far the commoner, so it wins. 惠 stays: it is a
    common name character, and 思 was read at well under half its probability."""
    assert reread("邮惠然").value == "郝惠然"


def test_sure_characters_are_kept_whatever_the_prior() -> None:
    """A rare but real name character read at or above DOUBTFUL is never replaced by a commoner one."""
    rare = ((("张", 0.99),), (("喆", DOUBTFUL), ("哲", 0.09)))
    assert reread("张喆", rare).changed == ()
    assert reread("张喆", ((("张", 0.99),), (("喆", 0.6), ("哲", 0.3)))).value == "张哲"


def test_no_candidates_no_change_and_transliterated_names_are_left_alone() -> None:
    assert reread("董注", (None, None)).value == "董注"
    assert reread("董注", ()).value == "董注"  # candidates that do not line up with the name
    dots = tuple(((c, 0.5),) for c in "买买提·艾力")
    assert reread("买买提·艾力", dots).changed == ()


def test_first_character_without_a_surname_candidate_is_kept() -> None:
    """Nothing to choose from: the name stays as read (the extractor flags it as not starting with a surname)."""
    reading = reread("持整", ((("持", 0.72), ("特", 0.18)), (("整", 0.99),)))
    assert reading.value == "持整" and reading.changed == ()


def test_noise_candidates_and_non_cjk_candidates_are_not_taken() -> None:
    cands = ((("王", 0.99),), (("号", 0.5), ("：", 0.3), ("婷", 0.005)))
    assert reread("王号", cands).value == "王号"


def test_given_name_frequencies_come_from_real_names() -> None:
    table, unseen = given_name_log_frequencies()
    assert len(table) > 9000
    assert table["婷"] > table["号"] > unseen and table["涛"] > table["注"]


def _line(text: str, conf: float, cands) -> TextLine:  # type: ignore[no-untyped-def]
    return TextLine(text, conf, (100, 100, 100 + 20 * len(text), 120), candidates=cands)


def test_rental_extractor_re_reads_names_lowers_confidence_and_says_so() -> None:
    label = "甲方（出租方）："
    text = f"{label}董注"
    cands = tuple(((c, 0.999),) for c in label) + SEEN["董注"]
    out = RentalAgreementExtractor().extract([OcrPage((_line(text, 0.96, cands),), 1000, 1400, "test")])
    field = out.fields["lessor_name"]
    assert field.value == "董涛" and field.raw == "董注"
    assert field.confidence <= round(0.96 * 0.8, 4)  # a re-read goes to review
    assert any(w.startswith("lessor_name: characters re-read") and "注→涛" in w for w in out.warnings)
    # The same line without candidates (Tesseract, a text layer) is taken as read, at its own confidence.
    plain = RentalAgreementExtractor().extract([OcrPage((_line(text, 0.96, None),), 1000, 1400, "test")])
    assert plain.fields["lessor_name"].value == "董注" and plain.fields["lessor_name"].confidence > field.confidence
