"""`classified(...)`: a field declares its data class where it is defined.

The class travels in the field's metadata (read by the gate and the schema test)
and in its description, so the published SDL documents it.
"""

from typing import Any

import strawberry

from authz.classes import DataClass

DATA_CLASS = "data_class"


def classified(data_class: DataClass, description: str | None = None, **kwargs: Any) -> Any:
    note = f"[{data_class.value}, {data_class.level.name}]"
    return strawberry.field(
        metadata={DATA_CLASS: data_class},
        description=f"{description} {note}" if description else note,
        **kwargs,
    )
