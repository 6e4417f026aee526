"""Reads composed per request: node shapes, the hops between them, and the composer of one statement.

The API compiles a read operation's root field into a `Root`: which node to start from, which
columns to read and which hops to follow, to any depth. `compose` turns that tree into ONE
statement that returns the nested result, ordered and cut exactly as the per-field loaders
would read it. Each node comes back as a list of its columns and then its steps' results, which
the unpacker that `compose` builds in the same walk (one walk numbers the steps) turns into a map
keyed by column name and `h<n>`: FalkorDB's client parses every key of
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
Cases are scoped by the caller's relation to each case, not by a list of grids: their shape
tests `CASE_SCOPE`, the very predicate of the resolvers' case statements (graph_model/cypher/case.py),
with the same parameters (`$area`, `$departments`, `$dept_grids`, `$reporter`, `$petition`).

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

from graph_model.cypher.case import CASE_SCOPE
from graph_model.division_codes import DIVISION_CODE_LENGTHS
from graph_model.generated import define
from graph_model.statement import Statement


@dataclass(frozen=True, slots=True)
class Shape:
    """How nodes of one label are read."""

    label: str
    key: str  # the property that identifies a node: what `BY_KEY` roots match and cursors hold
    order: str  # lists and pages are sorted by this property
    scope: str | None  # the property holding the grid code tested against `$s_<shape>`; None: see `predicate`
    columns: Mapping[str, str]  # column → expression over `{v}`
    predicate: str | None = None  # a row scope that is no grid list: a predicate over `{c}`; None: unscoped


def _props(*names: str) -> dict[str, str]:
    return {name: "{v}." + name for name in names}


_CASE_COLUMNS = ("id", "grid", "category", "description", "status", "priority", "source", "level", "lat", "lon",
                 "department", "assignee", "assigned_grid", "reporter", "contact", "anonymous", "reported_at", "due_at",
                 "extension_until", "satisfaction", "reworks", "extensions", "duplicate_of")  # fmt: skip

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
    "Case": Shape("Case", "id", "id", None, _props(*_CASE_COLUMNS), predicate=CASE_SCOPE),
    # A step is read only through its case, whose scope covers it.
    "CaseStep": Shape(
        "CaseStep", "seq", "seq", None, _props("seq", "action", "at", "by", "from_status", "to_status", "note")
    ),
    "WorkItemType": Shape(
        "WorkItemType",
        "code",
        "code",
        None,
        _props("code", "name", "category", "admitted", "lead", "assist", "version"),
    ),
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
    "CASE_STEPS": Hop("CaseStep", "MATCH ({p})-[:HAS_STEP]->({c}:CaseStep)", "many"),
    "CASE_WORK_ITEM": Hop("WorkItemType", "MATCH ({c}:WorkItemType {{code: {p}.category}})", "one"),
}


@dataclass(frozen=True, slots=True)
class RootFilter:
    """One test of a root page. An optional one (`param` set) is composed only when the request gives
    its parameter (`Root.given`): the loaders' LIST_* statements test `$x IS NULL OR …` on every row,
    and on a county's persons page with one filter given, the three absent tests cost FalkorDB
    ~1 ms of ~4.8 (4.75 -> 3.69 ms p50; Neo4j 9.88 -> 9.34 ms; `demo`, 300 interleaved, measured)."""

    test: str
    param: str | None = None


# The filters of root pages, as the loaders' LIST_* statements test them when given. A page of a
# shape without a grid scope (cases) compares its cursor itself, as its LIST_* statement does.
ROOT_FILTERS: Final[Mapping[str, tuple[RootFilter, ...]]] = {
    "Person": (
        RootFilter("v0.name STARTS WITH $name_prefix", "name_prefix"),
        RootFilter("any(t IN $tags WHERE t IN v0.tags)", "tags"),
        RootFilter("v0.birth_date >= $born_from", "born_from"),
        RootFilter("v0.birth_date <= $born_to", "born_to"),
    ),
    "Household": (),
    "Organization": (
        RootFilter("v0.kind = $kind", "kind"),
        RootFilter("v0.name STARTS WITH $name_prefix", "name_prefix"),
    ),
    "KeyPlace": (RootFilter("v0.kind = $kind", "kind"), RootFilter("v0.risk = $risk", "risk")),
    "Case": (  # LIST_CASES
        RootFilter("v0.id > $a0"),
        RootFilter("v0.grid STARTS WITH $within"),
        RootFilter("v0.status = $status", "status"),
        RootFilter("v0.category = $category", "category"),
    ),
    "OverdueCase": (  # LIST_OVERDUE_CASES: the cursor as a string, or FalkorDB scans every case id
        RootFilter("v0.due_at < $now"),
        RootFilter("toString(v0.id) > $a0"),
        RootFilter("v0.grid STARTS WITH $within"),
        RootFilter("v0.department = $department", "department"),
    ),
}

# Neo4j's index hints of root pages, as graph_model.cypher.overrides gives their LIST_* statements
# (FalkorDB parses no hint).
_NEO4J_ROOT_HINTS: Final[Mapping[str, str]] = {"OverdueCase": "USING INDEX v0:Case(due_at) "}


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
    `after`), or in the shape's `predicate` scope, at most `$n0`, with the root filters named `filters`
    (by default the shape's) as parameters."""

    kind: Literal["BY_KEY", "PAGE"]
    shape: str
    read: Read
    after: bool = False
    filters: str | None = None
    given: frozenset[str] = frozenset()  # the optional root filters (`RootFilter.param`) the request gives

    @property
    def name(self) -> str:
        return (self.filters or self.shape).upper()


