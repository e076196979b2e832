"""Every Azure IoT Hub error code explained, classified and found in logs; fleet diagnosis of log exports.

The work is done by the Rust core in the native module ``iothub_errors._native``, which returns plain values in
the JSON shape of ``core/schema.json``; this package turns them into the result types of ``_types.py``
(generated from that schema). Importing it computes nothing: the result types load on first use, and catalog
entries are built once, on first use.

Quick tour::

    import iothub_errors as ie

    ie.lookup(401003)                 # Entry: IotHubUnauthorized, with causes, fixes, retry advice
    ie.resolve("aka.ms/iothub404102") # Resolution: DeviceNotOnline 404103 (alias code)
    ie.classify(429999)               # Classification of an unlisted code, by class and family
    try:
        registry_manager.get_device("thermostat-7")
    except Exception as e:
        ie.from_exception(e)          # ScanFinding: DeviceNotFound 404001, from the SDK's exception
    ie.scan(open("app.log").read())   # ScanFinding for every IoT Hub error in a text
    report = ie.diagnose("PT1H.json") # Report: fleet patterns in an IoT Hub log export
"""

from __future__ import annotations

from iothub_errors import _native
from iothub_errors._native import (
    MAX_QUERY_LEN,
    InvalidInputError,
    IotHubErrorsError,
    UnknownCodeError,
    UnknownNameError,
    __version__,
)

# The result types (`_types.py`, generated) are imported on first use, not by `import iothub_errors`: creating some
# thirty dataclasses and enums (and importing `dataclasses`, `enum` and `typing`) would take most of the import time.
# `TYPE_CHECKING` is mypy's name for "only for the type checker"; defining it here spares importing `typing`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import os
    from typing import IO, Any, Iterable, Optional, Union

    from iothub_errors._extras import SearchHits
    from iothub_errors._types import (
        Actor,
        Classification,
        CodeCount,
        Count,
        Details,
        Entry,
        EntryLink,
        ErrorBody,
        ErrorClass,
        ErrorFacts,
        ErrorKind,
        ErrorLink,
        Evidence,
        Family,
        FindingKind,
        FleetFinding,
        Format,
        MatchKind,
        Offender,
        RecordRef,
        Report,
        Resolution,
        RetryAdvice,
        RetryKind,
        ScanFinding,
        Sdk,
        SdkView,
        SearchHit,
        Service,
        Severity,
        SkipReason,
        Skipped,
        Source,
        Summary,
        TimelineEvent,
    )

    LogFormat = Format
    DiagnoseSource = Union[
        str, os.PathLike[str], bytes, bytearray, memoryview, IO[str], IO[bytes], Iterable[Union[str, bytes]]
    ]

#: The names `__getattr__` takes from `_types` (`LogFormat` is `Format`, the name the package used before).
_TYPE_NAMES = frozenset(
    (
        "Actor", "Classification", "CodeCount", "Count", "Details", "Entry", "EntryLink", "ErrorBody", "ErrorClass",
        "ErrorFacts", "ErrorKind", "ErrorLink", "Evidence", "Family", "FindingKind", "FleetFinding", "Format", "MatchKind", "Offender",
        "RecordRef", "Report", "Resolution", "RetryAdvice", "RetryKind", "ScanFinding", "Sdk", "SdkView", "SearchHit",
        "Service", "Severity", "SkipReason", "Skipped", "Source", "Summary", "TimelineEvent", "LogFormat",
        "SearchHits",
    )
)


def __getattr__(name: str) -> Any:
    if name not in _TYPE_NAMES:
        raise AttributeError(f"module 'iothub_errors' has no attribute {name!r}")
    from iothub_errors import _extras, _types

    value = getattr(_extras if name == "SearchHits" else _types, "Format" if name == "LogFormat" else name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | _TYPE_NAMES)


