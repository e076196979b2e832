"""pandas DataFrames of the results (pandas is optional: importing this module does not import it).

Conventions: one row per item; sequences stay Python lists in one cell (never nested dicts); timestamps are
`datetime64` in UTC; counts are `int64`; optional integers (an entry without a code) are pandas' nullable `Int64`;
`severity` is an ordered categorical (info < warning < error < critical), so it sorts and compares by gravity.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Iterable, Optional, Sequence

if TYPE_CHECKING:
    from datetime import datetime

    from iothub_errors._types import CodeCount, Count, Entry, FleetFinding, ScanFinding, SearchHit, Summary

#: What `Summary.frames()` and `Summary.summary_frame(dimension)` know, in the order of `frames()`.
DIMENSIONS = ("code", "category", "operation", "hour", "device", "top_devices")


def pandas(caller: str) -> Any:
    """The pandas module, or an ImportError that says how to install it."""
    try:
        return importlib.import_module("pandas")
    except ImportError as cause:
        raise ImportError(
            f"{caller} needs pandas, which is not installed: pip install pandas "
            "(or pip install 'iothub-errors[pandas]')"
        ) from cause


def _severities(pd: Any, values: Iterable[str]) -> Any:
    from iothub_errors._types import Severity

    return pd.Categorical(list(values), categories=[member.value for member in Severity], ordered=True)


def _times(pd: Any, values: Sequence[Optional[datetime]]) -> Any:
    return pd.Series(pd.to_datetime(list(values), utc=True), dtype="datetime64[ns, UTC]")


def _ints(pd: Any, values: Iterable[Optional[int]], nullable: bool = False) -> Any:
    return pd.Series(list(values), dtype="Int64" if nullable else "int64")


def findings_frame(findings: Sequence[FleetFinding], caller: str) -> Any:
    pd = pandas(caller)
    return pd.DataFrame(
        {
            "kind": pd.Series([f.kind.value for f in findings], dtype=object),
            "severity": _severities(pd, (f.severity.value for f in findings)),
            "title": pd.Series([f.title for f in findings], dtype=object),
            "devices": pd.Series([list(f.devices) for f in findings], dtype=object),
            "device_count": _ints(pd, (len(f.devices) for f in findings)),
            "codes": pd.Series([list(f.codes) for f in findings], dtype=object),
            "first": _times(pd, [f.first for f in findings]),
            "last": _times(pd, [f.last for f in findings]),
            "count": _ints(pd, (f.count for f in findings)),
            "explanation": pd.Series([f.explanation for f in findings], dtype=object),
            "actions": pd.Series([list(f.actions) for f in findings], dtype=object),
        }
    )


def _counts(pd: Any, key: str, tally: Sequence[Count]) -> Any:
    return pd.DataFrame(
        {key: pd.Series([c.key for c in tally], dtype=object), "count": _ints(pd, (c.count for c in tally))}
    )


def summary_frame(summary: Summary, dimension: str, caller: str) -> Any:
    pd = pandas(caller)
    if dimension == "code":
        codes: Sequence[CodeCount] = summary.by_code
        return pd.DataFrame(
            {
                "code": _ints(pd, (c.code for c in codes)),
                "name": pd.Series([c.name for c in codes], dtype=object),
                "count": _ints(pd, (c.count for c in codes)),
            }
        )
    if dimension == "hour":
        from iothub_errors._base import parse_time

        return pd.DataFrame(
            {
                "hour": _times(pd, [parse_time(c.key) for c in summary.by_hour]),
                "count": _ints(pd, (c.count for c in summary.by_hour)),
                "errors": _ints(pd, (c.count for c in summary.errors_by_hour)),
            }
        )
    tallies = {
        "category": summary.by_category,
        "operation": summary.by_operation,
        "device": summary.by_device,
        "top_devices": summary.top_devices,
    }
    if dimension not in tallies:
        raise ValueError(f"no summary dimension {dimension!r}; the dimensions are {', '.join(DIMENSIONS)}")
    return _counts(pd, "device" if dimension == "top_devices" else dimension, tallies[dimension])


def scan_frame(findings: Sequence[Sequence[ScanFinding]], caller: str) -> Any:
    pd = pandas(caller)
    rows = [(index, f) for index, found in enumerate(findings) for f in found]
    return pd.DataFrame(
        {
            "text": _ints(pd, (index for index, _ in rows)),
            "code": _ints(pd, (f.code for _, f in rows), nullable=True),
            "name": pd.Series([f.name for _, f in rows], dtype=object),
            "class": pd.Series([None if f.error_class is None else f.error_class.value for _, f in rows], dtype=object),
            "service": pd.Series([f.service.value for _, f in rows], dtype=object),
            "evidence": pd.Series([f.evidence.value for _, f in rows], dtype=object),
            "confidence": pd.Series([f.confidence for _, f in rows], dtype="float64"),
            "start": _ints(pd, (f.start for _, f in rows)),
            "end": _ints(pd, (f.end for _, f in rows)),
            "device_id": pd.Series([f.device_id for _, f in rows], dtype=object),
            "timestamp": _times(pd, [f.timestamp for _, f in rows]),
            "tracking_id": pd.Series([f.tracking_id for _, f in rows], dtype=object),
            "message": pd.Series([f.message for _, f in rows], dtype=object),
        }
    )


def search_frame(hits: Sequence[SearchHit], caller: str) -> Any:
    pd = pandas(caller)
    return pd.DataFrame(
        {
            "code": _ints(pd, (h.entry.code for h in hits), nullable=True),
            "name": pd.Series([h.entry.name for h in hits], dtype=object),
            "class": pd.Series([h.entry.error_class.value for h in hits], dtype=object),
            "severity": _severities(pd, (h.entry.severity.value for h in hits)),
            "summary": pd.Series([h.entry.summary for h in hits], dtype=object),
            "score": _ints(pd, (h.score for h in hits)),
            "doc_url": pd.Series([h.entry.doc_url for h in hits], dtype=object),
        }
    )


def catalog_frame(entries: Sequence[Entry], caller: str) -> Any:
    pd = pandas(caller)

    def strings(get: Any) -> Any:
        return pd.Series([get(e) for e in entries], dtype=object)

    def lists(get: Any) -> Any:
        return pd.Series([list(get(e)) for e in entries], dtype=object)

    return pd.DataFrame(
        {
            "code": _ints(pd, (e.code for e in entries), nullable=True),
            "name": strings(lambda e: e.name),
            "aliases": lists(lambda e: e.aliases),
            "alias_codes": lists(lambda e: e.alias_codes),
            "family": strings(lambda e: e.family),
            "class": strings(lambda e: e.error_class.value),
            "http_status": _ints(pd, (e.http_status for e in entries), nullable=True),
            "amqp_mqtt_only": pd.Series([e.amqp_mqtt_only for e in entries], dtype=bool),
            "transient": pd.Series([e.transient for e in entries], dtype=bool),
            "retry": strings(lambda e: e.retry.kind.value),
            "retry_advice": strings(lambda e: e.retry.description),
            "actor": strings(lambda e: e.actor.value),
            "severity": _severities(pd, (e.severity.value for e in entries)),
            "source": strings(lambda e: e.source.value),
            "summary": strings(lambda e: e.summary),
            "symptoms": lists(lambda e: e.symptoms),
            "causes": lists(lambda e: e.causes),
            "diagnosis": lists(lambda e: e.diagnosis),
            "fixes": lists(lambda e: e.fixes),
            "decision": strings(lambda e: e.decision),
            "limits": lists(lambda e: e.limits),
            "messages": lists(lambda e: e.messages),
            "related": lists(lambda e: e.related),
            "sdks_knowing_code": lists(lambda e: [v.sdk.value for v in e.sdk_views if v.knows_code]),
            "doc_url": strings(lambda e: e.doc_url),
            "kql_occurrences": strings(lambda e: e.kql.occurrences),
            "kql_causes": strings(lambda e: e.kql.causes),
        }
    )
