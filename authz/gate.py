"""The gate's decision for one operation, made before any resolver runs.

Input: what the operation asks for (each field's and each filter's path, data class,
action and the types whose rows it reads, plus any introspection) and the subject's
compiled capabilities. Output: the denied paths, the L4 classes that would be served
raw without a declared purpose, and the row scope and masking that execution must apply.
Default deny: a class with no rule is allowed nowhere.

A filter tests stored values, so it is a raw need: only `read` satisfies it, never
`read_masked`. Its grids are the raw grids, and like every need of a type they narrow
that type's row scope for the whole request: who reads names raw in grid A and masked
in grid B may filter by name prefix, but only over A's rows, so B's masked names cannot
be recovered by probing.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from authz.capabilities import Capabilities
from authz.case_scope import NO_CASES, CaseScope, case_scope
from authz.classes import PUBLIC_CLASSES, Action, DataClass, Level
from authz.grid_prefixes import covering_prefixes
from authz.rules import Rule

UNSCOPED_CLASSES = PUBLIC_CLASSES | {DataClass.POLICY, DataClass.AUDIT, DataClass.WEBHOOK, DataClass.WEBHOOK_DELIVERY}
CASE_ROWS = ("Case", "CaseEvent")  # row types whose scope is refined by the caller's relation to each case


class Need(NamedTuple):
    """One thing an operation asks for. A tuple, not a dataclass: the walk makes dozens per request."""

    path: str  # the response path, aliases as the client wrote them: named back to the client only
    schema_path: str  # the same path in schema field names: what the audit keeps
    data_class: DataClass
    action: Action
    row_types: tuple[str, ...]  # the types whose rows this field reads: its parent, and what it returns
    raw: bool = False  # tests stored values (a filter): satisfied by unmasked reading only


@dataclass(frozen=True, slots=True)
class Needs:
    """Everything one operation asks for, as the walk found it."""

    fields: tuple[Need, ...]
    introspection: tuple[tuple[str, str], ...] = ()  # (response path, field name) of `__schema` / `__type`


@dataclass
class Access:
    """Row scope per type (grid codes) and raw-vs-masked per class, for one request.

    `by_class` holds, for fields that read no rows of their own (per-grid counts), the grids
    where their class may be read: such a field answers only for a grid in there.
    """

    grids: dict[str, frozenset[str]] = field(default_factory=dict)
    raw: dict[DataClass, frozenset[str]] = field(default_factory=dict)
    by_class: dict[DataClass, frozenset[str]] = field(default_factory=dict)
    touched: dict[str, set[str]] = field(default_factory=dict)  # row type → ids that left the graph
    cases: CaseScope = NO_CASES  # the row scope of cases, which depends on the caller's relation to each
    catalog: Sequence[str] = ()  # every grid, sorted, as the decision saw them
    _lists: dict[str, list[str]] = field(default_factory=dict, repr=False)
    _prefixes: dict[str, list[str]] = field(default_factory=dict, repr=False)

    def adopt(self, decided: "Access") -> None:
        """Take the gate's decision into the request's Access, which the loaders already hold."""
        self.grids, self.raw, self.by_class, self._lists = decided.grids, decided.raw, decided.by_class, {}
        self.cases, self.catalog, self._prefixes = decided.cases, decided.catalog, {}

    def record(self, type_name: str, ids: Iterable[str]) -> None:
        """Loaders report the ids they fetched, for the audit record's data subjects."""
        self.touched.setdefault(type_name, set()).update(ids)

    @classmethod
    def everything(cls, type_names: Iterable[str], catalog: Sequence[str]) -> "Access":
        """No row scope and no masking: only for measuring the gate's own cost (bench/authz)."""
        grids = frozenset(catalog)
        every = dict.fromkeys(DataClass, grids)
        return cls({t: grids for t in type_names}, every, dict(every), catalog=catalog)

    def grid_list(self, type_name: str) -> list[str]:
        """Grids whose rows of this type may leave the database; no decision means none.

        Every loader batch asks, and a city-wide scope holds ~2,000 grids: the list is built once."""
        if type_name not in self._lists:
            self._lists[type_name] = sorted(self.grids.get(type_name, ()))
        return self._lists[type_name]

    def grid_prefixes(self, type_name: str) -> list[str]:
        """The same grids as `grid_list`, as the division codes that cover exactly them (see
        `authz.grid_prefixes`): what a statement tests a row's grid against with STARTS WITH."""
        if type_name not in self._prefixes:
            self._prefixes[type_name] = covering_prefixes(self.grids.get(type_name, frozenset()), self.catalog)
        return self._prefixes[type_name]

    def is_raw(self, data_class: DataClass, grid: str) -> bool:
        return grid in self.raw.get(data_class, ())

    def covers(self, data_class: DataClass, grid: str) -> bool:
        """May a field of this class that reads no rows (a per-grid count) answer for this grid."""
        return grid in self.by_class.get(data_class, ())


@dataclass
class Decision:
    denied: list[str]  # response paths: what the client is told
    denied_fields: list[str]  # the same in schema paths: what the audit keeps (no client-chosen aliases)
    missing_purpose: list[str]
    access: Access

    @property
    def allowed(self) -> bool:
        return not self.denied and not self.missing_purpose