_ENTRIES: tuple[Entry, ...] = ()
_SHARED: dict[str, tuple[Entry, ...]] = {}
_CLASSIFIED: dict[int, Classification] = {}


def _entries() -> tuple[Entry, ...]:
    """Every catalog entry, built once: `lookup(401003) is lookup(401003)`."""
    global _ENTRIES
    if not _ENTRIES:
        from iothub_errors._types import Entry

        built = tuple([Entry._from_json(entry) for entry in _native.catalog()])
        _ENTRIES = _SHARED.setdefault("entries", built)  # atomic: threads that race all keep the first tuple
    return _ENTRIES


def lookup(code: int) -> Entry:
    """The catalog entry of a six-digit code (alias codes give their entry: 404102 → DeviceNotOnline 404103).

    Raises `UnknownCodeError` for a well-formed unlisted code, `InvalidInputError` for a number that is not an IoT
    Hub code, `TypeError` for anything but an int.
    """
    return (_ENTRIES or _entries())[_native.lookup(code)]


def by_name(name: str) -> Entry:
    """The catalog entry with this name or alias, ignoring case (`"DeviceNotFound"`, `"iothubunauthorized"`)."""
    return (_ENTRIES or _entries())[_native.by_name(name)]


def catalog() -> list[Entry]:
    """Every catalog entry: numbered codes in ascending order, then the two code-less rows."""
    return list(_ENTRIES or _entries())


def resolve(text: str) -> Resolution:
    """Resolves what people type or paste: a code, a name, an alias, `"Error 401003"`, `aka.ms/iothub404103`."""
    from iothub_errors._types import Resolution

    value = _native.resolve(text)
    index = value["entry"]
    value["entry"] = None if index is None else (_ENTRIES or _entries())[index]
    return Resolution._from_json(value)


def search(query: str) -> SearchHits:
    """Entries matching the words of `query`, best first: a list of `SearchHit` with `to_pandas()`."""
    from iothub_errors._extras import SearchHits
    from iothub_errors._types import SearchHit

    entries = _ENTRIES or _entries()
    return SearchHits([SearchHit(entry=entries[index], score=score) for index, score in _native.search(query)])


def classify(code: int) -> Classification:
    """Classifies any well-formed six-digit code, listed in the catalog or not (results are immutable and shared:
    `classify(404104) is classify(404104)`)."""
    shared = _CLASSIFIED.get(code) if type(code) is int else None  # exact ints: 404104.0 raises TypeError
    if shared is not None:
        return shared
    from iothub_errors._types import Classification

    classification = Classification._from_json(_native.classify(code))
    if type(code) is int and len(_CLASSIFIED) < 4096:
        _CLASSIFIED[code] = classification
    return classification


def classify_many(codes: Iterable[int]) -> list[Classification]:
    """Classifies every code of an iterable, in order, with the GIL released while classifying (equal codes share
    one `Classification` object).

    The first code that is not an int raises `TypeError`; the first that is not an IoT Hub code raises
    `InvalidInputError`, whose message gives its position.
    """
    from iothub_errors._types import Classification

    values, positions = _native.classify_many(codes)
    distinct = [Classification._from_json(value) for value in values]
    return [distinct[position] for position in positions]


def scan(text: str) -> list[ScanFinding]:
    """Every IoT Hub error in a text (logs, stack traces, HTTP dumps, error bodies), in order of position.

    `start` and `end` index the Python string: `text[finding.start:finding.end]` is the evidence.
    """
    from iothub_errors._types import ScanFinding

    return [ScanFinding._from_json(value) for value in _native.scan(text)]


def scan_many(texts: Iterable[str]) -> list[list[ScanFinding]]:
    """Scans every text of an iterable, with the GIL released while scanning; one list of findings per text."""
    from iothub_errors._types import ScanFinding

    build = ScanFinding._from_json
    return [[build(value) for value in found] if found else [] for found in _native.scan_many(texts)]


