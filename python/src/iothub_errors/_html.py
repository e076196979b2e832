"""`_repr_html_` views for notebooks: compact cards and tables, every value escaped with `html.escape`."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Iterable, Optional

if TYPE_CHECKING:
    from iothub_errors._types import Entry, FleetFinding, Report, ScanFinding, Summary

DEVICES_SHOWN = 8  # devices named in a finding card before "and N more"
TALLY_ROWS = 5  # rows of each tally in the summary view
CARD = (
    "border:1px solid #d0d7de;border-radius:6px;padding:8px 12px;margin:4px 0;max-width:60em;"
    "font-family:system-ui,sans-serif;font-size:13px;line-height:1.45"
)
MUTED = "color:#57606a"
TABLE = "border-collapse:collapse;font-size:13px"
CELL = "padding:2px 8px;text-align:left;vertical-align:top;border-bottom:1px solid #eaeef2"
SEVERITY_COLORS = {"info": "#0969da", "warning": "#9a6700", "error": "#cf222e", "critical": "#8250df"}


def badge(text: str, color: str) -> str:
    style = f"display:inline-block;padding:0 6px;border-radius:10px;border:1px solid {color};color:{color};font-size:12px"
    return f'<span style="{style}">{escape(text)}</span>'


def severity_badge(severity: str) -> str:
    return badge(str(severity), SEVERITY_COLORS.get(str(severity), "#57606a"))


def link(url: str, text: str) -> str:
    if url.startswith("https://"):
        return f'<a href="{escape(url)}" target="_blank" rel="noopener">{escape(text)}</a>'
    return escape(text)


def items(tag: str, values: Iterable[str]) -> str:
    return f'<{tag} style="margin:2px 0 2px 1.2em;padding:0">' + "".join(f"<li>{escape(v)}</li>" for v in values) + f"</{tag}>"


def row(label: str, value_html: str) -> str:
    return f'<tr><th style="{CELL};{MUTED};font-weight:normal">{label}</th><td style="{CELL}">{value_html}</td></tr>'


def span(first: Optional[str], last: Optional[str]) -> str:
    if first and last and first != last:
        return f"{first} – {last}"
    return first or last or ""


def devices_text(devices: tuple[str, ...]) -> str:
    text = ", ".join(devices[:DEVICES_SHOWN])
    return text + (f" and {len(devices) - DEVICES_SHOWN} more" if len(devices) > DEVICES_SHOWN else "")


def entry_card(entry: Entry) -> str:
    code = "—" if entry.code is None else str(entry.code)
    status = "AMQP/MQTT only" if entry.http_status is None else f"HTTP {entry.http_status}"
    html = [
        f'<div style="{CARD}"><div><b style="font-size:15px">{escape(code)} {escape(entry.name)}</b> '
        f"{badge(str(entry.error_class), '#57606a')} {severity_badge(entry.severity)}</div>",
        f'<div style="{MUTED}">{escape(status)} · {escape(entry.family or "no family")}</div>',
        f'<p style="margin:6px 0">{escape(entry.summary)}</p><table style="{TABLE}">',
        row("Transient", "yes" if entry.transient else "no"),
        row("Retry", escape(entry.retry.description)),
        row("Who acts", escape(str(entry.actor))),
    ]
    if entry.causes:
        html.append(row("Causes", items("ul", entry.causes)))
    if entry.fixes:
        html.append(row("Fixes, in order", items("ol", entry.fixes)))
    if entry.related:
        html.append(row("Related", escape(", ".join(map(str, entry.related)))))
    html.append(row("Docs", link(entry.doc_url, entry.doc_url)) + "</table></div>")
    return "".join(html)


def scan_finding_card(finding: ScanFinding) -> str:
    code = "" if finding.code is None else str(finding.code)
    name = finding.name or (str(finding.error_class) if finding.error_class else "unnamed error")
    service = {"IotHub": "IoT Hub", "Dps": "DPS"}.get(str(finding.service), str(finding.service))
    html = [
        f'<div style="{CARD}"><div><b>{escape(code)} {escape(name)}</b> {badge(service, "#57606a")} '
        f'<span style="{MUTED}">{escape(str(finding.evidence))} · confidence {finding.confidence:.2f}</span></div>',
        f'<table style="{TABLE}">',
    ]
    for label, value in (
        ("Device", finding.device_id),
        ("Time", finding.timestamp),
        ("Tracking id", finding.tracking_id),
        ("Message", finding.message),
    ):
        if value is not None:
            html.append(row(label, escape(value)))
    return "".join(html) + "</table></div>"


def fleet_finding_card(finding: FleetFinding) -> str:
    html = [
        f'<div style="{CARD}"><div>{severity_badge(finding.severity)} <b>{escape(finding.title)}</b> '
        f'<span style="{MUTED}">{escape(str(finding.kind))}</span></div><table style="{TABLE}">'
    ]
    if finding.devices:
        html.append(row("Devices", escape(devices_text(finding.devices))))
    if finding.entries:
        html.append(row("Codes", ", ".join(link(e.doc_url, f"{e.code} {e.name}") for e in finding.entries)))
    html.append(row("When", escape(span(finding.first, finding.last))))
    html.append(row("Records", str(finding.count)))
    html.append(row("What happens", escape(finding.explanation)))
    if finding.actions:
        html.append(row("What to do", items("ol", finding.actions)))
    return "".join(html) + "</table></div>"


def figures(summary: Summary) -> str:
    return (
        f'<div style="{MUTED}">{summary.records_read} records ({summary.records_skipped} skipped, '
        f"{summary.duplicates} duplicates) · {summary.devices} devices · {summary.errors} errors · "
        f"{escape(span(summary.first, summary.last))}</div>"
    )


def report_view(report: Report) -> str:
    html = f'<div style="{CARD}"><b style="font-size:15px">IoT Hub log diagnosis</b>' + figures(report.summary)
    if not report.findings:
        return html + "<p>No patterns found.</p></div>"
    heads = "".join(f'<th style="{CELL}">{h}</th>' for h in ("severity", "finding", "devices", "codes", "when", "records"))
    html += f'<table style="{TABLE};margin-top:6px"><thead><tr>{heads}</tr></thead><tbody>'
    for f in report.findings:
        cells = (
            severity_badge(f.severity),
            f'{escape(f.title)}<div style="{MUTED}">{escape(str(f.kind))}</div>',
            escape(devices_text(f.devices)),
            escape(", ".join(map(str, f.codes))),
            escape(span(f.first, f.last)),
            str(f.count),
        )
        html += "<tr>" + "".join(f'<td style="{CELL}">{cell}</td>' for cell in cells) + "</tr>"
    return html + "</tbody></table></div>"


def summary_view(summary: Summary) -> str:
    html = f'<div style="{CARD}"><b style="font-size:15px">Log summary</b>' + figures(summary)
    html += '<div style="display:flex;gap:24px;flex-wrap:wrap;margin-top:6px">'
    tallies = (
        ("top codes", [(f"{c.code} {c.name or ''}", c.count) for c in summary.by_code[:TALLY_ROWS]]),
        ("top devices", [(c.key, c.count) for c in summary.top_devices[:TALLY_ROWS]]),
        ("categories", [(c.key, c.count) for c in summary.by_category[:TALLY_ROWS]]),
    )
    for title, rows in tallies:
        html += f'<table style="{TABLE}"><thead><tr><th style="{CELL}" colspan="2">{title}</th></tr></thead><tbody>'
        html += "".join(f'<tr><td style="{CELL}">{escape(k)}</td><td style="{CELL}">{n}</td></tr>' for k, n in rows)
        html += "</tbody></table>"
    return html + "</div></div>"
