"""The masking table: complete for the Person type, and masked forms in the shapes the API promises."""

from api.fields import DATA_CLASS
from api.person.types import Person
from authz.classes import DataClass
from authz.masking import MASKS, Keep


def test_the_table_names_every_personal_field_of_a_person() -> None:
    """A field added to Person under a personal class must get a row, or it would be served raw to masked readers."""
    fields = Person.__strawberry_definition__.fields  # type: ignore[attr-defined]
    classified = {(f.metadata[DATA_CLASS], f.python_name) for f in fields if f.metadata and DATA_CLASS in f.metadata}
    personal = {(c, name) for c, name in classified if c.value.startswith("person.")}
    assert personal == {(c, name) for c, table in MASKS.items() for name in table}


def test_masked_forms_star_every_hidden_position() -> None:
    assert MASKS[DataClass.PERSON_IDENTITY]["id_number"]("33080219850312123X") == "330802************"
    assert MASKS[DataClass.PERSON_CONTACT]["phone"]("13812345678") == "138****5678"
    assert MASKS[DataClass.PERSON_BASIC]["name"]("欧阳修") == "欧**"


def test_a_value_too_short_to_keep_anything_is_hidden_whole() -> None:
    assert Keep(3, 4)("1381234") == "*******"
    assert Keep(1)("张") == "*"
