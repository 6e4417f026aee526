"""The gate's decision for one operation, made before any resolver runs.

Input: what the operation asks for (each field's path, data class, action and the
types it reads) and the subject's compiled capabilities. Output: the denied paths,
the L4 classes that would be served raw without a declared purpose, and the row
scope and masking that execution must apply. Default deny: a class with no rule is
allowed nowhere.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from authz.capabilities import Capabilities
from authz.classes import PUBLIC_CLASSES, Action, DataClass, Level
from authz.rules import Rule

UNSCOPED_CLASSES = PUBLIC_CLASSES | {DataClass.POLICY, DataClass.AUDIT}


@dataclass(frozen=True, slots=True)
class Need:
    path: str
    data_class: DataClass
    action: Action
    row_types: tuple[str, ...]  # the types whose rows this field reads: its parent, and what it returns


@dataclass
class Access:
    """Row scope per type (grid codes) and raw-vs-masked per class, for one request."""

    grids: dict[str, frozenset[str]] = field(default_factory=dict)
    raw: dict[DataClass, frozenset[str]] = field(default_factory=dict)
    touched: dict[str, set[str]] = field(default_factory=dict)  # row type → ids that left the graph
    _lists: dict[str, list[str]] = field(default_factory=dict, repr=False)

    def adopt(self, decided: "Access") -> None:
        """Take the gate's decision into the request's Access, which the loaders already hold."""
        self.grids, self.raw, self._lists = decided.grids, decided.raw, {}

    def record(self, type_name: str, ids: Iterable[str]) -> None:
        """Loaders report the ids they fetched, for the audit record's data subjects."""
        self.touched.setdefault(type_name, set()).update(ids)

    @classmethod
    def everything(cls, type_names: Iterable[str], catalog: Sequence[str]) -> "Access":
        """No row scope and no masking: only for measuring the gate's own cost (bench/authz)."""
        grids = frozenset(catalog)
        return cls({t: grids for t in type_names}, dict.fromkeys(DataClass, grids))

    def grid_list(self, type_name: str) -> list[str]:
        """Grids whose rows of this type may leave the database; no decision means none.

        Every loader batch asks, and a city-wide scope holds ~2,000 grids: the list is built once."""
        if type_name not in self._lists:
            self._lists[type_name] = sorted(self.grids.get(type_name, ()))
        return self._lists[type_name]

    def is_raw(self, data_class: DataClass, grid: str) -> bool:
        return grid in self.raw.get(data_class, ())


@dataclass
class Decision:
    denied: list[str]
    missing_purpose: list[str]
    access: Access

    @property
    def allowed(self) -> bool:
        return not self.denied and not self.missing_purpose


def _grids_for(
    caps: Capabilities, data_class: DataClass, actions: Iterable[Action], catalog: Sequence[str]
) -> frozenset[str]:
    found: frozenset[str] = frozenset()
    for action in actions:
        found |= caps.grids(data_class.value, action.value, catalog)
    return found


def _readable(action: Action) -> tuple[Action, ...]:
    """Reading masked is implied by reading raw; other actions stand alone."""
    return (Action.READ, Action.READ_MASKED) if action is Action.READ else (action,)


def deciding_rules(caps: Capabilities, rules: Iterable[Rule], needs: Sequence[Need]) -> list[str]:
    """The rules of the subject's roles that bear on what the operation asked, as role|class|action|effect."""
    wanted = {(n.data_class.value, a.value) for n in needs for a in _readable(n.action)}
    held = {g.policy_role for g in caps.grants}
    return sorted({"|".join(r.as_casbin()) for r in rules if r.role in held and (r.data_class, r.action) in wanted})


def decide(caps: Capabilities, needs: Sequence[Need], catalog: Sequence[str], purpose: str | None) -> Decision:
    denied: list[str] = []
    per_type: dict[str, list[tuple[Need, frozenset[str]]]] = {}
    for need in needs:
        if need.data_class in UNSCOPED_CLASSES:
            if not any(caps.scope(need.data_class.value, a.value).anywhere for a in _readable(need.action)):
                denied.append(need.path)
            continue
        grids = _grids_for(caps, need.data_class, _readable(need.action), catalog)
        if not grids:
            denied.append(need.path)
            continue
        for type_name in need.row_types:
            per_type.setdefault(type_name, []).append((need, grids))
    access = Access()
    missing: set[str] = set()
    for type_name, scoped in per_type.items():
        type_needs = [need for need, _ in scoped]
        scope = frozenset.intersection(*(grids for _, grids in scoped))
        if not scope:
            denied.extend(n.path for n in type_needs if n.path not in denied)
            continue
        access.grids[type_name] = scope
        for need in type_needs:
            if need.action is not Action.READ or need.data_class in access.raw:
                continue
            raw = caps.grids(need.data_class.value, Action.READ.value, catalog)
            access.raw[need.data_class] = raw
            if raw & scope and need.data_class.level is Level.L4 and not purpose:
                missing.add(need.data_class.value)
    return Decision(sorted(dict.fromkeys(denied)), sorted(missing), access)
