"""`_repr_html_` views for notebooks: compact cards and tables, every value from the input escaped (`text`).

Catalog text marks code with backticks (`` `SharedAccessSignature` ``): it is shown as `<code>` after escaping.
Timestamps, ids and codes never break across lines (`white-space:nowrap`).
"""

from __future__ import annotations

import re
from datetime import datetime
from html import escape
from typing import TYPE_CHECKING, Iterable, Optional, Sequence

if TYPE_CHECKING:
    from iothub_errors._types import (
        Classification,
        Entry,
        FleetFinding,
        Report,
        Resolution,
        ScanFinding,
        SdkView,
        SearchHit,
        Summary,
    )

DEVICES_SHOWN = 8  # devices named in a finding before "and N more"
TALLY_ROWS = 5  # rows of each tally in the summary view
SKIPPED_SHOWN = 10  # skipped parts listed for an input with no records
HITS_SHOWN = 10  # search hits in the table of a search (the list holds them all)
CARD = (
    "border:1px solid #d0d7de;border-radius:6px;padding:8px 12px;margin:4px 0;max-width:72em;"
    "font-family:system-ui,sans-serif;font-size:13px;line-height:1.45;color:#1f2328;background:#fff"
)
MUTED = "color:#57606a"
TABLE = "border-collapse:collapse;font-size:13px"
CELL = "padding:2px 8px;text-align:left;vertical-align:top;border-bottom:1px solid #eaeef2"
NOWRAP = "white-space:nowrap"
CODE = "font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px;background:#f6f8fa;padding:0 3px;border-radius:3px"
PRE = (
    "font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px;background:#f6f8fa;padding:6px 8px;"
    "margin:2px 0;border-radius:4px;white-space:pre-wrap;overflow-wrap:anywhere;max-height:16em;overflow:auto"
)
SEVERITY_COLORS = {"info": "#0969da", "warning": "#9a6700", "error": "#cf222e", "critical": "#8250df"}
ACTORS = {
    "device-code": "device code",
    "device-operator": "device operator",
    "back-end-application": "back-end application",
    "hub-administrator": "hub administrator",
    "azure": "Azure (Microsoft)",
}
SDKS = {
    "csharp-service-v1": ".NET service v1",
    "csharp-service-v2": ".NET service v2",
    "java-service": "Java service",
    "java-device": "Java device",
    "node": "Node.js",
    "python-device": "Python device",
    "c-device": "C device",
}
SERVICES = {"IotHub": "IoT Hub", "Dps": "DPS"}
MATCHES = {
    "code": "code",
    "alias-code": "alias code (the article's other number for this entry)",
    "unlisted-code": "unlisted code, judged by its class and family",
    "name": "name",
    "alias": "alias",
}
SKIP_REASONS = {
    "not-json": "not JSON or CSV",
    "malformed-json": "JSON cut off or malformed",
    "not-an-object": "a JSON value that is not an object",
    "not-a-log-record": "an object with none of the fields of a log record",
    "too-large": "a record too large to read",
    "malformed-csv": "a CSV row that does not fit the header",
    "unknown-format": "a shape none of the readers know",
}
_TICKS = re.compile(r"`([^`\n]+)`")


def text(value: object) -> str:
    """Any value as escaped HTML text."""
    return escape(str(value))


def prose(value: str) -> str:
    """Catalog or finding text: escaped, with `backticked` parts as `<code>`."""
    return _TICKS.sub(lambda m: f'<code style="{CODE}">{m.group(1)}</code>', escape(value))


def nowrap(html: str) -> str:
    return f'<span style="{NOWRAP}">{html}</span>'


def code_text(value: object) -> str:
    """An id, code or other literal value: escaped, monospace, never broken."""
    return f'<code style="{CODE};{NOWRAP}">{text(value)}</code>'


def badge(label: str, color: str) -> str:
    style = (
        f"display:inline-block;padding:0 6px;border-radius:10px;border:1px solid {color};color:{color};"
        f"font-size:12px;{NOWRAP}"
    )
    return f'<span style="{style}">{escape(label)}</span>'


def severity_badge(severity: str) -> str:
    return badge(str(severity), SEVERITY_COLORS.get(str(severity), "#57606a"))


def link(url: str, label_html: str) -> str:
    """A link for an https URL (anything else is shown as the label alone); `label_html` is already HTML."""
    if url.startswith("https://") or url.startswith("#"):
        target = "" if url.startswith("#") else ' target="_blank" rel="noopener"'
        return f'<a href="{escape(url)}"{target}>{label_html}</a>'
    return label_html


def items(tag: str, values: Iterable[str]) -> str:
    body = "".join(f"<li>{prose(v)}</li>" for v in values)
    return f'<{tag} style="margin:2px 0 2px 1.2em;padding:0">{body}</{tag}>'


