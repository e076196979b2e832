"""Diagnosis of IoT Hub resource logs with Apache Spark (`pip install 'iothub-errors[spark]'`, pyspark 4).

```python
from iothub_errors.spark import read_resource_logs, diagnose

logs = read_resource_logs(spark, "abfss://insights-logs-connections@account.dfs.core.windows.net/")
findings = diagnose(logs)                      # a DataFrame: kind, severity, hub, devices, codes, first, ...
```

How it works. `read_resource_logs` gives one row per log record: the record as one JSON line (`value`) and the
keys Spark partitions and sorts by (`hub`, `device`, `module`, `time`), read from the record with Spark SQL's
JSON functions. `diagnose` sends all records of a device to one partition (`repartition` by hub and device),
sorts each partition in the canonical order (hub, device, module, time, record), and runs one native `Diagnoser`
per partition inside `mapInArrow`: each Arrow batch's JSON lines are pushed into it as they arrive, so a device
bigger than a batch, or than memory, streams through (Spark's sort spills to disk). At the end of a partition the
diagnoser's mergeable partial state (per-device digests, hub partials and counts; small) is the one row the
partition emits. The driver collects the partials and merges them (`iothub_errors.merge_partials`), which runs
the hub-wide detectors over the merged hub partials and gives the same `Report` as `iothub_errors.diagnose` on
the same records. The native objects are created inside the function on the executor (they do not pickle); the
package must be installed on the executors (a cluster library, `%pip install`, or a packed venv).

pyspark is imported by this module only, so `import iothub_errors` stays light.
"""

from __future__ import annotations

import importlib
import json
import os
from types import ModuleType
from typing import TYPE_CHECKING, Iterable, Iterator, Literal, Optional, Sequence, Union, overload

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import (
    ArrayType,
    BinaryType,
    IntegerType,
    LongType,
    StringType,
    StructField,
    StructType,
    TimestampType,
)

if TYPE_CHECKING:
    from typing import Any

    from iothub_errors._types import Report, Summary

    #: pyarrow ships no type information: its batches and arrays are `Any` here.
    ArrowBatch = Any
    ArrowArray = Any

__all__ = [
    "FINDINGS_SCHEMA", "RECORDS_SCHEMA", "diagnose", "diagnose_report", "findings_frame", "partials_frame",
    "read_resource_logs", "to_records",
]

#: The columns of `read_resource_logs` and `to_records`: the record as one JSON line, where it was read from
#: (`source`: the file; `blob_hour`: the hour of a storage blob's path, which is the hour the records were
#: *received*, so a blob can hold records from neighbouring hours), and the keys read from the record: the hub's
#: name (lower-case, as the core names hubs), the device and module ids, and the record's time.
RECORDS_SCHEMA = StructType(
    [
        StructField("value", StringType(), False),
        StructField("source", StringType(), True),
        StructField("blob_hour", TimestampType(), True),
        StructField("hub", StringType(), True),
        StructField("device", StringType(), True),
        StructField("module", StringType(), True),
        StructField("time", TimestampType(), True),
    ]
)

#: The columns of the findings `diagnose` returns, most severe first (the order of `Report.findings`).
FINDINGS_SCHEMA = StructType(
    [
        StructField("kind", StringType(), False),
        StructField("severity", StringType(), False),
        StructField("hub", StringType(), True),
        StructField("devices", ArrayType(StringType(), False), False),
        StructField("codes", ArrayType(IntegerType(), False), False),
        StructField("first", TimestampType(), True),
        StructField("last", TimestampType(), True),
        StructField("count", LongType(), False),
        StructField("title", StringType(), False),
        StructField("actions", ArrayType(StringType(), False), False),
    ]
)

#: What `mapInArrow` emits per partition: the diagnoser's partial state and how many records it read.
_PARTIAL_SCHEMA = StructType([StructField("partial", BinaryType(), False), StructField("records", LongType(), False)])

Format = Literal["auto", "lines", "documents", "csv", "avro"]
Paths = Union[str, "os.PathLike[str]", Sequence[Union[str, "os.PathLike[str]"]]]

