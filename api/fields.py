"""`classified(...)`: a field declares its data class where it is defined.

The class travels in the field's metadata (read by the gate and the schema test)
and in its description, so the published SDL documents it.
"""

from typing import Any

import strawberry

from authz.classes import Action, DataClass

DATA_CLASS = "data_class"
ACTION = "action"
NODE_ENTRY = "node_entry"


def classified(
    data_class: DataClass, description: str | None = None, action: Action = Action.READ, **kwargs: Any
) -> Any:
    note = (
        f"[{data_class.value}, {data_class.level.name}" + ("" if action is Action.READ else f", {action.value}") + "]"
    )
    return strawberry.field(
        metadata={DATA_CLASS: data_class, ACTION: action},
        description=f"{description} {note}" if description else note,
        **kwargs,
    )


def classified_mutation(data_class: DataClass, action: Action, description: str) -> Any:
    """Mutations declare the class and action they need, like fields; the gate checks them the same way."""
    note = f"[{data_class.value}, {data_class.level.name}, {action.value}]"
    return strawberry.mutation(metadata={DATA_CLASS: data_class, ACTION: action}, description=f"{description} {note}")