def row(label: str, value_html: str) -> str:
    return (
        f'<tr><th style="{CELL};{MUTED};font-weight:normal;{NOWRAP}">{label}</th>'
        f'<td style="{CELL}">{value_html}</td></tr>'
    )


def time_text(moment: Optional[datetime]) -> str:
    """`2024-05-14 08:00:05Z`, unbroken; empty for `None`."""
    if moment is None:
        return ""
    return nowrap(escape(moment.strftime("%Y-%m-%d %H:%M:%S") + "Z"))


def span(first: Optional[datetime], last: Optional[datetime]) -> str:
    if first is not None and last is not None and first != last:
        end = last.strftime("%H:%M:%S") + "Z" if first.date() == last.date() else last.strftime("%Y-%m-%d %H:%M:%S") + "Z"
        return f"{time_text(first)} – {nowrap(escape(end))}"
    return time_text(first or last)


def devices_html(devices: tuple[str, ...]) -> str:
    shown = ", ".join(code_text(device) for device in devices[:DEVICES_SHOWN])
    more = len(devices) - DEVICES_SHOWN
    return shown + (f" and {more} more" if more > 0 else "")


def yes_no(value: Optional[bool]) -> str:
    return "—" if value is None else ("yes" if value else "no")


def grid(heads: Sequence[str], rows: Iterable[Sequence[tuple[str, str]]], head_style: str = CELL, extra: str = "") -> str:
    """A table with one header row; each row is a sequence of (cell HTML, style added to the cell's own)."""
    head = "".join(f'<th style="{head_style}">{h}</th>' for h in heads)
    body = "".join(
        "<tr>" + "".join(f'<td style="{CELL}{style}">{cell}</td>' for cell, style in row) + "</tr>" for row in rows
    )
    return f'<table style="{TABLE}{extra}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def sdk_table(views: tuple[SdkView, ...]) -> str:
    rows = (
        (
            (escape(SDKS.get(str(v.sdk), str(v.sdk))), f";{NOWRAP}"),
            (yes_no(v.knows_code), ""),
            (code_text(v.surfaces_as), ""),
            (yes_no(v.transient), ""),
            (prose(v.policy), ";min-width:18em"),
        )
        for v in views
    )
    return grid(("SDK", "knows the code", "surfaces as", "transient", "then"), rows, head_style=f"{CELL};{NOWRAP}")


def query(kql: str) -> str:
    return f'<pre style="{PRE}">{escape(kql)}</pre>'


def related_links(codes: tuple[int, ...]) -> str:
    """Each related code linked to its entry's documentation (named when the catalog lists it)."""
    from iothub_errors import UnknownCodeError, lookup

    shown = []
    for code in codes:
        try:
            entry = lookup(code)
        except UnknownCodeError:
            shown.append(code_text(code))
            continue
        shown.append(link(entry.doc_url, nowrap(f"{code} {escape(entry.name)}")))
    return ", ".join(shown)


def entry_card(entry: Entry) -> str:
    code = "—" if entry.code is None else str(entry.code)
    status = "AMQP/MQTT only" if entry.http_status is None else f"HTTP {entry.http_status}"
    source = "from Microsoft's article" if str(entry.source) == "article" else "known to the SDKs, not in the article"
    anchor = f' id="iothub-{entry.code}"' if entry.code is not None else ""
    html = [
        f'<div style="{CARD}"{anchor}><div><b style="font-size:15px">{nowrap(escape(code))} {escape(entry.name)}</b> '
        f"{badge(str(entry.error_class), '#57606a')} {severity_badge(entry.severity)}</div>",
        f'<div style="{MUTED}">{escape(status)} · {escape(entry.family or "no family")} · {escape(source)}</div>',
        f'<p style="margin:6px 0">{prose(entry.summary)}</p><table style="{TABLE}">',
    ]
    if entry.aliases or entry.alias_codes:
        names = [code_text(alias) for alias in entry.aliases] + [code_text(alias) for alias in entry.alias_codes]
        html.append(row("Also written", ", ".join(names)))
    html += [
        row("Transient", "yes" if entry.transient else "no"),
        row("Retry", escape(entry.retry.description)),
        row("Who acts", escape(ACTORS.get(str(entry.actor), str(entry.actor)))),
    ]
    if entry.symptoms:
        html.append(row("Symptoms", items("ul", entry.symptoms)))
    if entry.causes:
        html.append(row("Causes", items("ul", entry.causes)))
    if entry.diagnosis:
        html.append(row("Telling causes apart", items("ul", entry.diagnosis)))
    if entry.fixes:
        html.append(row("Fixes, in order", items("ol", entry.fixes)))
    if entry.decision:
        html.append(row("Decision", prose(entry.decision)))
    if entry.limits:
        html.append(row("Limits", items("ul", entry.limits)))
    if entry.messages:
        html.append(row("Service messages", "<br>".join(code_text(m) for m in entry.messages)))
    if entry.sdk_views:
        html.append(row("What each SDK does", sdk_table(entry.sdk_views)))
    if entry.related:
        html.append(row("Related", related_links(entry.related)))
    html.append(row("KQL: occurrences", query(entry.kql.occurrences)))
    if entry.kql.causes:
        html.append(row("KQL: causes", query(entry.kql.causes)))
    html.append(row("Docs", link(entry.doc_url, escape(entry.doc_url))) + "</table></div>")
    return "".join(html)


