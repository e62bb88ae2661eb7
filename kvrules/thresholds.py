"""Awards no threshold compared: an amount in a currency a rule has no threshold for.

A rule compares a funder's amount in the currencies it names, by hand (``f.currency == "EUR"
and f.amount >= 1000000``) or through amounts by currency in its ``vars`` (``f.amount >=
vars.large_award``, ``{EUR: 1000000, USD: 1100000}``; an institution adds its own with
``rulebook_vars``). An award in any other currency (GBP, CNY …) is compared with nothing, and
no finding would say so: "not compared: no threshold for GBP" is said beside the findings
instead (the scan's report, ``kvrules evaluate``), never silence. A scan keeps the sentence of
each record with the record as remembered (``NOTE``), so that its case page says it too: the
page has no rulebooks to hand, and the note says what the rules in force when it was screened
compared.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from kvrules.model import CollaborationEvent, Funder
from kvrules.rulebook import ir


@dataclass(frozen=True)
class AmountRule:
    """A rule that compares funders' amounts in the currencies it names."""

    name: str  # rulebook/rule
    kinds: frozenset[str]
    currencies: frozenset[str]
    title: str = ""  # how a person reads the rule (its id is for technical views)


def amount_rules(rulebooks: Iterable[ir.Rulebook]) -> list[AmountRule]:
    """The rules that compare an amount with a threshold in named currencies only (a rule
    comparing amounts whatever their currency, or none, has nothing to say here)."""
    found = []
    for book in rulebooks:
        for rule in book.rules:
            currencies = compared_currencies(rule.condition)
            if currencies:
                found.append(
                    AmountRule(
                        f"{book.id}/{rule.id}", frozenset(rule.kinds), currencies, rule.title
                    )
                )
    return found


def compared_currencies(cond: ir.Cond) -> frozenset[str] | None:
    """The currencies ``cond`` compares amounts in (``currency == "EUR"``, ``currency in
    [...]``) when it compares an amount; None when it compares none."""
    amounts, currencies = False, set()
    for node in ir.walk(cond):
        if isinstance(node, ir.Compare) and node.ref.path[-1:] == ("amount",):
            amounts = True
        elif isinstance(node, ir.Compare) and node.ref.path[-1:] == ("currency",):
            if node.op is ir.Op.EQ:
                currencies.add(str(node.value))
        elif isinstance(node, ir.InList) and node.ref.path[-1:] == ("currency",):
            currencies.update(str(v) for v in node.values)
    return frozenset(currencies) if amounts and currencies else None


# The key of a remembered record's body (``Store.record_subject``) that holds its note, the
# sentence ``NotCompared.in_words`` made for that record alone when it was screened
NOTE = "not_compared"


def note_for(events: Iterable[CollaborationEvent], rules: Iterable[AmountRule]) -> str | None:
    """The record's awards no threshold compared, in the sentence the scan's report says of
    all of them ("Not compared: no threshold for GBP (1 award) in …"); None when every award
    was compared (or none has an amount). Awards of several events of one record (a project
    and its funder.added) are counted once per event kind."""
    rules = list(rules)
    missed = NotCompared()
    kinds: set[str] = set()
    for event in events:
        if event.kind.value not in kinds:
            kinds.add(event.kind.value)
            missed.add(event, rules)
    return missed.in_words() if missed.awards else None


def _awards(event: CollaborationEvent) -> Iterator[Funder]:
    if event.funder is not None:
        yield event.funder
    if event.project is not None:
        yield from event.project.funders


def awards_not_compared(
    event: CollaborationEvent, rules: Iterable[AmountRule]
) -> Iterator[tuple[Funder, str | None]]:
    """Each of ``event``'s awards that a rule applying to it could not compare, with the
    currency no threshold is given for (None: the award has no currency). What a pre-screen
    names award by award: its answer is not complete while one of them is left."""
    applying = [rule for rule in rules if event.kind.value in rule.kinds]
    if not applying:
        return
    for funder in _awards(event):
        if funder.amount is None:
            continue
        if not funder.currency:
            yield funder, None
        elif any(funder.currency not in rule.currencies for rule in applying):
            yield funder, funder.currency


@dataclass
class NotCompared:
    """The awards no threshold compared, over the events of a scan (or an evaluate)."""

    awards: dict[str, int] = field(default_factory=dict)  # currency → awards in it
    rules: list[str] = field(default_factory=list)  # rulebook/rule with no threshold for one
    # rulebook/rule → its title: plain text names a rule by its title, never by its id
    titles: dict[str, str] = field(default_factory=dict)
    # awards with an amount and no currency, which no threshold compares (a pre-screen says
    # so: reviewer, a web form's blank currency gave no word of it), and the rules they missed
    no_currency: int = 0
    rules_no_currency: list[str] = field(default_factory=list)

    def add(self, event: CollaborationEvent, rules: Iterable[AmountRule]) -> None:
        """Count ``event``'s awards in a currency a rule applying to it has no threshold for."""
        kind = event.kind.value
        awards = [f.currency for f in _awards(event) if f.amount is not None and f.currency]
        missed: set[str] = set()
        for rule in rules:
            if kind not in rule.kinds:
                continue
            for currency in awards:
                if currency not in rule.currencies:
                    missed.add(currency)
                    if rule.name not in self.rules:
                        self.rules.append(rule.name)
                    if rule.title:
                        self.titles[rule.name] = rule.title
        for currency in awards:
            if currency in missed:
                self.awards[currency] = self.awards.get(currency, 0) + 1
        blank = [f for f in _awards(event) if f.amount is not None and not f.currency]
        applying = [rule for rule in rules if kind in rule.kinds]
        if blank and applying:
            self.no_currency += len(blank)
            for rule in applying:
                if rule.name not in self.rules_no_currency:
                    self.rules_no_currency.append(rule.name)
                if rule.title:
                    self.titles[rule.name] = rule.title

    def in_words(self, *, technical: bool = False) -> str:
        """One line: "Not compared: no threshold for GBP (2 awards) or CNY (1 award) in “Large
        award (…) from a foreign funder”; …". The rules are named by their titles (a person
        reads them); ``technical`` names them by their ids (``--json``, technical views). Awards
        without a currency are said after them ("Not compared: 1 award without a currency …")."""
        blank = ""
        if self.no_currency:
            n = self.no_currency
            blank = (
                f"Not compared: {n} award{'s' if n != 1 else ''} without a currency in "
                f"{self._rules_named(technical, self.rules_no_currency)}; give "
                f"{'each' if n != 1 else 'its'} currency (an ISO 4217 code such as EUR)."
            )
        if not self.awards:
            return blank
        said = [
            f"{currency} ({count} award{'s' if count != 1 else ''})"
            for currency, count in self.awards.items()
        ]
        listed = said[0] if len(said) == 1 else ", ".join(said[:-1]) + " or " + said[-1]
        return (
            f"Not compared: no threshold for {listed} in {self._rules_named(technical)}; an "
            "institution declares its own per currency in the rulebook's vars (rulebook_vars "
            "in kvrules.yaml)." + (f" {blank}" if blank else "")
        )

    def _rules_named(self, technical: bool, rules: list[str] | None = None) -> str:
        names = self.rules if rules is None else rules
        if technical:
            return ", ".join(names)
        return ", ".join(
            f"“{self.titles[name]}”" if name in self.titles else name for name in names
        )
