"""Which event kinds a rule can never fire on, because it reads the added partner or funder.

``partner`` and ``funder`` are filled only on ``partner.added`` and ``funder.added`` events.
kvrules' own sources (Pure, Converis, file exports, ``kvrules check``) emit project events,
whose partners and funders are ``project.partners`` and ``project.funders``: a rule that holds
only through ``partner.lists`` but lists ``project.created`` in its ``on:`` passes its own
test (given a ``partner.added`` event) and fires on no record a scan reads. The loader warns
about such a kind at its ``file:line:col`` (a warning, not an error: the rule still fires on
the ``*.added`` kind it names, and refusing it would stop every scan of a running site).
"""

from __future__ import annotations

from kvrules.rulebook import ir

# The event root fields each kind fills, of those only some kinds fill.
ADDED = {"partner": "partner.added", "funder": "funder.added"}
QUANTIFIED = {"partner": "p in project.partners", "funder": "f in project.funders"}


def _reads(cond: ir.Cond, root: str) -> ir.Ref | None:
    """The first field below ``root`` (``partner.lists``) the condition reads, if any."""
    for node in ir.walk(cond):
        ref = getattr(node, "ref", None)
        if isinstance(ref, ir.Ref) and ref.var is None and ref.path[0] == root:
            return ref
    return None


def _value_without(cond: ir.Cond, root: str) -> bool | None:
    """The condition's value on an event without ``root`` when that alone decides it, else
    None. Every test of a missing field is false (kvrules.rulebook.ir), ``not`` negates it."""
    if isinstance(cond, ir.And):
        values = [_value_without(c, root) for c in cond.items]
        if False in values:
            return False
        return True if all(v is True for v in values) else None
    if isinstance(cond, ir.Or):
        values = [_value_without(c, root) for c in cond.items]
        if True in values:
            return True
        return False if all(v is False for v in values) else None
    if isinstance(cond, ir.Not):
        value = _value_without(cond.item, root)
        return None if value is None else not value
    if isinstance(cond, ir.Quant):
        # A body false for every element makes both quantifiers false (``all`` needs one).
        return False if _value_without(cond.body, root) is False else None
    ref = cond.ref
    return False if ref.var is None and ref.path[0] == root else None


def never_fires_on(rule: ir.Rule) -> list[tuple[list[str], str]]:
    """``(kinds, field)``: the kinds in the rule's ``on:`` on which it can never fire, because
    it holds only through ``field`` (``partner.*`` or ``funder.*``) and they have none."""
    found = []
    for root, added in ADDED.items():
        ref = _reads(rule.condition, root)
        if ref is None or _value_without(rule.condition, root) is not False:
            continue
        kinds = [kind for kind in rule.kinds if kind != added]
        if kinds:
            found.append((kinds, str(ref)))
    return found


def message(rule_id: str, kinds: list[str], field: str) -> str:
    root, rest = field.split(".", 1)
    var = QUANTIFIED[root].split(" ", 1)[0]
    these = ", ".join(kinds)
    return (
        f"warning: rule '{rule_id}' never fires on {these}: it holds only through '{field}', "
        f"which only a {ADDED[root]} event fills; the sources and `kvrules check` emit project "
        f"events, whose {root}s are project.{root}s: write `any {QUANTIFIED[root]}: "
        f"{var}.{rest} …` to read every {root} of a record, or take {these} out of on:"
    )
