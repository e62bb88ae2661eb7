"""Safe YAML loading that remembers where every value came from (for file:line:col errors).

Built on PyYAML's SafeLoader (no tags that construct objects); a tag outside YAML's core schema
is refused where it is written. Anchors and aliases are refused:
rulebooks have no need for them, and refusing them makes YAML bombs (billion laughs) harmless.
Duplicate keys, which PyYAML silently collapses, are errors.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from kvrules.errors import KvrulesError
from kvrules.terminal import terminal_text

Path = tuple[str | int, ...]
MAX_BYTES = 2_000_000  # a rulebook is policy text; anything larger is a mistake or an attack
MAX_DEPTH = 64  # nesting of mappings and lists; deeper input would exhaust Python's stack


class YamlError(KvrulesError):
    """A problem at line:col of a YAML file. Its message may quote the file (a key, a tag,
    which PyYAML decodes from %XX): written as ``terminal_text`` writes it, so a control code
    in it is shown, never run, wherever the message goes."""

    def __init__(self, message: str, line: int, col: int) -> None:
        message = terminal_text(message)
        super().__init__(message)
        self.message, self.line, self.col = message, line, col


@dataclass
class Scalar:
    """Where a scalar sits, and how its text is laid out (to map offsets inside it)."""

    line: int
    col: int
    style: str | None  # None = plain, '"' / "'" quoted, '|' / '>' block
    raw: str


@dataclass
class Located:
    """Plain Python data plus the source position of every node (keyed by its path)."""

    data: Any
    positions: dict[Path, Scalar] = field(default_factory=dict)
    key_positions: dict[Path, Scalar] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)

    def at(self, path: Path, key: bool = False) -> tuple[int, int]:
        """Line and column of the node at ``path``, or of its nearest located ancestor."""
        table = self.key_positions if key else self.positions
        for cut in range(len(path), -1, -1):
            where = table.get(path[:cut]) or self.positions.get(path[:cut])
            if where:
                return where.line, where.col
        return 1, 1

    def scalar(self, path: Path) -> Scalar | None:
        return self.positions.get(path)

    def inside(self, scalar: Scalar, line: int, col: int) -> tuple[int, int]:
        """File position of (line, col) inside a scalar's value (both 1-based).

        The value is what YAML made of the text: folded (``>``) and plain or quoted scalars
        over several lines join their lines with spaces, quoted ones decode escapes. So the
        value's characters are matched, in order, to the file's (``_source_characters``);
        only the layout (spaces, line breaks, indentation, the escapes' backslashes) differs.
        """
        mapped = _through_layout(self.lines, scalar, line, col)
        if mapped is not None:
            return mapped
        # the value and the file disagree (an escape this mapping does not decode): the
        # nearest honest place is the line the scalar's value starts on
        if scalar.style in ("|", ">"):
            return scalar.line + 1, 1
        return scalar.line, scalar.col


# Double-quoted escapes with one character after the backslash (YAML 1.1, 5.7)
_ESCAPES = {
    "0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v",
    "f": "\f", "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\",
    "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029",
}  # fmt: skip
_HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}


def _source_characters(lines: list[str], scalar: Scalar) -> Iterator[tuple[str, int, int]]:
    """The characters of a scalar's value as the file spells them, each with its 1-based file
    line and column: from the scalar's first character (the line after a block scalar's
    indicator, after an opening quote), quotes undoubled and escapes decoded. Layout
    characters are yielded as they are; the caller skips white space."""
    if scalar.style in ("|", ">"):
        line, col = scalar.line + 1, 1
    else:
        line, col = scalar.line, scalar.col + (1 if scalar.style in ('"', "'") else 0)
    while line <= len(lines):
        text = lines[line - 1]
        i = col - 1
        while i < len(text):
            ch = text[i]
            if scalar.style == "'" and ch == "'":
                if text[i + 1 : i + 2] != "'":
                    return  # the closing quote
                yield "'", line, i + 1
                i += 2
                continue
            if scalar.style == '"' and ch == '"':
                return
            if scalar.style == '"' and ch == "\\":
                code = text[i + 1 : i + 2]
                if code in _ESCAPES:
                    yield _ESCAPES[code], line, i + 1
                    i += 2
                elif code in _HEX_ESCAPES:
                    digits = text[i + 2 : i + 2 + _HEX_ESCAPES[code]]
                    yield chr(int(digits, 16)), line, i + 1
                    i += 2 + len(digits)
                else:  # a backslash at the end of the line joins it to the next
                    i += 1
                continue
            yield ch, line, i + 1
            i += 1
        line, col = line + 1, 1


def _through_layout(
    lines: list[str], scalar: Scalar, line: int, col: int
) -> tuple[int, int] | None:
    """(line, col) of the scalar's value mapped to the file, or None when the value's
    characters other than white space are not the file's, in order."""
    value = scalar.raw
    value_lines = value.split("\n")
    if not 1 <= line <= len(value_lines):
        return None
    offset = sum(len(text) + 1 for text in value_lines[: line - 1]) + col - 1
    placed: dict[int, tuple[int, int]] = {}  # value offset of a visible character -> file
    source = (c for c in _source_characters(lines, scalar) if not c[0].isspace())
    try:
        for i, ch in enumerate(value):
            if ch.isspace():
                continue
            found, at_line, at_col = next(source)
            if found != ch:
                return None
            placed[i] = (at_line, at_col)
            if i >= offset:
                break
    except (StopIteration, ValueError):  # ValueError: a malformed hex escape
        return None
    if offset in placed:
        return placed[offset]
    before = [i for i in placed if i < offset]
    if before:  # white space or the end of the value: as far past the character before it
        at_line, at_col = placed[before[-1]]
        return at_line, at_col + offset - before[-1]
    return min(placed.values()) if placed else None