def _readable(action: Action, raw: bool = False) -> tuple[Action, ...]:
    """Reading masked is implied by reading raw; a raw need takes raw; other actions stand alone."""
    if action is Action.READ:
        return (Action.READ,) if raw else (Action.READ, Action.READ_MASKED)
    return (action,)


class _RulesByRole:
    """The rules in force indexed by role, built once per rule set: the engine holds its rules as a
    tuple that changes only with the policy version, and scanning them all for every request would
    cost more than the rest of the decision. Other sequences (tests) are indexed on each call."""

    def __init__(self) -> None:
        self._rules: tuple[Rule, ...] | None = None
        self._index: dict[str, list[Rule]] = {}

    def __call__(self, rules: Iterable[Rule]) -> dict[str, list[Rule]]:
        if rules is self._rules:
            return self._index
        index: dict[str, list[Rule]] = {}
        for rule in rules:
            index.setdefault(rule.role, []).append(rule)
        if isinstance(rules, tuple):
            self._rules, self._index = rules, index
        return index


_rules_by_role = _RulesByRole()


def deciding_rules(caps: Capabilities, rules: Iterable[Rule], needs: Sequence[Need]) -> list[str]:
    """The rules of the subject's roles that bear on what the operation asked, as role|class|action|effect."""
    wanted = {(n.data_class.value, a.value) for n in needs for a in _readable(n.action, n.raw)}
    by_role = _rules_by_role(rules)
    return sorted(
        {
            "|".join(r.as_casbin())
            for role in {g.policy_role for g in caps.grants}
            for r in by_role.get(role, ())
            if (r.data_class, r.action) in wanted
        }
    )


def _grids(
    caps: Capabilities, data_class: DataClass, actions: Sequence[Action], catalog: Sequence[str]
) -> frozenset[str]:
    """Grids where any of the actions is allowed. Usually one action is held, and its memoised set
    is answered as is: no new set per request, and equal needs share one object."""
    found = caps.grids(data_class.value, actions[0].value, catalog)
    for action in actions[1:]:
        more = caps.grids(data_class.value, action.value, catalog)
        if more and not found:
            found = more
        elif more and not more <= found:
            found = found | more
    return found


def _common(sets: Sequence[frozenset[str]]) -> frozenset[str]:
    """The intersection, without building a set when the smallest is within all others (the usual
    case: a role's classes are granted in the same jurisdictions)."""
    smallest = min(sets, key=len)
    if all(smallest <= other for other in sets if other is not smallest):
        return smallest
    return frozenset.intersection(*sets)


def decide(caps: Capabilities, needs: Needs, catalog: Sequence[str], purpose: str | None) -> Decision:
    """Needs are grouped by (class, action, raw) first: an operation asks the same class of many
    fields, and each group's grids (a union over hundreds of grids at county scope) are computed
    once and shared, which also keeps each type's intersection to one operand per group."""
    refused: set[tuple[str, str]] = set()  # (response path, schema path)
    if needs.introspection and not caps.grants:  # the schema is shown to holders of a grant only
        refused.update(needs.introspection)
    groups: dict[tuple[DataClass, Action, bool], list[Need]] = {}
    for need in needs.fields:
        groups.setdefault((need.data_class, need.action, need.raw), []).append(need)
    access = Access(catalog=catalog)
    per_type: dict[str, dict[int, frozenset[str]]] = {}  # type → the distinct grid sets of its groups
    reading: dict[str, dict[DataClass, None]] = {}  # type → the classes it reads (ordered, no repeats)
    for (data_class, action, raw), group in groups.items():
        actions = _readable(action, raw)
        if data_class in UNSCOPED_CLASSES:
            if not any(caps.scope(data_class.value, a.value).anywhere for a in actions):
                refused.update((n.path, n.schema_path) for n in group)
            continue
        grids = _grids(caps, data_class, actions, catalog)
        if not grids:
            refused.update((n.path, n.schema_path) for n in group)
            continue
        for need in group:
            if not need.row_types:
                known = access.by_class.get(data_class)
                access.by_class[data_class] = grids if known is None else known & grids
            for type_name in need.row_types:
                per_type.setdefault(type_name, {})[id(grids)] = grids
                if action is Action.READ:
                    reading.setdefault(type_name, {})[data_class] = None
    missing: set[str] = set()
    for type_name, distinct in per_type.items():
        scope = _common(list(distinct.values()))
        if not scope:
            refused.update(
                (n.path, n.schema_path)
                for n in needs.fields
                if type_name in n.row_types and n.data_class not in UNSCOPED_CLASSES
            )
            continue
        access.grids[type_name] = scope
        for data_class in reading.get(type_name, ()):
            if data_class in access.raw:
                continue
            raw_grids = access.raw[data_class] = caps.grids(data_class.value, Action.READ.value, catalog)
            if data_class.level is Level.L4 and not purpose and not raw_grids.isdisjoint(scope):
                missing.add(data_class.value)
    case_grids = [access.grids[t] for t in CASE_ROWS if t in access.grids]
    if case_grids:
        access.cases = case_scope(caps, _common(case_grids), catalog, purpose)
    denied = sorted({path for path, _ in refused})
    return Decision(denied, sorted({schema_path for _, schema_path in refused}), sorted(missing), access)
