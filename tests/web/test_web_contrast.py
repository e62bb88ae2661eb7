"""Contrast computed from the stylesheet (WCAG 2.1 AA). Text on every background it is shown
on reaches 4.5:1 (1.4.3: white on the green triage badge was 3.26:1); the focus ring reaches
3:1 against every background a focusable element sits on (1.4.11, 2.4.7: the yellow ring
alone was 1.57:1 on the page, 1.64:1 on white)."""

from __future__ import annotations

from tests.web.stylesheet import Rule, contrast, rules

TEXT = 4.5  # 1.4.3, text under 18.66 px bold / 24 px
NON_TEXT = 3.0  # 1.4.11, the focus indicator

# Where running text, links and focusable controls sit: the page, tables and their header
# cells, cards, the flash and error boxes (an error summary holds links), the skip link.
# Badges (.sev-*, .tri-*) hold only their own text and nothing focusable.
SURFACES = ("body", "table", "th", ".card", ".flash", ".error", ".skip:focus")
HEADER = "header"


def _screen() -> list[Rule]:
    return [rule for rule in rules() if not rule.media]


def _last(prop: str, selector: str) -> str:
    """What the stylesheet finally gives ``selector`` for ``prop`` (a later rule wins)."""
    found = [r.colour(prop) for r in _screen() if r.selector == selector and r.colour(prop)]
    assert found, f"the stylesheet gives {selector} no {prop}"
    return found[-1]


def _body_text() -> str:
    return _last("color", "body")


def text_pairs() -> dict[str, tuple[str, str]]:
    """Every text colour with each background it is drawn on, named for the failure message."""
    pairs: dict[str, tuple[str, str]] = {}
    surfaces = {s: _last("background", s) for s in SURFACES}
    for rule in _screen():
        fg, bg = rule.colour("color"), rule.colour("background")
        if bg and rule.selector not in (*SURFACES, HEADER):
            # a badge or box with its own background: its own text colour, or the page's
            pairs[rule.selector] = (fg or _body_text(), bg)
        elif fg and rule.selector.startswith(HEADER + " "):
            pairs[rule.selector] = (fg, _last("background", HEADER))
        elif fg and not bg:
            # a text colour without a background (links, muted text): on every surface
            for surface, surface_bg in surfaces.items():
                pairs[f"{rule.selector} on {surface}"] = (fg, surface_bg)
    for surface, surface_bg in surfaces.items():
        fg = next((r.colour("color") for r in _screen() if r.selector == surface), None)
        pairs[f"text on {surface}"] = (fg or _body_text(), surface_bg)
    pairs["header"] = (_last("color", HEADER), _last("background", HEADER))
    return pairs


def test_every_text_colour_reaches_4_5_to_1_on_each_background_it_is_shown_on() -> None:
    pairs = text_pairs()
    # the test reads the stylesheet, not an empty list: the badges and links are there
    assert {".tri-green", ".tri-red", ".sev-medium", "a on .error", ".muted on th"} <= set(pairs)
    low = {
        name: f"{fg} on {bg}: {contrast(fg, bg):.2f}:1"
        for name, (fg, bg) in pairs.items()
        if contrast(fg, bg) < TEXT
    }
    assert not low, low


def _focus_rules() -> list[Rule]:
    return [r for r in _screen() if ":focus" in r.selector and r.colour("outline")]


def _ring(selector: str) -> str:
    """The outline colour ``selector`` gets on focus: the last focus rule naming it wins."""
    rings = [r.colour("outline") for r in _focus_rules() if r.selector == selector]
    assert rings, f"no focus ring for {selector}"
    return rings[-1] or ""


def _ring_in_header(kind: str) -> str:
    """A header-specific focus ring if there is one, else the page's ring applies there too."""
    scoped = [r.colour("outline") for r in _focus_rules() if r.selector == f"header {kind}:focus"]
    return (scoped[-1] or "") if scoped else _ring(f"{kind}:focus")


def test_the_focus_ring_reaches_3_to_1_against_every_background_it_appears_on() -> None:
    kinds = ("a", "button", "input", "select", "textarea", "summary")
    checked = {}
    for kind in kinds:
        for surface in SURFACES:
            if surface != ".skip:focus":  # the skip link sits over the header: below
                checked[f"{kind} on {surface}"] = (_ring(f"{kind}:focus"), surface)
    for kind in ("a", "button"):  # the header holds the menu's links and "Sign out"
        checked[f"{kind} in the header"] = (_ring_in_header(kind), HEADER)
    skip = [r.colour("outline") for r in _focus_rules() if r.selector == ".skip:focus"]
    checked["the skip link over the header"] = (skip[-1] if skip else _ring("a:focus"), HEADER)
    low = {}
    for name, (ring, surface) in checked.items():
        bg = _last("background", surface)
        if contrast(ring, bg) < NON_TEXT:
            low[name] = f"{ring} on {bg}: {contrast(ring, bg):.2f}:1"
    assert not low, low


def test_the_contrast_function_agrees_with_wcag_reference_values() -> None:
    # black on white is 21:1, a colour on itself 1:1; #767676 on white is the known 4.54:1
    assert round(contrast("#000", "#fff"), 2) == 21.0
    assert contrast("#2ca25f", "#2ca25f") == 1.0
    assert round(contrast("#767676", "#ffffff"), 2) == 4.54
