"""Rules one rulebook turns off in another (``disable:``): how an institution keeps the
shipped rulebooks and drops, with its reason, a rule it replaces or does not follow.

The turned-off rule is gone from its rulebook (and so are the test cases expecting it); the
rulebook's version reads ``<version>+disabled.<digest>`` (findings cite the policy that ran)
and ``Rulebook.disabled`` keeps each rule with its reason and where it was turned off, which
``validate`` and ``config check`` say."""

from __future__ import annotations

import hashlib
from dataclasses import replace

from kvrules.rulebook import ir
from kvrules.rulebook.condition import suggest
from kvrules.rulebook.loader import Diagnostic

__all__ = ["apply_disables", "disabled_in_words"]


def apply_disables(books: list[ir.Rulebook], problems: list[Diagnostic]) -> list[ir.Rulebook]:
    """``books`` with the rules their ``disable:`` entries name turned off; an entry naming
    no loaded rulebook or rule is a problem at its file:line:col (with the id meant)."""
    by_id = {book.id: book for book in books}
    turned_off: dict[str, list[ir.Disabled]] = {}
    for book in books:
        for d in book.disables:
            target = by_id.get(d.rulebook)
            at = (book.path, d.pos.line, d.pos.col)
            if target is None:
                problems.append(
                    Diagnostic(
                        *at,
                        f"disable: no rulebook '{d.rulebook}' is loaded"
                        f"{suggest(d.rulebook, sorted(by_id))} (the shipped ones run beside "
                        "yours when rulebooks: names `shipped`)",
                    )
                )
                continue
            ids = [r.id for r in target.rules]
            if d.rule not in ids:
                problems.append(
                    Diagnostic(
                        *at,
                        f"disable: rulebook '{d.rulebook}' has no rule '{d.rule}'"
                        f"{suggest(d.rule, ids)}",
                    )
                )
                continue
            where = f"{book.path}:{d.pos.line}:{d.pos.col}"
            turned_off.setdefault(d.rulebook, []).append(ir.Disabled(d.rule, d.reason, where))
    return [
        _without(book, turned_off[book.id]) if book.id in turned_off else book for book in books
    ]


def _without(book: ir.Rulebook, disabled: list[ir.Disabled]) -> ir.Rulebook:
    off = {d.rule for d in disabled}
    digest = hashlib.sha256(repr(sorted(off)).encode()).hexdigest()[:8]
    return replace(
        book,
        version=f"{book.version}+disabled.{digest}",
        rules=tuple(r for r in book.rules if r.id not in off),
        tests=tuple(t for t in book.tests if off.isdisjoint(t.expect)),
        disabled=(*book.disabled, *disabled),
    )


def disabled_in_words(books: list[ir.Rulebook]) -> list[str]:
    """One line per rule turned off: which, where, and why."""
    return [
        f"{book.id}/{d.rule}: turned off by {d.by}: {d.reason}"
        for book in books
        for d in book.disabled
    ]
