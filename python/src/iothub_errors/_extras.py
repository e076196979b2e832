"""Hand-written mixins of generated result types (`_types.py`): what is not data (notebook HTML, pandas, ...)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Optional, Union, cast

from iothub_errors import _native

if TYPE_CHECKING:
    from iothub_errors._types import Entry, FindingKind, FleetFinding, Report, RetryAdvice, ScanFinding, Severity
    from iothub_errors._types import Summary


class EntryExtras:
    def _repr_html_(self) -> str:
        """A card with class, retry advice, who acts, fixes and the documentation link."""
        from iothub_errors import _html  # on first display: importing the package needs no `html`
        return _html.entry_card(cast("Entry", self))


class RetryAdviceExtras:
    @property
    def description(self) -> str:
        """One sentence a person can act on (the core's wording)."""
        advice = cast("RetryAdvice", self)
        return _native.describe_retry(advice.kind.value, advice.initial_ms, advice.max_ms, advice.jitter_percent)


class ScanFindingExtras:
    def _repr_html_(self) -> str:
        from iothub_errors import _html
        return _html.scan_finding_card(cast("ScanFinding", self))


class FleetFindingExtras:
    def _repr_html_(self) -> str:
        from iothub_errors import _html
        return _html.fleet_finding_card(cast("FleetFinding", self))


def _pandas(caller: str) -> Any:
    try:
        return importlib.import_module("pandas")
    except ImportError as cause:
        raise ImportError(f"{caller} needs pandas, which is not installed: pip install 'iothub-errors[pandas]'") from cause


class ReportExtras:
    @property
    def worst_severity(self) -> Optional[Severity]:
        """The most severe level among the findings; `None` when there are none."""
        return max((finding.severity for finding in cast("Report", self).findings), default=None)

    def of_kind(self, kind: Union[FindingKind, str]) -> list[FleetFinding]:
        """The findings of one kind (a `FindingKind` or its name, such as `"throttling-burst"`)."""
        return [finding for finding in cast("Report", self).findings if finding.kind == kind]

    def to_pandas(self) -> Any:
        """One row per finding: kind, severity, title, devices, device_count, codes, first, last (UTC timestamps),
        count, explanation. Needs pandas (`pip install 'iothub-errors[pandas]'`)."""
        pandas = _pandas("Report.to_pandas()")
        findings = cast("Report", self).findings
        return pandas.DataFrame(
            {
                "kind": [f.kind.value for f in findings],
                "severity": [f.severity.value for f in findings],
                "title": [f.title for f in findings],
                "devices": [list(f.devices) for f in findings],
                "device_count": [len(f.devices) for f in findings],
                "codes": [list(f.codes) for f in findings],
                "first": pandas.to_datetime([f.first for f in findings], utc=True),
                "last": pandas.to_datetime([f.last for f in findings], utc=True),
                "count": [f.count for f in findings],
                "explanation": [f.explanation for f in findings],
            }
        )

    def _repr_html_(self) -> str:
        from iothub_errors import _html
        return _html.report_view(cast("Report", self))


class SummaryExtras:
    def to_pandas(self) -> Any:
        """Every tally in long form, one row per counted key: columns `dimension` (`code`, `category`, `operation`,
        `hour`, `device`), `key` (the code as text, the category, ...), `name` (the catalog name of a code, else
        `None`) and `count`. Needs pandas (`pip install 'iothub-errors[pandas]'`)."""
        pandas = _pandas("Summary.to_pandas()")
        summary = cast("Summary", self)
        rows: list[tuple[str, str, Optional[str], int]] = [("code", str(c.code), c.name, c.count) for c in summary.by_code]
        for dimension, tally in (
            ("category", summary.by_category),
            ("operation", summary.by_operation),
            ("hour", summary.by_hour),
            ("device", summary.by_device),
        ):
            rows.extend((dimension, count.key, None, count.count) for count in tally)
        return pandas.DataFrame(rows, columns=["dimension", "key", "name", "count"])

    def _repr_html_(self) -> str:
        from iothub_errors import _html
        return _html.summary_view(cast("Summary", self))
