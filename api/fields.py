"""`classified(...)`: a field declares its data class where it is defined; `filter_field(...)` and
`filter_argument(...)` do the same for the inputs that test stored values.

The class travels in the metadata (read by the gate and the schema tests) and in the
description, so the published SDL documents it. A filter, a sort key or a bound says
something about the values it tests even when the field itself would come masked (who has
the tag "disabled", whose name starts with 张), so using one needs the class unmasked: the
gate collects it as a raw need, and the SDL marks it `unmasked`.
"""

from typing import Any

import strawberry

from authz.classes import Action, DataClass

DATA_CLASS = "data_class"
ACTION = "action"
NODE_ENTRY = "node_entry"


def _note(data_class: DataClass, qualifier: str | None = None) -> str:
    return f"[{data_class.value}, {data_class.level.name}" + (f", {qualifier}]" if qualifier else "]")


def _described(description: str | None, note: str) -> str:
    return f"{description} {note}" if description else note


def classified(
    data_class: DataClass, description: str | None = None, action: Action = Action.READ, **kwargs: Any
) -> Any:
    note = _note(data_class, None if action is Action.READ else action.value)
    return strawberry.field(
        metadata={DATA_CLASS: data_class, ACTION: action}, description=_described(description, note), **kwargs
    )


def classified_mutation(data_class: DataClass, action: Action, description: str) -> Any:
    """Mutations declare the class and action they need, like fields; the gate checks them the same way."""
    return strawberry.mutation(
        metadata={DATA_CLASS: data_class, ACTION: action},
        description=_described(description, _note(data_class, action.value)),
    )


def filter_field(data_class: DataClass, description: str | None = None) -> Any:
    """An optional input field that tests stored values of `data_class`."""
    return strawberry.field(
        default=None,
        metadata={DATA_CLASS: data_class},
        description=_described(description, _note(data_class, "unmasked")),
    )


def filter_argument(data_class: DataClass, description: str | None = None, name: str | None = None) -> Any:
    """A field argument that tests stored values of `data_class` (use inside `Annotated`); `name` for an
    argument whose GraphQL name is a Python keyword (`from`)."""
    return strawberry.argument(
        name=name, metadata={DATA_CLASS: data_class}, description=_described(description, _note(data_class, "unmasked"))
    )