#: The storage layout's partition folders (`y=2024/m=05/d=15/h=09/m=00`); `m=` is there twice (month, minute),
#: which is why partition inference must stay off.
_BLOB_HOUR = r"/y=(\d{4})/m=(\d{2})/d=(\d{2})/h=(\d{2})/"

#: The top-level members the keys are read from, in every spelling the export shapes use (storage and Event Hubs
#: records, Log Analytics rows, legacy operations monitoring, Event Grid events).
_TOP = (
    "time", "Time", "timestamp", "TimeGenerated", "TimeGenerated [UTC]", "eventTime",
    "resourceId", "ResourceId", "_ResourceId", "Resource", "topic",
    "properties", "properties_s", "Properties",
    "deviceId", "DeviceId", "deviceId_s", "moduleId", "ModuleId", "data",
)  # fmt: skip


def read_resource_logs(spark: SparkSession, path: Paths, *, format: Format = "auto") -> DataFrame:
    """IoT Hub resource logs under `path` (a file, a folder read recursively, a glob, or several of these; any
    URI Spark reads: `abfss://`, `wasbs://`, `dbfs:/`, local paths) as a DataFrame of records (`RECORDS_SCHEMA`).

    `format`:
    - `"lines"`: one JSON record per line: the storage account layout
      (`insights-logs-<category>/resourceId=/SUBSCRIPTIONS/.../IOTHUBS/<HUB>/y=/m=/d=/h=/m=00/PT1H.json`), JSON
      lines of any shape. The files are found with a recursive file lookup (partition inference stays off: `m=`
      appears twice in the path) and the hour of each blob is taken from its path (`blob_hour`).
    - `"documents"`: files of JSON documents: Event Hubs bodies (`{"records": [...]}`, one after the other),
      Log Analytics JSON exports (an array of `AzureDiagnostics` rows), Event Grid event arrays. Each file is read
      whole, so keep this for files of moderate size.
    - `"csv"`: Log Analytics CSV exports (the portal's `AzureDiagnostics` export).
    - `"avro"`: Event Hubs Capture files (`Body` holds a `{"records": [...]}` document); needs Spark's Avro data
      source (built into Databricks, Synapse and Fabric; elsewhere `spark.jars.packages`
      `org.apache.spark:spark-avro_2.13:<spark version>`).
    - `"auto"` (the default): `.avro` files are Capture, `.csv` files CSV; otherwise the first line decides:
      a line holding one complete JSON object means JSON lines, anything else documents. Guessing lists the
      files once more: name the format for a large container.
    """
    paths = [os.fspath(p) for p in ([path] if isinstance(path, (str, os.PathLike)) else path)]
    if not paths:
        raise ValueError("read_resource_logs() needs at least one path")
    if format == "auto":
        format = _guess_format(spark, paths)
    reader = spark.read.option("recursiveFileLookup", "true")
    if format == "lines":
        lines = reader.text(paths).select(F.col("value"), F.col("_metadata.file_path").alias("source"))
        return _with_keys(lines.where(F.col("value").rlike(r"^\s*\{")))
    if format == "documents":
        files = reader.option("wholetext", "true").text(paths)
        files = files.select(F.col("value"), F.col("_metadata.file_path").alias("source"))
        return _with_keys(files.mapInArrow(_split_documents, "value string, source string"))
    if format == "csv":
        rows = reader.options(header="true", multiLine="true", escape='"', inferSchema="false").csv(paths)
        return to_records(rows.withColumn("_source", F.col("_metadata.file_path")))
    if format == "avro":
        events = reader.format("avro").load(paths).withColumn("_source", F.col("_metadata.file_path"))
        return to_records(events)
    raise ValueError(f"unknown format {format!r}: auto, lines, documents, csv or avro")


