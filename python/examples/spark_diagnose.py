"""Diagnose an IoT Hub's resource logs archived to a storage account, with Spark (Databricks, Synapse, Fabric).

The hub's diagnostic setting "Archive to a storage account" writes one blob per category, hub and hour:

    insights-logs-connections/resourceId=/SUBSCRIPTIONS/<sub>/RESOURCEGROUPS/<rg>/PROVIDERS/MICROSOFT.DEVICES/
        IOTHUBS/<HUB>/y=2024/m=05/d=15/h=09/m=00/PT1H.json

Install the package on the cluster (a cluster library or `%pip install 'iothub-errors[spark]'`: the executors run
the native diagnosis), then in a notebook, where `spark` is the session:

    python spark_diagnose.py abfss://insights-logs-connections@<account>.dfs.core.windows.net/

or paste its body into a notebook cell (`getOrCreate()` returns the notebook's session).

Read one category's container (`.../insights-logs-connections@...`), or several (a list of paths); a path may
narrow the hours with globs, e.g. `.../y=2024/m=05/d=1[4-5]/*/*/PT1H.json`.
"""

from __future__ import annotations

import sys

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from iothub_errors.spark import diagnose, read_resource_logs

# On Databricks: the storage account as an external location, or
#   spark.conf.set("fs.azure.account.key.<account>.dfs.core.windows.net", dbutils.secrets.get("scope", "key"))
CONTAINERS = sys.argv[1:] or [
    "abfss://insights-logs-connections@mystorageaccount.dfs.core.windows.net/",
    "abfss://insights-logs-devicetelemetry@mystorageaccount.dfs.core.windows.net/",
]

spark = SparkSession.builder.appName("iothub-errors").getOrCreate()

# One row per record: the record as a JSON line (`value`), its blob (`source`) and the blob's hour (`blob_hour`,
# the hour the records were received), and the keys read from it: hub, device, module, time.
logs = read_resource_logs(spark, CONTAINERS, format="lines")
logs.groupBy("hub").agg(F.count("*").alias("records"), F.count_distinct("device").alias("devices")).show()

# Every device's records go to one partition and through one native diagnoser there; the driver merges the small
# partial states and runs the hub-wide detectors (mass disconnects, throttling bursts, the daily quota).
findings, summary = diagnose(logs, summary=True)
findings.cache()

print(f"{summary.records_read} records, {findings.count()} findings")
(
    findings.select("severity", "kind", "hub", F.size("devices").alias("devices"), "count", "first", "title")
    .show(50, truncate=False)
)

# What to do about the most severe finding, in order.
top = findings.first()
if top is not None:
    print(top["title"])
    for number, action in enumerate(top["actions"], 1):
        print(f"  {number}. {action}")

# Keep the findings, e.g. as a Delta table for a dashboard or an alert:
# findings.withColumn("diagnosed_at", F.current_timestamp()).write.mode("append").saveAsTable("ops.iothub_findings")
