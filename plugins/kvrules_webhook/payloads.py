"""Request bodies per receiver style: generic JSON, Microsoft Teams (Adaptive Card), Slack."""

from __future__ import annotations

from typing import Any

from kvrules import Alert, AlertItem, Severity, case_url

SCHEMA_VERSION = 1
MAX_CHAT_ITEMS = 15  # chat cards get unreadable (and Slack caps blocks at 50) beyond this
REPEAT_NOTE = "This may be a repeat: an earlier attempt to send this alert was interrupted."


def generic(alert: Alert, base_url: str | None) -> dict[str, Any]:
    return {
        "schema": SCHEMA_VERSION,
        "key": alert.key,
        "route": alert.route,
        "title": alert.title,
        "severity": alert.severity.value,
        "created_at": alert.created_at.isoformat(),
        "digest_period": alert.digest_period,
        # The first attempt may have arrived: drop this one if ``key`` is known already.
        "possible_repeat": alert.possible_repeat,
        "notice": alert.notice,  # about kvrules itself (a source down), with no items
        "items": [
            {
                "case_id": item.case_id,
                "case_url": case_url(base_url, item),
                "source_system": item.source_system,
                "record_id": item.record_id,
                # what the RIS calls the record (title, unit, lead, partners, link)
                "record": item.label.model_dump(mode="json"),
                # as mail heads it: "Updated finding: …" for one updated in place
                "heading": item.heading,
                "evidence_in_words": item.said(),
                "finding": item.finding.to_dict(),
            }
            for item in alert.items
        ],
    }


def _record_facts(item: AlertItem) -> list[tuple[str, str]]:
    """(label, value) naming the record as the RIS does; its source id only when nothing
    else is remembered of it (the heading then falls back on it)."""
    r = item.label
    facts = [(r.kind_label, r.heading)]
    facts += [("Unit", r.unit_list())] if r.units else []
    facts += [("Lead", r.lead)] if r.lead else []
    facts += [("Partners", r.partner_list())] if r.partners else []
    return facts


def _more(alert: Alert) -> int:
    return max(len(alert.items) - MAX_CHAT_ITEMS, 0)


def teams(alert: Alert, base_url: str | None) -> dict[str, Any]:
    """An Adaptive Card message, as Teams Workflows (and Power Automate) webhooks accept."""
    body: list[dict[str, Any]] = [
        {
            "type": "TextBlock",
            "text": alert.title,
            "weight": "Bolder",
            "size": "Medium",
            "wrap": True,
        }
    ]
    if alert.possible_repeat:
        body.append({"type": "TextBlock", "text": REPEAT_NOTE, "wrap": True, "isSubtle": True})
    body += [{"type": "TextBlock", "text": line, "wrap": True} for line in alert.notice]
    for item in alert.items[:MAX_CHAT_ITEMS]:
        f = item.finding
        body += [
            {"type": "TextBlock", "text": item.heading, "weight": "Bolder", "wrap": True,
             "separator": True},
            {
                "type": "FactSet",
                "facts": [
                    *({"title": k, "value": v} for k, v in _record_facts(item)),
                    {"title": "Severity", "value": Severity(f.severity).value},
                    *({"title": "Risk", "value": r} for r in f.risk_labels),
                    *({"title": "Evidence", "value": line} for line in item.said()),
                ],
            },
            {"type": "TextBlock", "text": f.rationale, "wrap": True},
            {"type": "TextBlock", "text": f"Source: {f.citation.cite}", "wrap": True,
             "isSubtle": True, "size": "Small"},
        ]  # fmt: skip
        links = [("Open case", case_url(base_url, item)), ("Open in the RIS", item.label.url)]
        actions = [
            {"type": "Action.OpenUrl", "title": title, "url": url} for title, url in links if url
        ]
        if actions:
            body.append({"type": "ActionSet", "actions": actions})
    if _more(alert):
        body.append({"type": "TextBlock", "text": f"… and {_more(alert)} more", "wrap": True})
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
    }
    return {
        "type": "message",
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "content": card}
        ],
    }


def _slack_escape(text: str) -> str:
    # Slack mrkdwn control characters; without this a partner name could inject a link.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack(alert: Alert, base_url: str | None) -> dict[str, Any]:
    """Block Kit message for a Slack incoming webhook; ``text`` is the notification fallback."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": alert.title[:150]}}
    ]
    if alert.possible_repeat:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": REPEAT_NOTE}]})
    blocks += [
        {"type": "section", "text": {"type": "mrkdwn", "text": _slack_escape(line)[:3000]}}
        for line in alert.notice
    ]
    for item in alert.items[:MAX_CHAT_ITEMS]:
        f = item.finding
        ris = item.label.url
        lines = [
            f"*{_slack_escape(item.heading)}*",  # "Updated finding: …" as mail says it
            *(f"{k}: {_slack_escape(v)}" for k, v in _record_facts(item)),
            (f"<{_slack_escape(ris)}|Open in the RIS> · " if ris else "")
            + f"severity *{Severity(f.severity).value}*",
            # before the evidence, which is what the 3000-character cap below cuts short
            *(f"Risk: {_slack_escape(r)}" for r in f.risk_labels),
            *(f"• {_slack_escape(line)}" for line in item.said()),
            _slack_escape(f.rationale),
        ]
        section: dict[str, Any] = {
            "type": "section",
            "text": {"type": "mrkdwn", "text": "\n".join(lines)[:3000]},
        }
        url = case_url(base_url, item)
        if url:
            section["accessory"] = {
                "type": "button",
                "text": {"type": "plain_text", "text": "Open case"},
                "url": url,
            }
        blocks += [
            section,
            {"type": "context",
             "elements": [{"type": "mrkdwn", "text": f"Source: {_slack_escape(f.citation.cite)}"}]},
            {"type": "divider"},
        ]  # fmt: skip
    if _more(alert):
        blocks.append(
            {"type": "section", "text": {"type": "mrkdwn", "text": f"… and {_more(alert)} more"}}
        )
    return {"text": alert.title, "blocks": blocks}


STYLES = {"generic": generic, "teams": teams, "slack": slack}