def scan_frame(texts: Union[str, Iterable[str]]) -> Any:
    """A pandas DataFrame of every IoT Hub error in `texts` (one `str`, or an iterable of them such as a
    DataFrame column): one row per finding, with `text` the position of its text in `texts`, then code (nullable
    Int64), name, class, service, evidence, confidence, start, end, device_id, timestamp (datetime64 UTC),
    tracking_id and message. Needs pandas (`pip install pandas`)."""
    from iothub_errors import _frames

    _frames.pandas("scan_frame()")
    found = [scan(texts)] if isinstance(texts, str) else scan_many(texts)
    return _frames.scan_frame(found, "scan_frame()")


def catalog_frame() -> Any:
    """A pandas DataFrame of the catalog, one row per entry (lists stay lists; SDK views are summed up as
    `sdks_knowing_code`; `severity` is an ordered categorical). Needs pandas (`pip install pandas`)."""
    from iothub_errors import _frames

    return _frames.catalog_frame(_ENTRIES or _entries(), "catalog_frame()")


def parse_error_body(body: str, http_status: Optional[int] = None) -> ErrorBody:
    """Reads an IoT Hub error body (an HTTP response body, an AMQP error description, an exception message).

    `http_status` is the response's status when known. Raises `InvalidInputError` (kind `not-an-error-body`) when
    the text names no error.
    """
    from iothub_errors._types import ErrorBody

    return ErrorBody._from_json(_native.parse_error_body(body, http_status))


def resolve_error(facts: Union[ErrorFacts, dict[str, Any]]) -> Optional[ScanFinding]:
    """The IoT Hub (or DPS) error that facts read off an SDK error object stand for, or `None` (the core decides:
    an explicit code in the body or header wins; otherwise the most likely code, with `alternatives`).

    `facts` is an `ErrorFacts` or a dict in its JSON shape. `start` and `end` of the finding index the text the core
    wrote the facts as. Anything else raises `TypeError`; a dict that does not fit raises `TypeError` (a value of
    the wrong type) or `ValueError` (an unknown key, a number out of range). `from_exception` reads the facts for you.
    """
    from iothub_errors._exceptions import utf8_facts
    from iothub_errors._types import ScanFinding

    value = _native.resolve_error(utf8_facts(facts))
    return None if value is None else ScanFinding._from_json(value)


def from_exception(error: object) -> Optional[ScanFinding]:
    """The IoT Hub (or DPS) error an exception stands for, or `None`: `azure.iot.device` and `azure.iot.hub`
    exceptions (their causes, HTTP response, `iothub-errorcode` header, body), uamqp errors (condition, description,
    tracking id), any exception whose text or causes name one, or a `str` read as an error message.

    Only reads what the object carries; the core decides. Never raises, whatever it is given.
    """
    from iothub_errors._exceptions import from_exception

    return from_exception(error)


def diagnose(source: DiagnoseSource, jobs: Optional[int] = None) -> Report:
    """Diagnoses IoT Hub logs from `source` and returns the report. The GIL is released while records are read.

    A path is read by `jobs` worker threads (default: the available parallelism; large JSON-lines files are
    split at line starts). The report is the same for any number of jobs and any order of the files.

    `source` may be a path (`str` or `os.PathLike`) of a file, or of a directory whose `.json`, `.jsonl`, `.csv`,
    `.log` and `.txt` files (recursively, in sorted order) are read as separate inputs; log text as a `str` (a
    `str` is text when it contains a line break, starts after white space with `{` or `[`, or is longer than 4096
    bytes; any other `str` is a path); `bytes`, `bytearray` or `memoryview`; a file object; or an iterable of
    lines (`str` or `bytes`). Other types raise `TypeError`. Use `diagnose_text` to pass text unambiguously.
    """
    from iothub_errors._types import Report

    return _described(Report._from_json(_native.diagnose(source, jobs)), _source_label(source))


