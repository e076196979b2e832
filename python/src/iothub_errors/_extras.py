"""Hand-written mixins of generated result types (`_types.py`): what is not data (notebook HTML, pandas, ...),
and `SearchHits`, the list `search()` returns."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional, SupportsIndex, Union, cast, overload

from iothub_errors import _native

if TYPE_CHECKING:
    from iothub_errors._types import (
        Classification,
        Entry,
        FindingKind,
        FleetFinding,
        Report,
        Resolution,
        RetryAdvice,
        ScanFinding,
        SearchHit,
        Severity,
        Summary,
    )


class EntryExtras:
    def _repr_html_(self) -> str:
        """A card with everything the catalog says: symptoms, causes, fixes in order, SDK behaviour, KQL, links."""
        from iothub_errors import _html  # on first display: importing the package needs no `html`

        return _html.entry_card(cast("Entry", self))


class ClassificationExtras:
    def _repr_html_(self) -> str:
        from iothub_errors import _html

        return _html.classification_card(cast("Classification", self))


class ResolutionExtras:
    def _repr_html_(self) -> str:
        from iothub_errors import _html

        return _html.resolution_card(cast("Resolution", self))


class SearchHitExtras:
    def _repr_html_(self) -> str:
        from iothub_errors import _html

        return _html.search_hit_card(cast("SearchHit", self))


class SearchHits(list["SearchHit"]):
    """What `search()` returns: a list of `SearchHit`, best first, with `to_pandas()` and a notebook table (a slice,
    such as `hits[:5]`, is a `SearchHits` too)."""

    @overload
    def __getitem__(self, index: SupportsIndex) -> SearchHit: ...

    @overload
    def __getitem__(self, index: slice) -> SearchHits: ...

    def __getitem__(self, index: Union[SupportsIndex, slice]) -> Union[SearchHit, SearchHits]:
        if isinstance(index, slice):
            return SearchHits(super().__getitem__(index))
        return super().__getitem__(index)

    def to_pandas(self) -> Any:
        """One row per hit: code (nullable Int64), name, class, severity (ordered categorical), summary, score,
        doc_url. Needs pandas (`pip install pandas`)."""
        from iothub_errors import _frames

        return _frames.search_frame(self, "search(...).to_pandas()")

    def _repr_html_(self) -> str:
        from iothub_errors import _html

        return _html.search_hits_view(self)


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


class ReportExtras:
    @property
    def worst_severity(self) -> Optional[Severity]:
        """The most severe level among the findings; `None` when there are none."""
        return max((finding.severity for finding in cast("Report", self).findings), default=None)

    def of_kind(self, kind: Union[FindingKind, str]) -> list[FleetFinding]:
        """The findings of one kind (a `FindingKind` or its name, such as `"throttling-burst"`)."""
        return [finding for finding in cast("Report", self).findings if finding.kind == kind]

    def findings_frame(self) -> Any:
        """One row per finding, most severe first: kind, severity (ordered categorical), title, devices (list),
        device_count, codes (list), first, last (datetime64 UTC), count, explanation, actions (list, in order).
        Needs pandas (`pip install pandas`)."""
        from iothub_errors import _frames

        return _frames.findings_frame(cast("Report", self).findings, "Report.findings_frame()")

    def to_pandas(self) -> Any:
        """`findings_frame()`: one row per finding. Needs pandas (`pip install pandas`)."""
        from iothub_errors import _frames

        return _frames.findings_frame(cast("Report", self).findings, "Report.to_pandas()")

    def __repr__(self) -> str:
        report = cast("Report", self)
        if report.recognised:
            return super().__repr__()
        skipped = "; ".join(
            f"line {s.line} {s.reason.value}: {s.excerpt!r}" for s in report.summary.skipped[:3]
        )
        skips = report.summary.records_skipped
        more = f"; {skips} {'part' if skips == 1 else 'parts'} skipped" if skips else ""
        return f"Report(no IoT Hub log records recognised in {_source_of(report)}{more}{': ' if skipped else ''}{skipped})"

    def _repr_html_(self) -> str:
        from iothub_errors import _html

        report = cast("Report", self)
        return _html.report_view(report, _source_of(report))


def _source_of(report: Report) -> str:
    """What the report was read from, as `diagnose` and `Diagnoser` recorded it (`the input` otherwise)."""
    source = report.__dict__.get("_source")
    return source if isinstance(source, str) else "the input"


class SummaryExtras:
    def frames(self) -> dict[str, Any]:
        """One DataFrame per dimension: `code` (code int64, name, count), `category`, `operation`, `hour` (hour as
        datetime64 UTC, count), `device` (error records per device) and `top_devices`. Needs pandas."""
        from iothub_errors import _frames

        return {dimension: self.summary_frame(dimension) for dimension in _frames.DIMENSIONS}

    def summary_frame(self, dimension: str) -> Any:
        """The DataFrame of one dimension of `frames()` (`"code"`, `"category"`, `"operation"`, `"hour"`,
        `"device"`, `"top_devices"`); counts are int64. Needs pandas (`pip install pandas`)."""
        from iothub_errors import _frames

        return _frames.summary_frame(cast("Summary", self), dimension, "Summary.summary_frame()")

    def to_pandas(self) -> Any:
        """Every tally in long form, one row per counted key: columns `dimension` (`code`, `category`, `operation`,
        `hour`, `device`), `key` (the code as text, the category, ...), `name` (the catalog name of a code, else
        `None`) and `count`. For typed columns use `frames()`. Needs pandas (`pip install pandas`)."""
        from iothub_errors import _frames

        pandas = _frames.pandas("Summary.to_pandas()")
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
