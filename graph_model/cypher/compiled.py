"""Reads composed per request: node shapes, the hops between them, and the composer of one statement.

The API compiles a read operation's root field into a `Root`: which node to start from, which
columns to read and which hops to follow, to any depth. `compose` turns that tree into ONE
statement that returns the nested result, ordered and cut exactly as the per-field loaders
would read it. Each node comes back as a list of its columns and then its steps' results, which
`unpacker` turns into a map keyed by column name and `h<n>`: FalkorDB's client parses every key of
a returned map as one more value, and lists instead of maps took the grid page's statement from
3.9 to 3.1 ms (measured on `demo`). Every piece of text a composed statement can hold is named here: a
shape's column expressions, a hop's pattern, a root's match and filters. The rest is generated
variable and parameter names (`v3`, `$n3`, `h3`) and map keys that are column names of these
shapes, in Python only; nothing a client writes (aliases, values) ever becomes statement text.

Row scope at every level: each node of a shape with a `scope` property is tested against
`$s_<shape>` right after it is matched, before anything is read from it or below it. `$s_<shape>`
holds the division codes that cover exactly the caller's grids for that type (see
`authz.grid_prefixes`), tested as prefixes: one or a few codes whatever the graph's size,
where a list of a city's ~2,000 grids made FalkorDB's test cost 7 ms per grid page (measured). A
root page keeps its list of grids, `$s_root`: both engines seek the grid index with an IN list.

Engines differ in two places, both chosen in `_Dialect`:
- subqueries: Neo4j 5.26 takes `CALL (x) { … }` and deprecates the importing `WITH`; FalkorDB
  takes only `CALL { WITH x … }`;
- a page's cursor: on FalkorDB `h.id > $after` beside the grid match made the planner scan the
  id index (a grid page took 16–45 ms instead of 6 ms on `demo`, measured; LIST_PERSONS, which
  always compares, has the same cause); comparing `toString(h.id)` keeps it on the grid index,
  and a first page compares nothing. Neo4j keeps the plain comparison, on a first root page too
  (against ""): it then reads the id index in order and stops at the page's end (a county's
  persons page statement: 26 ms without it, 12-20 ms with, on a par with LIST_PERSONS; measured).
"""

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from itertools import count
from typing import Any, Final, Literal

from graph_model.division_codes import DIVISION_CODE_LENGTHS
from graph_model.statement import Statement


@dataclass(frozen=True, slots=True)
class Shape:
    """How nodes of one label are read."""

    label: str
    key: str  # the property that identifies a node: what `BY_KEY` roots match and cursors hold
    order: str  # lists and pages are sorted by this property
    scope: str | None  # the property holding the grid code tested against `$s_<shape>`; None: unscoped
    columns: Mapping[str, str]  # column → expression over `{v}`


def _props(*names: str) -> dict[str, str]:
    return {name: "{v}." + name for name in names}


SHAPES: Final[Mapping[str, Shape]] = {
    "Person": Shape(
        "Person",
        "id",
        "id",
        "grid",
        {
            **_props("id", "grid", "name", "gender", "birth_date", "residency", "id_number", "phone", "tags"),
            "relation": "head([({v})-[m:MEMBER_OF]->() | m.relation])",
        },
    ),
    "Household": Shape("Household", "id", "id", "grid", _props("id", "grid", "kind")),
    "Dwelling": Shape("Dwelling", "id", "id", "scope", _props("id", "unit", "room")),
    "Building": Shape("Building", "id", "id", "grid", _props("id", "grid", "address", "kind", "lat", "lon")),
    "Organization": Shape("Organization", "id", "id", "scope", _props("id", "name", "uscc", "kind")),
    "KeyPlace": Shape("KeyPlace", "id", "id", "grid", _props("id", "grid", "name", "kind", "risk")),
    "Grid": Shape("Grid", "id", "code", None, _props("id", "code", "name", "kind", "boundary")),
    "Division": Shape("Division", "code", "code", None, _props("code", "name", "level")),
    "Staff": Shape("Staff", "id", "id", None, {**_props("id", "name", "phone"), "role": "{v}_r.role"}),
}


@dataclass(frozen=True, slots=True)
class Hop:
    """From a node `{p}` to the nodes `{c}` it leads to: one, a sorted list, or a count. A count is
    a figure about a grid, not rows: it is not narrowed by row scope (the API decides whether it
    may answer at all, by the count's class).

    `binds` names further variables the pattern binds (suffixes of `{c}`) that columns read, so
    they are carried along with `{c}`; `filter` is a predicate over them taking `${f}`."""

    target: str
    pattern: str
    kind: Literal["one", "many", "count"]
    binds: tuple[str, ...] = ()
    filter: str | None = None


