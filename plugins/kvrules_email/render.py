"""Plain-text and HTML bodies from jinja2 templates (HTML autoescaped: findings quote RIS data)."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined

from kvrules import Alert, AlertItem, case_url


@cache
def _env() -> Environment:
    return Environment(
        loader=PackageLoader("kvrules_email", "templates"),
        autoescape=lambda name: bool(name and name.endswith(".html.j2")),
        undefined=StrictUndefined,  # a typo in a template fails loudly, in tests
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(alert: Alert, case_base_url: str | None) -> tuple[str, str]:
    """(text, html) for one alert or digest."""

    def link(item: AlertItem) -> str | None:
        return case_url(case_base_url, item)

    context = {"alert": alert, "case_link": link}
    env = _env()
    return (
        env.get_template("alert.txt.j2").render(context),
        env.get_template("alert.html.j2").render(context),
    )
