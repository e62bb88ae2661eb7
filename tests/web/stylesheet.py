"""The web app's stylesheet read as rules, and WCAG 2.1 contrast between two of its colours:
the accessibility tests compute contrast from what the browser is given, not from a list of
colours copied into the test."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import kvrules.web

APP_CSS = Path(kvrules.web.__file__).parent / "static" / "app.css"
HEX = re.compile(r"#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b")
COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)


@dataclass(frozen=True)
class Rule:
    selector: str
    declarations: dict[str, str]
    media: str  # "" outside any @media block

    def colour(self, prop: str) -> str | None:
        """The one hex colour in ``prop`` (``outline: 3px solid #0b0c0c`` → ``#0b0c0c``)."""
        found = HEX.search(self.declarations.get(prop, ""))
        return found.group(0).lower() if found else None


def _blocks(text: str) -> list[tuple[str, str]]:
    """``(prelude, body)`` for each top-level ``prelude { body }``, nested braces kept."""
    out, depth, start, prelude_start = [], 0, 0, 0
    for i, char in enumerate(text):
        if char == "{":
            if depth == 0:
                start = i
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                out.append((text[prelude_start:start].strip(), text[start + 1 : i]))
                prelude_start = i + 1
    return out


def _declarations(body: str) -> dict[str, str]:
    pairs = (part.split(":", 1) for part in body.split(";") if ":" in part)
    return {name.strip(): value.strip() for name, value in pairs}


def rules(css: str | None = None) -> list[Rule]:
    """Every rule, one per selector of a selector list, with its @media condition."""
    text = COMMENT.sub("", APP_CSS.read_text(encoding="utf-8") if css is None else css)
    out = []
    for prelude, body in _blocks(text):
        inner = _blocks(body) if prelude.startswith("@media") else [(prelude, body)]
        media = prelude if prelude.startswith("@media") else ""
        for selectors, declarations in inner:
            parsed = _declarations(declarations)
            out.extend(Rule(s.strip(), parsed, media) for s in selectors.split(","))
    return out


def luminance(colour: str) -> float:
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)

    def channel(pair: str) -> float:
        v = int(pair, 16) / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(digits[i : i + 2]) for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG 2.1's contrast ratio (1 to 21) between two hex colours."""
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
