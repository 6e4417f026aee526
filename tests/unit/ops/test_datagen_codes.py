"""GB 11643 ID numbers and GB 32100 USCCs: the algorithms against published examples, then the output."""

import pytest

from ops.datagen.codes import (
    id_check_char,
    is_valid_id_number,
    is_valid_uscc,
    make_uscc,
    org_code_check_char,
    uscc_check_char,
)

PUBLISHED_ID = "11010519491231002X"  # the example printed in GB 11643-1999
PUBLISHED_USCC = "91350100M000100Y43"  # the example printed in GB 32100-2015


def test_id_check_char_matches_the_published_example() -> None:
    assert id_check_char(PUBLISHED_ID[:17]) == "X"
    assert is_valid_id_number(PUBLISHED_ID)


def test_id_number_with_any_changed_digit_is_rejected() -> None:
    for i in range(17):
        digit = str((int(PUBLISHED_ID[i]) + 1) % 10)
        assert not is_valid_id_number(PUBLISHED_ID[:i] + digit + PUBLISHED_ID[i + 1 :])


def test_id_check_char_refuses_a_malformed_body() -> None:
    with pytest.raises(ValueError):
        id_check_char("1101051949123100")


def test_uscc_checks_match_the_published_example() -> None:
    assert org_code_check_char(PUBLISHED_USCC[8:16]) == "4"
    assert uscc_check_char(PUBLISHED_USCC[:17]) == "3"
    assert is_valid_uscc(PUBLISHED_USCC)


def test_uscc_with_a_changed_character_or_forbidden_letter_is_rejected() -> None:
    assert not is_valid_uscc(PUBLISHED_USCC[:17] + "4")
    assert not is_valid_uscc("91350100M000100Y53")
    assert not is_valid_uscc("9135010OM000100Y43")  # letter O is outside the GB 32100 alphabet


def test_make_uscc_assembles_a_valid_code() -> None:
    code = make_uscc("9", "1", "330802", "MA28F0K3")
    assert code.startswith("91330802MA28F0K3")
    assert is_valid_uscc(code)


def test_generated_id_numbers_agree_with_birth_date_sex_and_county(tiny: dict[str, list]) -> None:
    persons = tiny["persons"]
    for p in persons:
        number = p["id_number"]
        assert is_valid_id_number(number), number
        assert number[:6] == p["grid"][:6]
        assert number[6:14] == p["birth_date"].replace("-", "")
        assert int(number[16]) % 2 == (1 if p["gender"] == "male" else 0)
    assert len({p["id_number"] for p in persons}) == len(persons)


def test_generated_id_numbers_are_unique_across_a_county(demo: dict[str, list]) -> None:
    numbers = [p["id_number"] for p in demo["persons"]]
    assert len(set(numbers)) == len(numbers)


def test_generated_usccs_are_valid_unique_and_in_the_county(demo: dict[str, list]) -> None:
    orgs = demo["organizations"]
    assert orgs
    for org in orgs:
        assert is_valid_uscc(org["uscc"]), org["uscc"]
        assert org["uscc"][2:8] == org["scope"][:6]
    assert len({o["uscc"] for o in orgs}) == len(orgs)