def _mark(node: yaml.Node, raw: str = "") -> Scalar:
    style = getattr(node, "style", None) or None
    return Scalar(node.start_mark.line + 1, node.start_mark.column + 1, style, raw)


# libyaml, when PyYAML was built with it: the same YAML and marks, parsed ten times faster.
# Loading the shipped rulebooks took about 0.25 s of CPU in the pure-Python parser at the start
# of every scan, check and evaluate.
_FAST_LOADER: type[yaml.SafeLoader] | None = getattr(yaml, "CSafeLoader", None)


def load(text: str) -> Located:
    """Parse one YAML document; raise YamlError with a position on any problem.

    A document libyaml reads is taken from it; anything it refuses, and anything with a tab or
    a character YAML does not allow, goes to the pure-Python parser, whose messages and positions
    are the ones people see (``tests/test_yaml_fast_path.py`` holds the two to the same
    result)."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise YamlError(f"file larger than {MAX_BYTES} bytes", 1, 1)
    # libyaml takes a tab where PyYAML refuses one ("a:\tb"): text with a tab goes the old way
    plain = "\t" not in text and not yaml.reader.Reader.NON_PRINTABLE.search(text)
    if _FAST_LOADER is not None and plain:
        try:
            return _located(text, _FAST_LOADER)
        except (yaml.YAMLError, YamlError):
            pass  # said again below, as the pure-Python parser words it
    return parse(text, yaml.SafeLoader)


def parse(text: str, loader_class: type[yaml.SafeLoader]) -> Located:
    """``load`` with one parser, without the size check; errors as YamlError."""
    try:
        return _located(text, loader_class)
    except yaml.MarkedYAMLError as e:
        m = e.problem_mark or e.context_mark
        line, col = (m.line + 1, m.column + 1) if m else (1, 1)
        raise YamlError(in_words(e.problem or "", e.context or ""), line, col) from None
    except yaml.reader.ReaderError as e:  # a control character such as NUL: not a MarkedYAMLError
        ch = e.character if isinstance(e.character, str) else chr(e.character)
        before = text[: e.position]
        line, col = before.count("\n") + 1, e.position - before.rfind("\n")
        raise YamlError(
            f"YAML: character U+{ord(ch):04X} is not allowed",
            line,
            col,
        ) from None


# PyYAML's words for the common mistakes → what happened, in the words of someone writing a
# rulebook or a configuration, with what to do (matched on the start of PyYAML's problem).
_IN_WORDS = (
    (
        "mapping values are not allowed",
        "a colon followed by a space inside a value: put the whole value in quotes, e.g. "
        "title: \"Partner: a foreign one\" (a condition 'any p in …: …' written on the line "
        "of when: too)",
    ),
    (
        "expected <block end>",
        "this line is indented differently from the one before it: the keys of one entry "
        "start in the same column (indent with spaces)",
    ),
    (
        "did not find expected key",
        "this line is indented differently from the one before it: the keys of one entry "
        "start in the same column (indent with spaces)",
    ),
    (
        "did not find expected '-' indicator",
        "the items of one list start in the same column, each with '- '",
    ),
    (
        "found character '\\t' that cannot start any token",
        "a tab character: indent with spaces only, never tabs",
    ),
    (
        "could not find expected ':'",
        "a line that is not 'key: value': a colon is missing, or a value that goes on over "
        "several lines needs quotes",
    ),
    (
        "found unexpected end of stream",
        "a quotation mark is opened and never closed: close it on the same value",
    ),
    (
        "found unknown escape character",
        "a backslash inside double quotes starts an escape: use single quotes, or write \\\\",
    ),
    (
        "expected ',' or ']'",
        "a list in [ ] is not closed, or one of its items needs quotes",
    ),
    (
        "expected ',' or '}'",
        "a mapping in { } is not closed, or one of its values needs quotes",
    ),
    (
        "found character",
        "a value cannot start with this character: put the value in quotes",
    ),
)


def in_words(problem: str, context: str = "") -> str:
    """PyYAML's message as a person reads it: a known mistake said with what to do, any other
    one with PyYAML's own words after 'YAML:'."""
    for start, said in _IN_WORDS:
        if problem.startswith(start) or (not problem and context.startswith(start)):
            return said
    return f"YAML: {problem or context}"