def to_records(df: DataFrame) -> DataFrame:
    """Any DataFrame of IoT Hub logs as a DataFrame of records (`RECORDS_SCHEMA`):

    - the output of `read_resource_logs` (returned as it is);
    - a column `value` (string) holding one JSON record per row (`spark.read.text` of JSON lines);
    - a column `Body`/`body` (binary or string) or a binary `value` holding Event Hubs bodies
      (`{"records": [...]}`): a Capture read, the Event Hubs connector's or the Kafka source's events;
    - a column `records` (an array of JSON strings or of structs);
    - otherwise the rows are records themselves, their columns the Azure Monitor fields (`TimeGenerated`,
      `properties_s`, `_ResourceId`, ...: a Log Analytics query's result, a CSV export, a table): each row is
      written as a JSON object (`to_json(struct(*))`); the CSV export's `TimeGenerated [UTC]` keeps its name.

    A column `_source` (string), when there, becomes `source`.
    """
    columns = set(df.columns)
    if set(RECORDS_SCHEMA.names) <= columns:
        return df.select(*RECORDS_SCHEMA.names)
    source = F.col("_source").cast("string") if "_source" in columns else F.lit(None).cast("string")
    types = dict(df.dtypes)
    # Event Hubs events: Capture's `Body`, the connector's `body`, Kafka's `value` (binary).
    body = next((name for name in ("Body", "body", "value") if types.get(name) in ("binary", "string")), None)
    body = None if body == "value" and types["value"] == "string" else body
    if types.get("value") == "string":
        records = df.select(F.col("value"), source.alias("source"))
    elif body is not None:
        documents = F.from_json(F.col(body).cast("string"), "records array<string>")
        records = df.select(F.explode(documents["records"]).alias("value"), source.alias("source"))
    elif "records" in columns:
        element = df.schema["records"].dataType
        item = F.col("item") if getattr(element, "elementType", None) == StringType() else F.to_json(F.col("item"))
        exploded = df.select(F.explode("records").alias("item"), source.alias("source"))
        records = exploded.select(item.alias("value"), F.col("source"))
    else:
        fields = [F.col("`" + name.replace("`", "``") + "`") for name in df.columns if name != "_source"]
        records = df.select(F.to_json(F.struct(*fields)).alias("value"), source.alias("source"))
    return _with_keys(records.where(F.col("value").isNotNull()))


@overload
def diagnose(df: DataFrame, num_partitions: Optional[int] = None) -> DataFrame: ...
@overload
def diagnose(
    df: DataFrame, num_partitions: Optional[int] = None, *, summary: Literal[False]
) -> DataFrame: ...
@overload
def diagnose(
    df: DataFrame, num_partitions: Optional[int] = None, *, summary: Literal[True]
) -> tuple[DataFrame, Summary]: ...
def diagnose(
    df: DataFrame, num_partitions: Optional[int] = None, *, summary: bool = False
) -> Union[DataFrame, tuple[DataFrame, Summary]]:
    """Diagnoses the records of `df` (`read_resource_logs`' output, or any DataFrame `to_records` takes) and
    returns a DataFrame of findings (`FINDINGS_SCHEMA`: kind, severity, hub, devices, codes, first, last, count,
    title, actions), most severe first; with `summary=True`, `(findings, summary)`.

    The findings equal those of `iothub_errors.diagnose` on the same records, whatever the partitioning.
    `num_partitions`: how many partitions the records are spread over by (hub, device) (default:
    `spark.sql.shuffle.partitions`). Runs one Spark job; `diagnose_report` gives the whole `Report`.
    """
    report = diagnose_report(df, num_partitions)
    findings = findings_frame(df.sparkSession, report)
    return (findings, report.summary) if summary else findings


def diagnose_report(df: DataFrame, num_partitions: Optional[int] = None) -> Report:
    """The `Report` of the records of `df` (see `diagnose`): findings with every detail (evidence, timeline,
    KQL) and the summary."""
    import iothub_errors

    partials = [row["partial"] for row in partials_frame(df, num_partitions).collect()]
    return iothub_errors.merge_partials(partials)


