"""What client-chosen text may be kept as is, and what only as a hash or not at all."""

import pytest

from api.client_text import has_control_characters, hashed, holds_personal_number, recordable_name


@pytest.mark.parametrize(
    "text",
    ["13812345678", "138 1234 5678", "138-1234-5678", "330802199001011234", "33080219900101123X",
     "１３８１２３４５６７８", "٣٣٠٨٠٢١٩٩٠٠١", "19900101", "1234567", "P138_1234_5678"],
)  # fmt: skip
def test_personal_numbers(text: str) -> None:
    assert holds_personal_number(text)


@pytest.mark.parametrize("text", ["2026-0042", "room 1203", "2026-03-01", "123456", "GridPage", "330802"])
def test_not_personal_numbers(text: str) -> None:
    assert not holds_personal_number(text)


@pytest.mark.parametrize("char", [chr(c) for c in (*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F)])
def test_control_characters(char: str) -> None:
    assert has_control_characters(f"a{char}b")


def test_tab_newline_and_text_are_not_control_characters() -> None:
    assert not has_control_characters("a\tb\nc 张三 \u2028 😀")


def test_recordable_names() -> None:
    assert recordable_name("GridPage") == "GridPage"
    assert recordable_name("A" * 64) == "A" * 64
    for name in ("A" * 65, "P13812345678", "张三", "Q 1", "Born19900101"):
        assert recordable_name(name) == hashed(name)
    assert hashed("P13812345678") == hashed("P13812345678") != hashed("P13812345679")
    assert hashed("x").startswith("sha256:") and len(hashed("x")) == len("sha256:") + 16
