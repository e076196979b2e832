# The native module: the core's functions, returning plain values in the JSON shape of core/schema.json.
# The package wraps them into the generated classes of _types.py; checked against the module by mypy.stubtest.
from typing import Any, Final, Optional, Union, final

__all__ = [
    "__version__",
    "IotHubErrorsError",
    "UnknownCodeError",
    "UnknownNameError",
    "InvalidInputError",
    "MAX_QUERY_LEN",
    "catalog",
    "lookup",
    "by_name",
    "resolve",
    "search",
    "classify",
    "classify_many",
    "describe_retry",
    "scan",
    "scan_many",
    "parse_error_body",
    "Diagnoser",
    "diagnose",
    "diagnose_text",
    "_check_panic_guard",
]

__version__: Final[str]
MAX_QUERY_LEN: Final[int]

class IotHubErrorsError(Exception):
    kind: str

class UnknownCodeError(IotHubErrorsError, LookupError):
    code: int

class UnknownNameError(IotHubErrorsError, LookupError):
    name: str

class InvalidInputError(IotHubErrorsError, ValueError): ...

def catalog() -> list[dict[str, Any]]: ...
def lookup(code: int) -> int: ...
def by_name(name: str) -> int: ...
def resolve(text: str) -> dict[str, Any]: ...
def search(query: str) -> list[tuple[int, int]]: ...
def classify(code: int) -> dict[str, Any]: ...
def classify_many(codes: Any) -> tuple[list[dict[str, Any]], list[int]]: ...
def describe_retry(
    kind: str, initial_ms: Optional[int] = None, max_ms: Optional[int] = None, jitter_percent: Optional[int] = None
) -> str: ...
def scan(text: str) -> list[dict[str, Any]]: ...
def scan_many(texts: Any) -> list[list[dict[str, Any]]]: ...
def parse_error_body(body: str, http_status: Optional[int] = None) -> dict[str, Any]: ...
def diagnose(source: Any) -> dict[str, Any]: ...
def diagnose_text(text: Any) -> dict[str, Any]: ...
def _check_panic_guard() -> None: ...

@final
class Diagnoser:
    def __new__(cls) -> Diagnoser: ...
    def push(self, chunk: Union[str, bytes, bytearray, memoryview]) -> None: ...
    def next_input(self) -> None: ...
    @property
    def records_read(self) -> int: ...
    def finish(self) -> dict[str, Any]: ...