def partials_frame(df: DataFrame, num_partitions: Optional[int] = None) -> DataFrame:
    """Phase one of `diagnose`: one row per partition with its diagnoser's partial state (`partial`, binary) and
    the number of records it read (`records`). Every record of a device is in one partition."""
    if num_partitions is not None and (isinstance(num_partitions, bool) or num_partitions < 1):
        raise ValueError(f"num_partitions must be a positive int, not {num_partitions!r}")
    records = to_records(df)
    keys = [F.col("hub"), F.col("device")]
    spread = records.repartition(num_partitions, *keys) if num_partitions else records.repartition(*keys)
    ordered = spread.sortWithinPartitions("hub", "device", "module", "time", "value")
    return ordered.select(F.concat(F.col("value"), F.lit("\n")).alias("line")).mapInArrow(
        _diagnose_partition, _PARTIAL_SCHEMA
    )


def findings_frame(spark: SparkSession, report: Report) -> DataFrame:
    """The findings of a report as a Spark DataFrame (`FINDINGS_SCHEMA`), in the report's order."""
    rows = [
        (
            f.kind.value,
            f.severity.value,
            f.hub,
            list(f.devices),
            list(f.codes),
            f.first,
            f.last,
            f.count,
            f.title,
            list(f.actions),
        )
        for f in report.findings
    ]
    return spark.createDataFrame(rows, FINDINGS_SCHEMA)


def _diagnose_partition(batches: Iterable[ArrowBatch]) -> Iterator[ArrowBatch]:
    """Runs on an executor: one `Diagnoser` for the partition, fed each batch's lines (each ends with a line
    break) as one chunk of bytes straight from the Arrow buffer; yields the partial state at the end."""
    pa = _pyarrow()

    import iothub_errors

    diagnoser = iothub_errors.Diagnoser()
    for batch in batches:
        if batch.num_rows:
            diagnoser.push(_joined(batch.column(0)))
    records = diagnoser.records_read
    partial = diagnoser.finish_partial()
    yield pa.RecordBatch.from_arrays(
        [pa.array([partial], pa.binary()), pa.array([records], pa.int64())], names=["partial", "records"]
    )