# The tags a document may write (YAML 1.2's core schema): any other is refused where it is
# written. The values themselves are built from the nodes (``_convert``), which read a mapping
# or a list by its shape: a `!!python/object/apply:os.system [...]` list was read as a plain
# list, where a tag on a value (`!custom`) was refused (security review).
_YAML = "tag:yaml.org,2002:"
CORE_TAGS = frozenset(_YAML + t for t in ("str", "int", "float", "bool", "null", "map", "seq"))


def _tag_refused(tag: str) -> str:
    shown = "!!" + tag.removeprefix(_YAML) if tag.startswith(_YAML) else tag
    shown = shown if len(shown) <= 60 else shown[:60] + "…"
    return (
        f"the tag {shown} is not allowed: only YAML's core types (!!str, !!int, !!float, "
        "!!bool, !!null, !!map, !!seq) may be named; remove the tag"
    )


def _located(text: str, loader_class: type[yaml.SafeLoader]) -> Located:
    loader = None
    try:
        loader = loader_class(text)  # checks for unprintable characters at once
        depth = 0
        for event in _events(loader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    m = event.start_mark
                    raise YamlError(
                        f"nested more than {MAX_DEPTH} levels deep", m.line + 1, m.column + 1
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            if (tag := getattr(event, "tag", None)) is not None and tag not in CORE_TAGS:
                m = event.start_mark
                raise YamlError(_tag_refused(tag), m.line + 1, m.column + 1)
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                m = event.start_mark
                raise YamlError(
                    "anchors and aliases (&, *) are not allowed in rulebooks",
                    m.line + 1,
                    m.column + 1,
                )
        loader.dispose()
        loader = loader_class(text)
        root = loader.get_single_node()
        out = Located(None, lines=text.splitlines())
        out.data = _convert(loader, root, (), out) if root is not None else None
        return out
    finally:
        if loader is not None:
            loader.dispose()


def _events(loader: yaml.SafeLoader):
    while loader.check_event():
        yield loader.get_event()


def _convert(loader: yaml.SafeLoader, node: yaml.Node, path: Path, out: Located) -> Any:
    if isinstance(node, yaml.MappingNode):
        out.positions[path] = _mark(node)
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                m = key_node.start_mark
                raise YamlError("keys must be plain text", m.line + 1, m.column + 1)
            # Keys are taken as written: YAML 1.1 would turn `on:` into True.
            key = key_node.value
            if key in result:
                m = key_node.start_mark
                raise YamlError(f"duplicate key '{key}'", m.line + 1, m.column + 1)
            out.key_positions[(*path, key)] = _mark(key_node, key)
            result[key] = _convert(loader, value_node, (*path, key), out)
        return result
    if isinstance(node, yaml.SequenceNode):
        out.positions[path] = _mark(node)
        return [_convert(loader, item, (*path, i), out) for i, item in enumerate(node.value)]
    out.positions[path] = _mark(node, node.value)
    # Versions such as 2026.10 must stay text; PyYAML would read a float and drop the zero.
    if path and path[-1] == "version":
        return node.value
    try:
        return loader.construct_object(node)
    except (ValueError, OverflowError) as e:  # e.g. 2024-02-30 read as a date
        m = node.start_mark
        shown = node.value if len(node.value) <= 40 else node.value[:40] + "…"
        raise YamlError(f"{shown!r}: {e}", m.line + 1, m.column + 1) from None
