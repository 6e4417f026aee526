"""Shapers: the closures a plan is made of, that turn a composed statement's nested maps into the
response value of one field.

A shaper is built once per plan structure and shared by every request that plan serves (see
`api.compiled.cache`): it must hold nothing of a request. Whatever depends on the caller or the
request (masking per row's grid, per-grid figures, derived values that consult the access, the
clock, page sizes) is read from the request's `Served` while shaping.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import GraphQLEnumType

from api import global_id
from api.pagination import encode_cursor
from authz.classes import DataClass
from authz.gate import Access
from authz.masking import served_raw
from graph_model.generated import define

Shaper = Callable[[dict[str, Any], "Served"], Any]
RootShaper = Callable[[list[dict[str, Any]], "Served"], Any]
Mask = Callable[[Any], Any]
Entry = tuple[str, Shaper, str | None, Mask | None]  # alias, value, and the class (value) and mask of a personal one


class Uncompiled(Exception):
    """This operation runs through the resolvers (see `api.compiled.plan` for when)."""


@dataclass
class Served:
    """What shaping needs of the request, for one root field: its access, its clock (epoch ms, read
    once: whether a case is overdue), the root's statement parameters (page sizes), and the rows it
    served, for the audit record."""

    access: Access
    now_ms: int
    params: Mapping[str, Any]
    touched: dict[str, set[str]] = field(default_factory=dict)
    _raw: dict[str, dict[str, bool]] = field(default_factory=dict)

    def record(self, type_name: str, raw_id: str) -> None:
        self.touched.setdefault(type_name, set()).add(raw_id)

    def raw_in(self, grid: str) -> dict[str, bool]:
        """Which personal classes (by value: an enum member hashes in Python) are served raw in this
        grid: decided once per grid, not per value."""
        found = self._raw.get(grid)
        if found is None:
            raw = served_raw(lambda data_class: self.access.is_raw(data_class, grid))
            found = self._raw[grid] = {data_class.value: served for data_class, served in raw.items()}
        return found


def constant(value: str) -> Shaper:
    return lambda obj, served: value


def enum_name(named: GraphQLEnumType) -> Callable[[Any], Any]:
    """A stored value that is no member fails in the resolver (with an error the resolvers word)."""
    names = {getattr(v.value, "value", v.value): name for name, v in named.values.items()}

    def name(value: Any) -> str:
        found = names.get(value)
        if found is None:
            raise Uncompiled
        return found

    return name


@dataclass(frozen=True, slots=True)
class ColumnValue:
    """The stored value as the scalar serializes it; a personal value is masked by the object's shaper,
    which writes the common cases inline (`_expression`)."""

    name: str
    convert: Callable[[Any], Any] | None
    non_null: bool

    def __call__(self, obj: dict[str, Any], served: "Served") -> Any:
        value = obj[self.name]
        if value is None:
            if self.non_null:
                raise Uncompiled
            return None
        return value if self.convert is None else self.convert(value)


def column(name: str, convert: Callable[[Any], Any] | None, non_null: bool) -> Shaper:
    return ColumnValue(name, convert, non_null)


@dataclass(frozen=True, slots=True)
class GlobalIdValue:
    type_name: str
    key: str

    def __call__(self, obj: dict[str, Any], served: "Served") -> str:
        return global_id.encode(self.type_name, obj[self.key])


def global_id_of(type_name: str, key: str) -> Shaper:
    return GlobalIdValue(type_name, key)


def figure(key: str, data_class: DataClass) -> Shaper:
    def value(obj: dict[str, Any], served: Served) -> int | None:
        return int(obj[key]) if served.access.covers(data_class, obj["code"]) else None

    return value


def derived(compute: Callable[[Mapping[str, Any], Access, int], Any]) -> Shaper:
    return lambda obj, served: compute(obj, served.access, served.now_ms)


def object_shaper(entries: list[Entry], row_type: str | None, key: str) -> Shaper:
    """One response object; a person's values are masked per its grid (the masked form of a
    non-null value may be null: a withheld birth date, so those are not checked for null).

    Generated as one function per object of the plan: a dict display that reads plain columns and
    global ids inline, instead of a call per field through a loop (the grid page's ~190 objects
    took ~380 µs to shape that way). The text holds no client text: aliases are read from the
    tuple `K`, the getters, masks and classes are passed in by name, and the only literals are
    column names of `graph_model.cypher.compiled.SHAPES` (`graph_model.generated`)."""
    namespace: dict[str, Any] = {"K": tuple(alias for alias, _, _, _ in entries), "encode": global_id.encode}
    lines = ["def shape(obj, served):"]
    if row_type is not None:
        namespace["ROW"] = row_type
        lines.append(f"    served.record(ROW, obj[{key!r}])")
    if any(data_class is not None for _, _, data_class, _ in entries):
        lines.append("    raw = served.raw_in(obj['grid'])")
    values = []
    for i, (_, get, data_class, mask) in enumerate(entries):
        value = _expression(i, get, namespace)
        if data_class is not None:
            namespace[f"m{i}"], namespace[f"d{i}"] = mask, data_class
            lines.append(f"    x{i} = {value}")
            value = f"x{i} if raw[d{i}] else m{i}(x{i})"
        values.append(f"K[{i}]: {value}")
    lines.append("    return {" + ", ".join(values) + "}")
    return define("\n".join(lines) + "\n", "shape", namespace, "<api.compiled.shapers object>")


def _expression(i: int, get: Shaper, namespace: dict[str, Any]) -> str:
    """The value of entry `i` as an expression over `obj` and `served`."""
    if isinstance(get, ColumnValue) and not get.non_null:
        if get.convert is None:
            return f"obj[{get.name!r}]"
        namespace[f"c{i}"] = get.convert
        return f"(None if (t := obj[{get.name!r}]) is None else c{i}(t))"
    if isinstance(get, GlobalIdValue):
        namespace[f"t{i}"] = get.type_name
        return f"encode(t{i}, obj[{get.key!r}])"
    namespace[f"g{i}"] = get
    return f"g{i}(obj, served)"


def at(key: str, shaper: Shaper) -> Shaper:
    return lambda obj, served: shaper(obj[key], served)


def each(key: str, shaper: Shaper) -> Shaper:
    return lambda obj, served: [shaper(item, served) for item in obj[key]]


def one(key: str, shaper: Shaper, non_null: bool) -> Shaper:
    def single(obj: dict[str, Any], served: Served) -> Any:
        value = obj[key]
        if value is None:
            if non_null:
                raise Uncompiled
            return None
        return shaper(value, served)

    return single


def connection(parts: list[tuple[str, str, Any]], rows_param: str, row_type: str | None) -> Shaper:
    """A page read with one extra row (`rows_param` holds the page size plus one, a parameter of the
    request): the extra row says whether another page follows (and is on the audit record, as the
    loaders record every row they fetch)."""

    def shape(rows: list[dict[str, Any]], served: Served) -> dict[str, Any]:
        if row_type is not None:
            for row in rows:
                served.record(row_type, row["id"])
        size = served.params[rows_param] - 1
        page = rows[:size]
        out: dict[str, Any] = {}
        for alias, name, spec in parts:
            if name == "__typename":
                out[alias] = spec
            elif name == "nodes":
                out[alias] = [spec(row, served) for row in page]
            elif name == "pageInfo":
                out[alias] = _page_info(spec, page, len(rows) > size)
            else:
                out[alias] = [_edge(spec, row, served) for row in page]
        return out

    return shape


def _edge(fields: list[tuple[str, str, Any]], row: dict[str, Any], served: Served) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for alias, name, spec in fields:
        if name == "node":
            out[alias] = spec(row, served)
        elif name == "cursor":
            out[alias] = encode_cursor(row["id"])
        else:
            out[alias] = spec
    return out


def _page_info(fields: list[tuple[str, str]], page: list[dict[str, Any]], more: bool) -> dict[str, Any]:
    """`fields`: (alias, field name) of the selected PageInfo fields."""
    out: dict[str, Any] = {}
    for alias, name in fields:
        if name == "hasNextPage":
            out[alias] = more
        elif name == "endCursor":
            out[alias] = encode_cursor(page[-1]["id"]) if page else None
        else:
            out[alias] = "PageInfo"
    return out


def found(shaper: Shaper) -> RootShaper:
    def first(rows: list[dict[str, Any]], served: Served) -> Any:
        if not rows:
            raise Uncompiled  # NOT_FOUND, worded by the resolver
        return shaper(rows[0], served)

    return first