HOPS: Final[Mapping[str, Hop]] = {
    "PERSON_HOUSEHOLD": Hop("Household", "MATCH ({c}:Household {{id: {p}.household}})", "one"),
    "IN_GRID": Hop("Grid", "MATCH ({c}:Grid {{id: {p}.grid}})", "one"),
    "HOUSEHOLD_MEMBERS": Hop("Person", "MATCH ({c}:Person)-[:MEMBER_OF]->({p})", "many"),
    "HOUSEHOLD_DWELLING": Hop("Dwelling", "MATCH ({c}:Dwelling {{id: {p}.dwelling}})", "one"),
    "DWELLING_BUILDING": Hop("Building", "MATCH ({c}:Building {{id: {p}.building}})", "one"),
    "BUILDING_ORGANIZATIONS": Hop("Organization", "MATCH ({c}:Organization)-[:LOCATED_IN]->({p})", "many"),
    "ORGANIZATION_BUILDING": Hop("Building", "MATCH ({c}:Building {{id: {p}.building}})", "one"),
    "GRID_VILLAGE": Hop("Division", "MATCH ({c}:Division {{code: {p}.village}})", "one"),
    "GRID_HOUSEHOLDS": Hop("Household", "MATCH ({c}:Household {{grid: {p}.id}})", "many"),
    "GRID_BUILDINGS": Hop("Building", "MATCH ({c}:Building {{grid: {p}.id}})", "many"),
    "GRID_KEY_PLACES": Hop("KeyPlace", "MATCH ({c}:KeyPlace {{grid: {p}.id}})", "many"),
    "GRID_STAFF": Hop(
        "Staff", "MATCH ({c}:Staff)-[{c}_r:SERVES]->({p})", "many", binds=("_r",), filter="{c}_r.role = ${f}"
    ),
    "GRID_HOUSEHOLD_COUNT": Hop("Household", "MATCH ({c}:Household {{grid: {p}.id}})", "count"),
    "GRID_PERSON_COUNT": Hop("Person", "MATCH ({c}:Person {{grid: {p}.id}})", "count"),
    "DIVISION_PARENT": Hop("Division", "MATCH ({c}:Division {{code: {p}.parent}})", "one"),
    "DIVISION_CHILDREN": Hop("Division", "MATCH ({c}:Division)-[:PART_OF]->({p})", "many"),
    "DIVISION_GRIDS": Hop("Grid", "MATCH ({c}:Grid) WHERE {c}.code STARTS WITH {p}.code", "many"),
}

# The filters of root pages, as the loaders' LIST_* statements test them (`$x IS NULL OR …`, so one
# text serves every combination and the planner sees the shape it was measured with).
ROOT_FILTERS: Final[Mapping[str, tuple[str, ...]]] = {
    "Person": (
        "($name_prefix IS NULL OR v0.name STARTS WITH $name_prefix)",
        "($tags IS NULL OR any(t IN $tags WHERE t IN v0.tags))",
        "($born_from IS NULL OR v0.birth_date >= $born_from)",
        "($born_to IS NULL OR v0.birth_date <= $born_to)",
    ),
    "Household": (),
    "Organization": (
        "($kind IS NULL OR v0.kind = $kind)",
        "($name_prefix IS NULL OR v0.name STARTS WITH $name_prefix)",
    ),
    "KeyPlace": ("($kind IS NULL OR v0.kind = $kind)", "($risk IS NULL OR v0.risk = $risk)"),
}


@dataclass(frozen=True, slots=True)
class Read:
    """What to read at one node: columns of its shape, and steps to follow from it."""

    columns: tuple[str, ...]
    steps: tuple["Step", ...] = ()


@dataclass(frozen=True, slots=True)
class Step:
    """One hop followed from a node. Steps are numbered in depth-first pre-order from 1 (the root is
    0): step i reads `$n<i>` rows at most when `page`, after `$a<i>` when `after`, with `$f<i>` when
    `filtered`, and its result is the map key `h<i>` of its parent."""

    hop: str
    read: Read = field(default_factory=lambda: Read(()))
    page: bool = False
    after: bool = False
    filtered: bool = False


@dataclass(frozen=True, slots=True)
class Root:
    """`BY_KEY`: the node whose key is `$key` (in scope); `PAGE`: nodes in `$s_root` (after `$a0` when
    `after`), at most `$n0`, with the shape's root filters as parameters."""

    kind: Literal["BY_KEY", "PAGE"]
    shape: str
    read: Read
    after: bool = False


class _Dialect:
    def __init__(self, backend: str) -> None:
        self.falkordb = backend == "falkordb"

    def call(self, imports: str, body: str) -> str:
        return f"CALL {{ WITH {imports} {body} }}" if self.falkordb else f"CALL ({imports}) {{ {body} }}"

    def after(self, var: str, key: str, param: str) -> str:
        return f"toString({var}.{key}) > ${param}" if self.falkordb else f"{var}.{key} > ${param}"


