"""Global ids are base64url of "Type:id" without padding, as clients have always received them."""

import base64

from hypothesis import given
from hypothesis import strategies as st

from api import global_id

_TYPES = st.sampled_from(["Person", "Household", "Grid", "Building", "Case"])
_IDS = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40)


@given(_TYPES, _IDS)
def test_an_id_is_encoded_as_urlsafe_base64_without_padding_and_decodes_back(type_name: str, raw_id: str) -> None:
    expected = base64.urlsafe_b64encode(f"{type_name}:{raw_id}".encode()).decode().rstrip("=")
    encoded = global_id.encode(type_name, raw_id)
    assert encoded == expected
    assert global_id.decode(encoded, type_name) == (type_name, raw_id)


def test_ids_whose_base64_holds_plus_or_slash_get_the_url_safe_letters() -> None:
    encoded = global_id.encode("Person", "\u00ff\u00fe?>")
    assert "-" in encoded or "_" in encoded
    assert "+" not in encoded and "/" not in encoded and not encoded.endswith("=")