def _joined(column: ArrowArray) -> Union[bytes, memoryview]:
    """The values of a string column one after the other: the slice of its data buffer they occupy (no copy)
    when the column has no nulls, else the values joined."""
    pa = _pyarrow()

    if column.null_count == 0 and (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        _, offsets, data = column.buffers()
        if data is None:
            return b""
        width = 8 if pa.types.is_large_string(column.type) else 4
        view = memoryview(offsets).cast("q" if width == 8 else "i")
        start, end = view[column.offset], view[column.offset + len(column)]
        return memoryview(data)[start:end]
    return "".join(value for value in column.to_pylist() if value is not None).encode()


def _split_documents(batches: Iterable[ArrowBatch]) -> Iterator[ArrowBatch]:
    """Runs on an executor: splits whole files of JSON documents (Event Hubs bodies one after the other, arrays of
    rows or events, single objects) into one compact JSON line per record."""
    pa = _pyarrow()

    decoder = json.JSONDecoder()
    dump = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    for batch in batches:
        values: list[str] = []
        sources: list[Optional[str]] = []
        for text, source in zip(batch.column(0).to_pylist(), batch.column(1).to_pylist()):
            for document in _documents(decoder, text or ""):
                items = document.get("records") if isinstance(document, dict) else document
                if isinstance(document, dict) and not isinstance(items, list):
                    items = [document]
                for item in items if isinstance(items, list) else []:
                    if isinstance(item, dict):
                        values.append(dump(item))
                        sources.append(source)
        yield pa.RecordBatch.from_arrays(
            [pa.array(values, pa.string()), pa.array(sources, pa.string())], names=["value", "source"]
        )


def _documents(decoder: json.JSONDecoder, text: str) -> Iterator[object]:
    """The JSON documents of a text, one after the other (white space, commas or garbage between them skipped)."""
    position, end = 0, len(text)
    while position < end:
        start = min((i for i in (text.find("{", position), text.find("[", position)) if i >= 0), default=-1)
        if start < 0:
            return
        try:
            document, position = decoder.raw_decode(text, start)
        except json.JSONDecodeError:
            position = start + 1
            continue
        yield document


def _with_keys(records: DataFrame) -> DataFrame:
    """Adds the keys read from each record (hub, device, module, time) and the blob hour read from `source`."""
    top = F.json_tuple(F.col("value"), *_TOP).alias(*[f"_t{i}" for i in range(len(_TOP))])
    t = {name: F.col(f"_t{i}") for i, name in enumerate(_TOP)}
    with_top = records.select(F.col("value"), F.col("source"), top)
    properties = F.coalesce(t["properties"], t["properties_s"], t["Properties"])
    inner = F.json_tuple(properties, "deviceId", "DeviceId", "moduleId", "ModuleId").alias("_p0", "_p1", "_p2", "_p3")
    data = F.json_tuple(t["data"], "deviceId", "moduleId", "hubName").alias("_d0", "_d1", "_d2")
    with_all = with_top.select("*", inner).select("*", data)
    device = _first_text(F.col("_p0"), F.col("_p1"), t["deviceId"], t["DeviceId"], t["deviceId_s"], F.col("_d0"))
    module = _first_text(F.col("_p2"), F.col("_p3"), t["moduleId"], t["ModuleId"], F.col("_d1"))
    resource = _first_text(t["resourceId"], t["ResourceId"], t["_ResourceId"], t["Resource"], F.col("_d2"), t["topic"])
    hub = F.lower(
        F.when(~resource.contains("/"), F.trim(resource)).otherwise(
            F.nullif(F.regexp_extract(resource, r"(?i)/iothubs/([^/]+)", 1), F.lit(""))
        )
    )
    time_text = F.trim(_first_text(t["time"], t["Time"], t["timestamp"], t["TimeGenerated"], t["eventTime"]))
    time = F.coalesce(
        F.try_to_timestamp(time_text),
        F.try_to_timestamp(t["TimeGenerated [UTC]"], F.lit("M/d/yyyy, h:mm:ss.SSS a")),
    )
    part = [F.regexp_extract(F.col("source"), _BLOB_HOUR, group) for group in (1, 2, 3, 4)]
    hour_text = F.concat(part[0], F.lit("-"), part[1], F.lit("-"), part[2], F.lit("T"), part[3], F.lit(":00:00Z"))
    blob_hour = F.when(part[0] != "", F.try_to_timestamp(hour_text, F.lit("yyyy-MM-dd'T'HH:mm:ssX")))
    return with_all.select(
        F.col("value"),
        F.col("source"),
        blob_hour.alias("blob_hour"),
        hub.alias("hub"),
        device.alias("device"),
        module.alias("module"),
        time.alias("time"),
    )


def _pyarrow() -> ModuleType:
    """pyarrow, which ships no type information (its members are `Any` through `ModuleType`)."""
    return importlib.import_module("pyarrow")


def _first_text(*columns: Column) -> Column:
    """The first of `columns` that holds non-empty text (the core takes empty text for absent)."""
    return F.coalesce(*[F.nullif(column, F.lit("")) for column in columns])


def _guess_format(spark: SparkSession, paths: list[str]) -> Format:
    """`avro` or `csv` by the extension of the first file; otherwise `lines` when its first non-blank line is one
    complete JSON object (not an Event Hubs `{"records": [...]}` body), else `documents`."""
    first = (
        spark.read.option("recursiveFileLookup", "true")
        .text(paths)
        .where(F.trim("value") != "")
        .select(F.col("value"), F.col("_metadata.file_path").alias("file"))
        .limit(1)
        .collect()
    )
    if not first:
        return "lines"
    file = str(first[0]["file"]).lower()
    if file.endswith(".avro"):
        return "avro"
    if file.endswith(".csv"):
        return "csv"
    try:
        value = json.loads(str(first[0]["value"]))
    except ValueError:
        return "documents"
    return "lines" if isinstance(value, dict) and "records" not in value else "documents"