def classification_card(classification: Classification) -> str:
    c = classification
    code = "—" if c.code is None else str(c.code)
    status = "AMQP/MQTT only" if c.http_status is None else f"HTTP {c.http_status}"
    name = c.name or "not in the catalog"
    html = [
        f'<div style="{CARD}"><div><b style="font-size:15px">{nowrap(escape(code))} {escape(name)}</b> '
        f"{badge(str(c.error_class), '#57606a')} {severity_badge(c.severity)}</div>",
        f'<div style="{MUTED}">{escape(status)} · {escape(c.family or "no family")}</div><table style="{TABLE}">',
        row("Transient", "yes" if c.transient else "no"),
        row("Retry", escape(c.retry.description)),
        row("Who acts", escape(ACTORS.get(str(c.actor), str(c.actor)))),
    ]
    if c.sdk_views:
        html.append(row("What each SDK does", sdk_table(c.sdk_views)))
    return "".join(html) + "</table></div>"


def resolution_card(resolution: Resolution) -> str:
    matched = MATCHES.get(str(resolution.matched_by), str(resolution.matched_by))
    head = f'<div style="{MUTED};font-family:system-ui,sans-serif;font-size:13px">matched by {escape(matched)}</div>'
    if resolution.entry is not None:
        return head + entry_card(resolution.entry)
    return head + classification_card(resolution.classification)


def search_hit_card(hit: SearchHit) -> str:
    e = hit.entry
    code = "—" if e.code is None else str(e.code)
    return (
        f'<div style="{CARD}"><div><b>{nowrap(escape(code))} {escape(e.name)}</b> {badge(str(e.error_class), "#57606a")} '
        f'{severity_badge(e.severity)} <span style="{MUTED}">score {hit.score}</span></div>'
        f'<div>{prose(e.summary)}</div><div>{link(e.doc_url, escape(e.doc_url))}</div></div>'
    )


def search_hits_view(hits: Sequence[SearchHit]) -> str:
    if not hits:
        return f'<div style="{CARD}">No entry matches.</div>'
    rows = (
        (
            (link(h.entry.doc_url, escape("—" if h.entry.code is None else str(h.entry.code))), f";{NOWRAP}"),
            (escape(h.entry.name), ""),
            (escape(str(h.entry.error_class)), ""),
            (prose(h.entry.summary), ";min-width:24em"),
            (str(h.score), ""),
        )
        for h in hits[:HITS_SHOWN]
    )
    table = grid(("code", "name", "class", "summary", "score"), rows)
    more = len(hits) - HITS_SHOWN
    tail = f'<div style="{MUTED}">and {more} more, less relevant (all are in the list)</div>' if more > 0 else ""
    return f'<div style="{CARD}">{table}{tail}</div>'


def scan_finding_card(finding: ScanFinding) -> str:
    code = "" if finding.code is None else str(finding.code)
    name = finding.name or (str(finding.error_class) if finding.error_class else "unnamed error")
    service = SERVICES.get(str(finding.service), str(finding.service))
    html = [
        f'<div style="{CARD}"><div><b>{nowrap(escape(code))} {escape(name)}</b> {badge(service, "#57606a")} '
        f'<span style="{MUTED}">{escape(str(finding.evidence).replace("-", " "))} · confidence {finding.confidence:.2f} · '
        f"characters {finding.start}–{finding.end}</span></div>",
        f'<table style="{TABLE}">',
    ]
    if finding.device_id is not None:
        html.append(row("Device", code_text(finding.device_id)))
    if finding.timestamp is not None:
        html.append(row("Time", time_text(finding.timestamp)))
    if finding.tracking_id is not None:
        html.append(row("Tracking id", code_text(finding.tracking_id)))
    if finding.message is not None:
        html.append(row("Message", escape(finding.message)))
    return "".join(html) + "</table></div>"