Unpack = Callable[[list[Any]], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Composed:
    """A root field's statement, and what turns each returned `row` into its map: columns by name,
    each step's result under `h<n>`."""

    statement: Statement
    unpack: Unpack


@dataclass(frozen=True, slots=True)
class _Node:
    """A node as the composer wrote it: its subqueries, its list expression, the numbers of its own
    steps, and its unpacker."""

    clauses: list[str]
    value: str
    numbers: list[int]
    unpack: Unpack


class _Dialect:
    def __init__(self, backend: str) -> None:
        self.falkordb = backend == "falkordb"

    def call(self, imports: str, body: str) -> str:
        return f"CALL {{ WITH {imports} {body} }}" if self.falkordb else f"CALL ({imports}) {{ {body} }}"

    def after(self, var: str, key: str, param: str) -> str:
        return f"toString({var}.{key}) > ${param}" if self.falkordb else f"{var}.{key} > ${param}"


class _Composer:
    """Writes a root's statement and its unpacker in one depth-first walk, which numbers the steps."""

    def __init__(self, backend: str) -> None:
        self.dialect = _Dialect(backend)
        self.numbers = count(1)

    def obj(self, shape: Shape, read: Read, var: str) -> _Node:
        """The subqueries that read `read`'s steps from `var`, the node's list expression and its unpacker."""
        entries = [shape.columns[column].format(v=var) for column in read.columns]
        keys = list(read.columns)
        clauses, numbers, nested = [], [], []
        for step in read.steps:
            number = next(self.numbers)
            kind = HOPS[step.hop].kind
            clause, inner = self.step(step, var, number)
            clauses.append(clause)
            numbers.append(number)
            keys.append(f"h{number}")
            entries.append(f"head(h{number})" if kind == "one" else f"h{number}")
            if inner is not None:
                nested.append((f"h{number}", kind == "one", inner))
        return _Node(clauses, "[" + ", ".join(entries) + "]", numbers, _unpacker(tuple(keys), nested))

    def step(self, step: Step, parent: str, number: int) -> tuple[str, Unpack | None]:
        hop, var = HOPS[step.hop], f"v{number}"
        shape = SHAPES[hop.target]
        carried = ", ".join([var, *(var + suffix for suffix in hop.binds)])
        body = [hop.pattern.format(p=parent, c=var)]
        scope = _row_scope(shape, hop.target, var) if hop.kind != "count" else None
        tests = [scope] if scope else []
        if step.after:
            tests.append(self.dialect.after(var, shape.key, f"a{number}"))
        if step.filtered and hop.filter:
            tests.append(hop.filter.format(c=var, f=f"f{number}"))
        if tests:
            body.append(f"WITH {carried} WHERE " + " AND ".join(tests))
        if hop.kind == "count":
            body.append(f"RETURN count({var}) AS h{number}")
            return self.dialect.call(parent, " ".join(body)), None
        if hop.kind == "many":
            body.append(f"WITH {carried} ORDER BY {var}.{shape.order}" + (f" LIMIT $n{number}" if step.page else ""))
        node = self.obj(shape, step.read, var)
        body.extend(node.clauses)
        if node.clauses and hop.kind == "many":  # a subquery need not keep the order of the rows it is given
            inner = ", ".join(f"h{n}" for n in node.numbers)
            body.append(f"WITH {carried}, {inner} ORDER BY {var}.{shape.order}")
        body.append(f"RETURN collect({node.value}) AS h{number}")
        return self.dialect.call(parent, " ".join(body)), node.unpack

    def root(self, root: Root) -> tuple[str, Unpack]:
        shape = SHAPES[root.shape]
        scope = _row_scope(shape, root.shape, "v0")
        every = ROOT_FILTERS[root.filters or root.shape] if root.kind == "PAGE" else ()
        filters = [f.test for f in every if f.param is None or f.param in root.given]
        if root.kind == "BY_KEY":
            head = f"MATCH (v0:{shape.label} {{{shape.key}: $key}})"
            if scope:
                head += f" WITH v0 WHERE {scope}"
        elif shape.scope:
            tests = [f"v0.{shape.scope} IN $s_root", *filters]
            if root.after or not self.dialect.falkordb:  # Neo4j walks the id index in order and stops early
                tests.append(self.dialect.after("v0", shape.key, "a0"))
            head = f"MATCH (v0:{shape.label}) WHERE " + " AND ".join(tests)
            head += f" WITH v0 ORDER BY v0.{shape.order} LIMIT $n0"
        else:  # a predicate scope, after a `WITH` as the shape's LIST_* statement tests it
            hint = "" if self.dialect.falkordb else _NEO4J_ROOT_HINTS.get(root.filters or root.shape, "")
            head = f"MATCH (v0:{shape.label}) {hint}WHERE " + " AND ".join(filters)
            head += f" WITH v0 WHERE {scope} WITH v0 ORDER BY v0.{shape.order} LIMIT $n0"
        node = self.obj(shape, root.read, "v0")
        order = f" ORDER BY row[{root.read.columns.index(shape.order)}]" if root.kind == "PAGE" else ""
        return " ".join([head, *node.clauses, f"RETURN {node.value} AS row{order}"]), node.unpack


def _row_scope(shape: Shape, name: str, var: str) -> str | None:
    """The row scope of a node of this shape bound to `var`; None for an unscoped shape."""
    if shape.scope:
        return _in_scope(var, shape.scope, name)
    return shape.predicate.format(c=var) if shape.predicate else None


def _in_scope(var: str, prop: str, shape: str) -> str:
    """Whether the grid starts with one of the codes in `$s_<shape>`, which are division codes or whole
    grid codes: so whether one of its division prefixes, or the grid itself, is in the list. Not
    `any(p IN $s WHERE grid STARTS WITH p)`: inside nested subqueries FalkorDB 4 loses the node
    (`Unable to locate a value with alias v5 within the record`)."""
    grid, codes = f"{var}.{prop}", f"$s_{shape}"
    prefixes = [f"left({grid}, {n}) IN {codes}" for n in DIVISION_CODE_LENGTHS]
    return "(" + " OR ".join([*prefixes, f"{grid} IN {codes}"]) + ")"


def compose(root: Root, backend: str) -> Composed:
    """The one statement of a root field, and its rows' unpacker. A PAGE root's rows come sorted by
    the shape's order property, which its read must therefore include."""
    text, unpack = _Composer(backend).root(root)
    digest = hashlib.sha256(text.encode()).hexdigest()[:12]
    return Composed(Statement(f"COMPILED_{root.name}_{root.kind}_{digest}", text), unpack)  # type: ignore[arg-type]


def _unpacker(names: tuple[str, ...], nested: list[tuple[str, bool, Unpack]]) -> Unpack:
    """A node's returned list into its map; `nested` unpacks the steps that return nodes (one or a list).

        Generated as one function per node, a dict display over the list's positions: twice as fast as
        `dict(zip(names, values))` and a loop over the steps (0.52 against 1.09 µs per node, ~190 nodes a
        grid page; measured). Its text holds only these names, which are column names of `SHAPES` and
        `h<n>` step keys, written as Python literals; the nested unpackers are passed in by name
    (`graph_model.generated`)."""
    steps = {key: (one, inner) for key, one, inner in nested}
    namespace: dict[str, Any] = {}
    items = []
    for position, name in enumerate(names):
        value = f"v[{position}]"
        if name in steps:
            one, inner = steps[name]
            namespace[f"u{position}"] = inner
            value = (
                f"None if {value} is None else u{position}({value})" if one else f"[u{position}(x) for x in {value}]"
            )
        items.append(f"{name!r}: {value}")
    source = (
        "def unpack(v):\n"
        f"    if len(v) != {len(names)}:\n"
        "        raise ValueError(f'a row of {len(v)} values for " + str(len(names)) + " names')\n"
        "    return {" + ", ".join(items) + "}\n"
    )
    return define(source, "unpack", namespace, "<graph_model.cypher.compiled unpack>")
