"""The purpose headers' grammar: structured references and reason codes, notes without personal numbers."""

from urllib.parse import quote

import pytest

from api.purpose import DEFAULT_REASON_CODES, InvalidPurpose, Purpose, parse_purpose, reason_codes

CODES = DEFAULT_REASON_CODES


@pytest.mark.parametrize(
    ("header", "note", "expected"),
    [
        (None, None, None),
        ("  ", None, None),
        ("case:2026-001", None, Purpose("case", "2026-001")),
        ("case:2026-0042", None, Purpose("case", "2026-0042")),
        ("case:2026-1000000", None, Purpose("case", "2026-1000000")),  # a year's millionth case
        (" reason:public-service ", None, Purpose("reason", "public-service")),
        (
            "reason:emergency",
            quote("夜间 flood check, building 3"),
            Purpose("reason", "emergency", "夜间 flood check, building 3"),
        ),
        ("reason:dispute", "room 1203, 2026-03-01", Purpose("reason", "dispute", "room 1203, 2026-03-01")),
        ("reason:dispute", "  ", Purpose("reason", "dispute")),
    ],
)
def test_accepts(header: str | None, note: str | None, expected: Purpose | None) -> None:
    assert parse_purpose(header, note, CODES) == expected


@pytest.mark.parametrize(
    ("header", "note"),
    [
        ("330802199001011234", None),
        ("case:330802199001011234", None),
        ("case:2026-001\n", None),
        ("case:２０２６-001", None),
        ("case:2026-00000001", None),
        ("case:2026-13812345678", None),  # a phone is no serial
        ("case:", None),
        ("reason:", None),
        ("reason:Public-Service", None),
        ("reason:public-service\n", None),
        ("Reason:public-service", None),
        ("why:because", None),
        (None, "a note alone"),
        ("reason:dispute", "id 33080219900101123X"),
        ("reason:dispute", "call 13812345678"),
        ("reason:dispute", "call 138 1234 5678"),
        ("reason:dispute", "call 138-1234-5678"),
        ("reason:dispute", quote("１３８１２３４５６７８")),
        ("reason:dispute", quote("٣٣٠٨٠٢١٩٩٠")),
        ("reason:dispute", "born 19900101"),
        ("reason:dispute", "x" * 201),
        ("reason:dispute", "a%00b"),
        ("reason:dispute", "a%0Ab"),
        ("reason:dispute", "%ff"),
        ("reason:dispute", "raw 张三"),
    ],
)
def test_refuses(header: str | None, note: str | None) -> None:
    with pytest.raises(InvalidPurpose) as refused:
        parse_purpose(header, note, CODES)
    assert "1381234" not in str(refused.value) and "3308021990" not in str(refused.value)


def test_records_structured_and_declares_canonically() -> None:
    case = Purpose("case", "2026-001", "follow-up")
    assert case.declared == "case:2026-001"
    assert case.record() == {"kind": "case", "ref": "2026-001", "note": "follow-up"}
    assert Purpose("reason", "dispute").record() == {"kind": "reason", "code": "dispute", "note": None}


def test_reason_codes_setting() -> None:
    assert reason_codes(None) == reason_codes(" ") == DEFAULT_REASON_CODES
    assert reason_codes("flood-drill, dispute,") == {"flood-drill", "dispute"}
    with pytest.raises(ValueError, match="WANGGE_PURPOSE_CODES"):
        reason_codes("dispute,Bad Code")