class _Composer:
    def __init__(self, backend: str) -> None:
        self.dialect = _Dialect(backend)
        self.numbers = count(1)

    def obj(self, shape: Shape, read: Read, var: str) -> tuple[list[str], str]:
        """The subqueries that read `read`'s steps from `var`, and the list expression of the node."""
        entries = [shape.columns[column].format(v=var) for column in read.columns]
        clauses = []
        for step in read.steps:
            number = next(self.numbers)
            clauses.append(self.step(step, var, number))
            entries.append(f"head(h{number})" if HOPS[step.hop].kind == "one" else f"h{number}")
        return clauses, "[" + ", ".join(entries) + "]"

    def step(self, step: Step, parent: str, number: int) -> str:
        hop, var = HOPS[step.hop], f"v{number}"
        shape = SHAPES[hop.target]
        carried = ", ".join([var, *(var + suffix for suffix in hop.binds)])
        body = [hop.pattern.format(p=parent, c=var)]
        tests = [_in_scope(var, shape.scope, hop.target)] if shape.scope and hop.kind != "count" else []
        if step.after:
            tests.append(self.dialect.after(var, shape.key, f"a{number}"))
        if step.filtered and hop.filter:
            tests.append(hop.filter.format(c=var, f=f"f{number}"))
        if tests:
            body.append(f"WITH {carried} WHERE " + " AND ".join(tests))
        if hop.kind == "count":
            body.append(f"RETURN count({var}) AS h{number}")
            return self.dialect.call(parent, " ".join(body))
        if hop.kind == "many":
            body.append(f"WITH {carried} ORDER BY {var}.{shape.order}" + (f" LIMIT $n{number}" if step.page else ""))
        clauses, value = self.obj(shape, step.read, var)
        body.extend(clauses)
        if clauses and hop.kind == "many":  # a subquery need not keep the order of the rows it is given
            inner = ", ".join(f"h{n}" for n in _direct_numbers(step, number))
            body.append(f"WITH {carried}, {inner} ORDER BY {var}.{shape.order}")
        body.append(f"RETURN collect({value}) AS h{number}")
        return self.dialect.call(parent, " ".join(body))

    def root(self, root: Root) -> str:
        shape = SHAPES[root.shape]
        if root.kind == "BY_KEY":
            head = f"MATCH (v0:{shape.label} {{{shape.key}: $key}})"
            if shape.scope:
                head += f" WITH v0 WHERE {_in_scope('v0', shape.scope, root.shape)}"
        else:
            tests = [f"v0.{shape.scope} IN $s_root", *ROOT_FILTERS[root.shape]]
            if root.after or not self.dialect.falkordb:  # Neo4j walks the id index in order and stops early
                tests.append(self.dialect.after("v0", shape.key, "a0"))
            head = f"MATCH (v0:{shape.label}) WHERE " + " AND ".join(tests)
            head += f" WITH v0 ORDER BY v0.{shape.order} LIMIT $n0"
        clauses, value = self.obj(shape, root.read, "v0")
        order = f" ORDER BY row[{root.read.columns.index(shape.order)}]" if root.kind == "PAGE" else ""
        tail = f"RETURN {value} AS row{order}"
        return " ".join([head, *clauses, tail])


def _in_scope(var: str, prop: str, shape: str) -> str:
    """Whether the grid starts with one of the codes in `$s_<shape>`, which are division codes or whole
    grid codes: so whether one of its division prefixes, or the grid itself, is in the list. Not
    `any(p IN $s WHERE grid STARTS WITH p)`: inside nested subqueries FalkorDB 4 loses the node
    (`Unable to locate a value with alias v5 within the record`)."""
    grid, codes = f"{var}.{prop}", f"$s_{shape}"
    prefixes = [f"left({grid}, {n}) IN {codes}" for n in DIVISION_CODE_LENGTHS]
    return "(" + " OR ".join([*prefixes, f"{grid} IN {codes}"]) + ")"


def _direct_numbers(step: Step, number: int) -> list[int]:
    """The numbers of a step's own child steps, given its number (pre-order: each child follows the
    whole subtree of the one before it)."""
    numbers, at = [], number + 1
    for child in step.read.steps:
        numbers.append(at)
        at += _size(child)
    return numbers


def _size(step: Step) -> int:
    return 1 + sum(_size(child) for child in step.read.steps)


def compose(root: Root, backend: str) -> Statement:
    """The one statement of a root field. A PAGE root's rows come sorted by the shape's order
    property, which its read must therefore include."""
    text = _Composer(backend).root(root)
    digest = hashlib.sha256(text.encode()).hexdigest()[:12]
    return Statement(f"COMPILED_{root.shape.upper()}_{root.kind}_{digest}", text)  # type: ignore[arg-type]


Unpack = Callable[[list[Any]], dict[str, Any]]


def unpacker(read: Read) -> Unpack:
    """Turns a node's returned list into its map: columns by name, each step's result under `h<n>`,
    numbered as `compose` numbers them (depth-first pre-order from 1)."""
    return _unpack(read, count(1))


def _unpack(read: Read, numbers: "count[int]") -> Unpack:
    keys = list(read.columns)
    nested: list[tuple[str, bool, Unpack]] = []
    for step in read.steps:
        key = f"h{next(numbers)}"
        keys.append(key)
        if HOPS[step.hop].kind != "count":
            nested.append((key, HOPS[step.hop].kind == "one", _unpack(step.read, numbers)))
    names = tuple(keys)

    def unpack(values: list[Any]) -> dict[str, Any]:
        row = dict(zip(names, values, strict=True))
        for key, one, inner in nested:
            value = row[key]
            if one:
                row[key] = None if value is None else inner(value)
            else:
                row[key] = [inner(item) for item in value]
        return row

    return unpack