def fleet_finding_card(finding: FleetFinding) -> str:
    html = [
        f'<div style="{CARD}"><div>{severity_badge(finding.severity)} <b>{escape(finding.title)}</b> '
        f'<span style="{MUTED}">{escape(str(finding.kind))}</span></div><table style="{TABLE}">'
    ]
    if len(finding.devices) > 1:
        html.append(row("Devices", f"{len(finding.devices)}: " + devices_html(finding.devices)))
    elif finding.devices:
        html.append(row("Devices", devices_html(finding.devices)))
    top = finding.details.top_offenders
    if any(offender.count > 1 for offender in top):  # when each device counts once, the device list says it all
        html.append(row("Top offenders", ", ".join(f"{code_text(o.device)} ({o.count})" for o in top)))
    if finding.entries:
        html.append(row("Codes", ", ".join(link(e.doc_url, nowrap(f"{e.code} {escape(e.name)}")) for e in finding.entries)))
    html.append(row("When", span(finding.first, finding.last)))
    html.append(row("Records", str(finding.count)))
    html.append(row("What happens", prose(finding.explanation)))
    if finding.actions:
        html.append(row("What to do", items("ol", finding.actions)))
    html.append(row("KQL", query(finding.kql.records)))
    if finding.kql.pattern:
        html.append(row("KQL: pattern", query(finding.kql.pattern)))
    return "".join(html) + "</table></div>"


def figures(summary: Summary) -> str:
    return (
        f'<div style="{MUTED}">{summary.records_read} records ({summary.records_skipped} skipped, '
        f"{summary.duplicates} duplicates) · {summary.devices} devices · {summary.errors} errors · "
        f"{span(summary.first, summary.last)}</div>"
    )


def skip_reason(reason: str) -> str:
    return SKIP_REASONS.get(str(reason), str(reason).replace("-", " "))


def nothing_read(report: Report, source: str) -> str:
    """The card of a report that read no records: what was given, and why each skipped part was skipped."""
    summary = report.summary
    html = (
        f'<div style="{CARD}"><b style="font-size:15px">No IoT Hub log records recognised in {escape(source)}</b>'
        f'<div style="{MUTED}">{summary.records_skipped} {"part" if summary.records_skipped == 1 else "parts"} skipped</div>'
    )
    if summary.skipped:
        rows = (
            (
                (str(skipped.line), ""),
                (escape(skip_reason(skipped.reason)), ""),
                (f'<code style="{CODE}">{escape(skipped.excerpt)}</code>', ""),
            )
            for skipped in summary.skipped[:SKIPPED_SHOWN]
        )
        html += grid(("line", "why", "starts with"), rows, extra=";margin-top:6px")
    hint = (
        "IoT Hub writes its resource logs as storage PT1H.json blobs, Event Hubs records, Log Analytics CSV or JSON "
        "exports and Event Grid events; other text can be searched for errors with scan()."
    )
    return html + f'<p style="{MUTED};margin:6px 0 0">{escape(hint)}</p></div>'


def report_view(report: Report, source: Optional[str] = None) -> str:
    if not report.recognised:
        return nothing_read(report, source or "the input")
    html = f'<div style="{CARD}"><b style="font-size:15px">IoT Hub log diagnosis</b>' + figures(report.summary)
    if not report.findings:
        return html + "<p>No patterns found.</p></div>"
    rows = (
        (
            (severity_badge(f.severity), ""),
            (f'<b>{escape(f.title)}</b> <span style="{MUTED}">{escape(str(f.kind))}</span>' + items("ol", f.actions), ";min-width:24em"),
            (devices_html(f.devices), ""),
            (", ".join(nowrap(str(code)) for code in f.codes), ""),
            (span(f.first, f.last), ""),
            (str(f.count), ""),
        )
        for f in report.findings
    )
    heads = ("severity", "finding and what to do", "devices", "codes", "when", "records")
    return html + grid(heads, rows, extra=";margin-top:6px") + "</div>"


def summary_view(summary: Summary) -> str:
    html = f'<div style="{CARD}"><b style="font-size:15px">Log summary</b>' + figures(summary)
    html += '<div style="display:flex;gap:24px;flex-wrap:wrap;margin-top:6px">'
    tallies = (
        ("top codes", [(nowrap(f"{c.code} {escape(c.name or '')}"), c.count) for c in summary.by_code[:TALLY_ROWS]]),
        ("top devices", [(code_text(c.key), c.count) for c in summary.top_devices[:TALLY_ROWS]]),
        ("categories", [(escape(c.key), c.count) for c in summary.by_category[:TALLY_ROWS]]),
    )
    for title, rows in tallies:
        html += f'<table style="{TABLE}"><thead><tr><th style="{CELL}" colspan="2">{title}</th></tr></thead><tbody>'
        html += "".join(f'<tr><td style="{CELL}">{k}</td><td style="{CELL}">{n}</td></tr>' for k, n in rows)
        html += "</tbody></table>"
    return html + "</div></div>"
