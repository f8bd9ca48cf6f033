"""The attack generator: deterministic, every kind and variant drawable, held-out variants listed among them."""

from __future__ import annotations

import pytest

from samples.generator.attacks import HELD_OUT, KINDS, VARIANTS, make_frame


def test_the_same_arguments_give_the_same_bytes() -> None:
    a = make_frame(5, seed=9, difficulty="medium", kind="photocopy", variant="grey_toner")
    b = make_frame(5, seed=9, difficulty="medium", kind="photocopy", variant="grey_toner")
    assert a.shot.jpeg == b.shot.jpeg and a.person == b.person


def test_held_out_variants_are_variants_and_not_all_of_them() -> None:
    for kind in KINDS:
        assert set(HELD_OUT[kind]) <= set(VARIANTS[kind])
        assert len(HELD_OUT[kind]) < len(VARIANTS[kind])


def test_a_wrong_check_digit_is_what_the_card_shows() -> None:
    from extractors.id_number import is_valid

    f = make_frame(0, seed=9, difficulty="easy", kind="tampered", variant="number_check_digit")
    assert not is_valid(f.person.id_number) and f.kind == "tampered"


def test_unknown_attacks_are_refused() -> None:
    with pytest.raises(ValueError):
        make_frame(0, seed=1, difficulty="easy", kind="photocopy", variant="no_such_look")
