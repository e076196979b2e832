"""`from_exception`: the IoT Hub error an exception stands for.

This module only READS what an exception object carries into the core's `ErrorFacts` (class names and messages
along the cause chain, the HTTP response's status, `iothub-errorcode` header and body, uamqp's condition,
description and tracking id, the modules of the traceback); the core decides what they mean (`resolve_error`).
Every attribute is read defensively: an object whose attributes raise, or that is no exception at all, gives what
could be read, never an exception.
"""

from __future__ import annotations

from typing import Any, Optional

from iothub_errors._types import ErrorFacts, ErrorLink, ScanFinding

#: How many exceptions of a cause chain are read (`__cause__`, `__context__`, msrest's `inner_exception`).
MAX_CHAIN = 8
#: How many distinct traceback modules are kept.
MAX_FRAMES = 32
#: The longest text kept of any one value (the core clips facts at 64 KiB too).
MAX_TEXT = 64 * 1024
#: Where uamqp's `info` map keeps the hub's tracking id.
_TRACKING_KEYS = (b"com.microsoft:tracking-id", "com.microsoft:tracking-id")


def _get(value: Any, name: str) -> Any:
    """`getattr(value, name, None)`, or `None` when reading the attribute raises anything."""
    try:
        return getattr(value, name, None)
    except Exception:
        return None


def _text(value: Any) -> Optional[str]:
    """`value` as text (`bytes` decoded as UTF-8, anything else through `str()`), or `None` when it is `None`, empty
    or cannot be written; lone surrogates become `?`."""
    if value is None:
        return None
    try:
        if isinstance(value, (bytes, bytearray)):
            text = bytes(value[:MAX_TEXT]).decode("utf-8", "replace")
        elif isinstance(value, str):
            text = value
        else:
            text = str(value)
            if not isinstance(text, str):
                return None
        text = text[:MAX_TEXT]
        text = text.encode("utf-8", "replace").decode("utf-8")
    except Exception:
        return None
    return text or None


def _status(value: Any) -> Optional[int]:
    """An HTTP status (an int from 100 to 599), or `None`."""
    try:
        if isinstance(value, bool) or not isinstance(value, int):
            return None
        status = int(value)
    except Exception:
        return None
    return status if 100 <= status <= 599 else None


def _header(headers: Any, name: str) -> Optional[str]:
    """A header of a `requests`/`urllib` headers object (case-insensitive there), or of a plain dict."""
    if headers is None:
        return None
    try:
        value = headers.get(name)
        if value is None and isinstance(headers, dict):
            value = next((v for k, v in headers.items() if isinstance(k, str) and k.lower() == name), None)
    except Exception:
        return None
    return _text(value)


def _class_name(value: Any) -> Optional[str]:
    """The qualified class name: `azure.iot.device.exceptions.CredentialError` (builtins without `builtins.`)."""
    try:
        kind = type(value)
        module = getattr(kind, "__module__", None)
        name = getattr(kind, "__qualname__", None) or getattr(kind, "__name__", None)
        if not isinstance(name, str):
            return None
        if isinstance(module, str) and module and module != "builtins":
            return f"{module}.{name}"
        return name
    except Exception:
        return None


def _chain(error: Any) -> list[Any]:
    """The error and its causes, outermost first, each once, at most `MAX_CHAIN`: depth first through
    `__cause__`, then `__context__`, then `inner_exception` (msrest)."""
    chain: list[Any] = []
    seen: set[int] = set()
    pending = [error]
    while pending and len(chain) < MAX_CHAIN:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        chain.append(current)
        following = [_get(current, "__cause__"), _get(current, "__context__"), _get(current, "inner_exception")]
        pending.extend(item for item in reversed(following) if isinstance(item, BaseException))
    return chain


def _frames(chain: list[Any]) -> list[str]:
    """The modules (else file names) of the tracebacks of every error of the chain, in order, each once."""
    frames: list[str] = []
    for error in chain:
        traceback = _get(error, "__traceback__")
        steps = 0
        while traceback is not None and steps < 256 and len(frames) < MAX_FRAMES:
            steps += 1
            try:
                frame = traceback.tb_frame
                module = frame.f_globals.get("__name__")
                where = module if isinstance(module, str) and module else frame.f_code.co_filename
                traceback = traceback.tb_next
            except Exception:
                break
            if isinstance(where, str) and where and where not in frames:
                frames.append(where)
    return frames


