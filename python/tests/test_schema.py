"""The generated types, the JSON the core produces and core/schema.json agree, type by type and field by field.

A field added to a core type without `cargo xtask codegen` fails here twice: the core's JSON has a key the dataclass
does not (the round trip through `_from_json` and `to_dict()` loses it), and the committed schema lists a property
the dataclass lacks (or the other way round).
"""

from __future__ import annotations

import dataclasses
import enum
import json
from typing import Any

import pytest

import iothub_errors as ie
from iothub_errors import _base, _native, _types
from conftest import LOGS, TESTDATA

SCHEMA = json.loads((TESTDATA.parent / "core" / "schema.json").read_text(encoding="utf-8"))["$defs"]


def json_names(cls: type) -> set[str]:
    return {field.metadata.get("json", field.name) for field in dataclasses.fields(cls)}


def required_names(cls: type) -> set[str]:
    return {field.metadata.get("json", field.name) for field in dataclasses.fields(cls) if field.default is not None}


@pytest.mark.parametrize("name", sorted(SCHEMA))
def test_every_schema_type_is_generated_with_the_schemas_fields(name: str) -> None:
    definition = SCHEMA[name]
    cls = getattr(_types, name)
    variants = definition.get("oneOf", [])
    if variants and all("const" in variant for variant in variants):
        assert issubclass(cls, _base.OrderedStrEnum) and issubclass(cls, str)
        assert [member.value for member in cls] == [variant["const"] for variant in variants]
        return
    assert dataclasses.is_dataclass(cls) and issubclass(cls, _base.Record)
    assert cls.__dataclass_params__.frozen  # type: ignore[attr-defined]
    if "x-tag" in definition:
        properties = {key for variant in variants for key in variant["properties"]}
        required = {definition["x-tag"]}
    else:
        properties, required = set(definition["properties"]), set(definition.get("required", []))
    assert json_names(cls) == properties, f"{name}: run `cargo xtask codegen`"
    assert required_names(cls) == required, name


def every_json_value() -> list[tuple[type, Any]]:
    """(type, the core's JSON for it) for every kind of result the native module returns."""
    catalog = _native.catalog()
    values: list[tuple[type, Any]] = [(ie.Entry, entry) for entry in catalog]
    values += [(ie.Classification, _native.classify(code)) for code in (401003, 429999, 404104, 500001)]
    resolution = _native.resolve("aka.ms/iothub404102")
    resolution["entry"] = catalog[resolution["entry"]]
    values.append((ie.Resolution, resolution))
    text = (LOGS / "throttling.jsonl").read_text(encoding="utf-8")
    values += [(ie.ScanFinding, finding) for finding in _native.scan(text + 'deviceId "d1" {"errorCode":404103}')]
    connack = {"chain": [{"name": "UnauthorizedError", "message": "Connection refused"}], "connack_code": 5}
    values.append((ie.ScanFinding, _native.resolve_error(connack)))  # with alternatives
    values.append((ie.ErrorBody, _native.parse_error_body('{"errorCode":404103,"trackingId":"t","message":"m"}', 404)))
    for path in sorted(LOGS.iterdir()):
        if path.suffix in (".json", ".jsonl", ".csv"):
            values.append((ie.Report, _native.diagnose(str(path))))
    values.append((ie.Report, _native.diagnose_text(text + "not json\n")))
    return values


def records_in(value: Any) -> list[_base.Record]:
    found: list[_base.Record] = []
    if isinstance(value, _base.Record):
        found.append(value)
        for field in dataclasses.fields(value):  # type: ignore[arg-type]
            found += records_in(getattr(value, field.name))
    elif isinstance(value, tuple):
        for item in value:
            found += records_in(item)
    return found


def test_the_core_json_round_trips_through_the_generated_types() -> None:
    seen: set[str] = set()
    for cls, value in every_json_value():
        built = cls._from_json(value)  # type: ignore[attr-defined]
        # Through json: the native module may give a fixed-size array (Entry.sdk_views) as a tuple.
        assert built.to_dict() == json.loads(json.dumps(value)), f"{cls.__name__}: core JSON and dataclass differ"
        for record in records_in(built):
            seen.add(type(record).__name__)
            assert set(record.to_dict()) <= json_names(type(record))
            assert set(record.to_dict()) >= required_names(type(record))
    objects = {name for name, definition in SCHEMA.items() if "properties" in definition or "x-tag" in definition}
    # Error is an exception; ErrorFacts and ErrorLink are inputs (test_error_facts_cross_to_the_core checks them).
    assert objects - seen == {"Error", "Family", "SearchHit", "ErrorFacts", "ErrorLink"}, "every result type is checked"


def test_error_facts_cross_to_the_core() -> None:
    """Every field of the generated ErrorFacts and ErrorLink is a field of the core's type: the core refuses unknown
    keys, so a name that drifted raises here."""
    facts = ie.ErrorFacts(
        chain=(ie.ErrorLink(name="msrest.exceptions.HttpOperationError", message="Operation returned"),),
        http_status=404,
        error_code_header="DeviceNotFound",
        body='{"Message":"ErrorCode:DeviceNotFound;d1"}',
        amqp_condition="amqp:not-found",
        amqp_description="not found",
        connack_code=5,
        tracking_id="t1",
        frames=("azure.iot.hub.iothub_registry_manager",),
    )
    assert set(facts.to_dict()) == json_names(ie.ErrorFacts) == set(SCHEMA["ErrorFacts"]["properties"])
    assert ie.ErrorFacts._from_json(facts.to_dict()) == facts
    found = _native.resolve_error(facts)
    assert found is not None and found == _native.resolve_error(facts.to_dict()) and found["code"] == 404001


def test_fields_are_typed_values_not_json() -> None:
    entry = ie.lookup(404103)
    assert isinstance(entry.retry, ie.RetryAdvice) and isinstance(entry.sdk_views[0], ie.SdkView)
    assert isinstance(entry.sdk_views[0].sdk, enum.Enum) and isinstance(entry.alias_codes, tuple)
    report = ie.diagnose(LOGS / "throttling.jsonl")
    assert isinstance(report.summary.formats[0], ie.Format) and isinstance(report.findings[0].details, ie.Details)
    assert report.to_dict() == json.loads(json.dumps(_native.diagnose(str(LOGS / "throttling.jsonl"))))