def diagnose_text(text: Union[str, bytes, bytearray, memoryview]) -> Report:
    """Diagnoses the complete text of an export (`str` or bytes-like), never taken for a path."""
    from iothub_errors._types import Report

    return _described(Report._from_json(_native.diagnose_text(text)), _source_label(text))


def _source_label(source: object) -> str:
    """How a report names what it was read from, when it found nothing there."""
    import os

    if isinstance(source, str) and ("\n" in source or source.lstrip()[:1] in ("{", "[") or len(source) > 4096):
        return f"the text given ({len(source)} characters)"
    if isinstance(source, (str, os.PathLike)):
        return repr(os.fspath(source))
    if isinstance(source, (bytes, bytearray, memoryview)):
        return f"the bytes given ({len(source)} bytes)"
    name = getattr(source, "name", None)
    if isinstance(name, str):
        return repr(name)
    return f"the {type(source).__name__} given"


def _described(report: Report, source: str) -> Report:
    report.__dict__["_source"] = source  # not a field: equality, to_dict() and replace() ignore it
    return report


class Diagnoser:
    """Streaming diagnosis: `push` chunks of an export (str or bytes, any chunking), `next_input` between files,
    then `finish` for the report. The GIL is released while a chunk is processed. After `finish`, every call
    raises `ValueError`."""

    __slots__ = ("_native",)

    def __init__(self) -> None:
        self._native = _native.Diagnoser()

    def push(self, chunk: Union[str, bytes, bytearray, memoryview]) -> None:
        """Feeds a chunk of an export: a `str`, or `bytes`/`bytearray`/`memoryview` of UTF-8 text."""
        self._native.push(chunk)

    def next_input(self) -> None:
        """Starts the next input (file): its format is detected anew and evidence carries its number."""
        self._native.next_input()

    @property
    def records_read(self) -> int:
        """Records read so far."""
        return self._native.records_read

    def finish(self) -> Report:
        """Ends the input and returns the report."""
        from iothub_errors._types import Report

        return _described(Report._from_json(self._native.finish()), "the chunks pushed")

    def finish_partial(self) -> bytes:
        """Ends the input and returns its mergeable state (serialized, small: per-device digests, hub partials
        and counts). Give partials of diagnosers that read disjoint devices to `merge_partials`."""
        return self._native.finish_partial()

    def __repr__(self) -> str:
        return repr(self._native)


def merge_partials(partials: Iterable[Union[bytes, bytearray, memoryview]]) -> Report:
    """The report of the partials of several `Diagnoser`s (`finish_partial`), merged in any order: the same
    report one `Diagnoser` fed every record would give. All records of a device (hub, device id, module id) must
    have reached one diagnoser; a device in two partials, or bytes that are no partial, raise
    `InvalidInputError` (kind `invalid-partial`)."""
    from iothub_errors._types import Report

    return _described(Report._from_json(_native.merge_partials(partials)), "the partials merged")


__all__ = [
    "MAX_QUERY_LEN", "Actor", "Classification", "CodeCount", "Count", "Details", "Diagnoser", "Entry", "EntryLink",
    "ErrorBody", "ErrorClass", "ErrorFacts", "ErrorKind", "ErrorLink", "Evidence", "Family", "FindingKind", "FleetFinding", "Format",
    "InvalidInputError", "IotHubErrorsError", "LogFormat", "MatchKind", "Offender", "RecordRef", "Report",
    "Resolution", "RetryAdvice", "RetryKind", "ScanFinding", "SdkView", "SearchHit", "SearchHits", "Sdk", "Service", "Severity",
    "SkipReason", "Skipped", "Source", "Summary", "TimelineEvent", "UnknownCodeError", "UnknownNameError",
    "__version__", "by_name", "catalog", "catalog_frame", "classify", "classify_many", "diagnose", "diagnose_text", "from_exception", "lookup",
    "merge_partials", "parse_error_body", "resolve", "resolve_error", "scan", "scan_frame", "scan_many", "search",
]
