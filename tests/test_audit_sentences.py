"""Every audit action the code can write reads as a sentence on /audit, the case history and
`kvrules show` — never as its raw id.

Reviewer (committee week), 2026-12-07: /audit said `recorded “case.viewed”` and `recorded
“cases.searched”` while decisions and alerts read as sentences. The actions are found in the
package's own code (its syntax tree): the constant actions given to ``_log``/``audit``/
``audit_look`` and the module constants shaped like actions, so an action added later without
a sentence fails here."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import kvrules
from kvrules.history import sentence, subject_in_words
from kvrules.store import AuditEntry

ACTION = re.compile(r"[a-z]+(?:-[a-z]+)*\.[a-z]+(?:[-_][a-z]+)*")
AUDITING_CALLS = {"_log", "audit", "audit_look"}
# written from a formatted string: f"case.{event}"
FORMATTED = {"case.opened", "case.reopened"}
# module constants shaped like actions that are not actions (a logger, an ASGI scope key)
NOT_ACTIONS = {"uvicorn.access", "kvrules.peer"}


def _trees() -> list[ast.Module]:
    package = Path(kvrules.__file__).parent
    return [ast.parse(p.read_text(encoding="utf-8")) for p in sorted(package.rglob("*.py"))]


def written_actions() -> set[str]:
    trees = _trees()
    constants = {
        target.id: node.value.value
        for tree in trees
        for node in tree.body
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
        and ACTION.fullmatch(node.value.value)
        for target in node.targets
        if isinstance(target, ast.Name) and target.id.isupper()
    }

    def values(arg: ast.expr) -> list[str]:
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            return [arg.value]
        if isinstance(arg, ast.IfExp):
            return values(arg.body) + values(arg.orelse)
        name = getattr(arg, "id", None) or getattr(arg, "attr", None)
        return [constants[name]] if name in constants else []

    found = {
        value
        for tree in trees
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (getattr(node.func, "attr", None) or getattr(node.func, "id", None)) in AUDITING_CALLS
        for arg in node.args[:3]
        for value in values(arg)
        if ACTION.fullmatch(value)
    }
    return (found | set(constants.values()) | FORMATTED) - NOT_ACTIONS


def test_the_scan_finds_the_actions_it_should() -> None:
    actions = written_actions()
    # one of each way an action is written: a constant, a module constant, a conditional
    assert {"finding.recorded", "case.viewed", "privacy.erased", "user.added"} <= actions
    assert len(actions) > 40


def test_every_action_written_reads_as_a_sentence() -> None:
    raw = []
    for action in sorted(written_actions()):
        entry = AuditEntry(1, "2026-12-07T10:00:00+00:00", "chair", action, "case:16", {}, "", "")
        said = sentence(entry)
        if said.startswith("recorded “") or action in said:
            raw.append(f"{action}: {said}")
    assert not raw, "\n".join(raw)


def test_views_and_searches_read_as_people_say_them() -> None:
    viewed = AuditEntry(1, "", "chair", "case.viewed", "viewed:case:16", {}, "", "")
    searched = AuditEntry(2, "", "chair", "cases.searched", "search:cases", {"q": "NUDT"}, "", "")
    assert sentence(viewed) == "opened the case page"
    assert subject_in_words(viewed.subject) == "case 16"
    assert sentence(searched) == "searched the cases for “NUDT”"
    assert subject_in_words(searched.subject) == "the case list"