def error_facts(error: Any) -> Optional[ErrorFacts]:
    """The facts an exception (or any object) carries, as the core reads them; `None` for `None`.

    A `str` (or `bytes`) is taken as an error message. Nothing is decided here: the core's `resolve_error` reads
    the facts.
    """
    if error is None:
        return None
    if isinstance(error, (str, bytes, bytearray)):
        message = _text(error)
        return ErrorFacts(chain=(ErrorLink(message=message),)) if message else ErrorFacts()
    chain = _chain(error)
    links = []
    facts: dict[str, Any] = {}
    for link in chain:
        links.append(ErrorLink(name=_class_name(link), message=_text(link)))
        _read_response(link, facts)
        _read_amqp(link, facts)
    return ErrorFacts(
        chain=tuple(links),
        frames=tuple(_frames(chain)) or None,
        **facts,
    )


def _read_response(error: Any, facts: dict[str, Any]) -> None:
    """An HTTP response's status, `iothub-errorcode` header and body (`requests`, msrest, azure-core), or urllib's
    `HTTPError` status and header (its body is a stream: reading it would take it from the caller). The first
    error of the chain that has one gives each."""
    response = _get(error, "response")
    if response is not None:
        if "http_status" not in facts:
            status = _status(_get(response, "status_code")) or _status(_get(response, "status"))
            if status is not None:
                facts["http_status"] = status
        if "error_code_header" not in facts:
            header = _header(_get(response, "headers"), "iothub-errorcode")
            if header is not None:
                facts["error_code_header"] = header
        if "body" not in facts:
            text = _get(response, "text")
            if callable(text):  # azure-core's HttpResponse.text() (requests' text is a property)
                try:
                    text = text()
                except Exception:
                    text = None
            body = _text(text)
            if body is None:
                content = _get(response, "content")
                body = _text(content) if isinstance(content, (bytes, bytearray)) else None
            if body is not None:
                facts["body"] = body
    if "http_status" not in facts:
        # urllib.error.HTTPError (`code`, `headers`); uamqp's TokenAuthFailure (`status_code`).
        status = _status(_get(error, "status_code"))
        if status is None and _get(error, "fp") is not None and _get(error, "headers") is not None:
            status = _status(_get(error, "code"))
        if status is not None:
            facts["http_status"] = status
    if "error_code_header" not in facts and response is None:
        header = _header(_get(error, "headers"), "iothub-errorcode")
        if header is not None:
            facts["error_code_header"] = header


def _read_amqp(error: Any, facts: dict[str, Any]) -> None:
    """uamqp's `condition` (an enum, bytes or text), `description` and the tracking id in `info`."""
    condition = _get(error, "condition")
    if condition is not None and "amqp_condition" not in facts:
        value = _get(condition, "value") if not isinstance(condition, (str, bytes, bytearray)) else condition
        text = _text(value if value is not None else condition)
        if text and ":" in text:
            facts["amqp_condition"] = text
    if "amqp_description" not in facts and (condition is not None or _get(error, "status_code") is not None):
        description = _text(_get(error, "description"))
        if description is not None:
            facts["amqp_description"] = description
    info = _get(error, "info")
    if isinstance(info, dict) and "tracking_id" not in facts:
        for key in _TRACKING_KEYS:
            try:
                tracking = _text(info.get(key))
            except Exception:
                tracking = None
            if tracking is not None:
                facts["tracking_id"] = tracking
                break


def utf8_facts(facts: Any) -> Any:
    """`facts` (an `ErrorFacts`, as its dict, or a dict) with every string one UTF-8 can hold: lone surrogates become
    `?`, as in every other text the package takes. Anything else is returned as it is, for the core to judge."""
    if isinstance(facts, ErrorFacts):
        facts = facts.to_dict()
    return _utf8(facts) if isinstance(facts, dict) else facts


def _utf8(value: Any) -> Any:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return value.encode("utf-8", "replace").decode("utf-8")
        return value
    if isinstance(value, dict):
        return {key: _utf8(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_utf8(item) for item in value]
    return value


def from_exception(error: Any) -> Optional[ScanFinding]:
    """The IoT Hub (or DPS) error an exception stands for, or `None`.

    Give it what an Azure IoT SDK raised (`azure.iot.device`, `azure.iot.hub`'s `msrest` errors, uamqp errors, or
    any exception whose text or causes name one): the facts it carries are read (the cause chain, the HTTP status,
    the `iothub-errorcode` header and body, AMQP condition and tracking id, where it was raised) and the core
    resolves them. An explicit code wins; without one, the finding gives the most likely code with `confidence`
    below 0.85 and `alternatives`. A `str` is read as an error message. Never raises for any input.
    """
    from iothub_errors import resolve_error

    facts = error_facts(error)
    if facts is None:
        return None
    try:
        return resolve_error(facts)
    except Exception:  # the facts read here always fit the type; a fault inside the library is no answer either
        return None
