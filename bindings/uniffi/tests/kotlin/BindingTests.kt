// Tests of the Kotlin bindings on the JVM: conformance cases, typed errors, hostile inputs (here and the shared
// testdata/hostile.tsv, Hostile.kt), the diagnosis of the sample logs, the scan cases (testdata/scan-cases.tsv,
// ScanCases.kt) and fromThrowable with the Java SDKs' exceptions (Throwables.kt, tests/kotlin/sdk).
// Run by `cargo xtask test mobile`:
//   java -Djna.library.path=<dir of the cdylib> -cp tests.jar:jna.jar BindingTestsKt <repository root>
// Prints one line per failure and closes with "N passed, N failed"; exits 1 when anything failed.

import com.iothuberrors.*
import java.io.File
import java.nio.charset.CharacterCodingException
import kotlin.system.exitProcess

var passed = 0
val failures = mutableListOf<String>()

/** Runs one named test; any throwable is a failure with its message. */
fun test(name: String, body: () -> Unit) {
    try {
        body()
        passed++
    } catch (e: Throwable) {
        failures += "$name: $e"
    }
}

fun check(condition: Boolean, message: () -> String) {
    if (!condition) throw AssertionError(message())
}

fun <T> assertEquals(expected: T, actual: T, what: String = "value") {
    check(expected == actual) { "$what: expected $expected, got $actual" }
}

/** Runs `call`, which must throw the typed error of `kind`; returns it for further checks. */
inline fun <reified E : IotHubErrorsException> assertThrowsKind(kind: String, call: () -> Unit): E {
    try {
        call()
    } catch (e: IotHubErrorsException) {
        check(e is E) { "expected ${E::class.simpleName}, got ${e::class.simpleName} ($e)" }
        assertEquals(kind, e.kind(), "kind")
        return e as E
    }
    throw AssertionError("expected an IotHubErrorsException of kind $kind, nothing was thrown")
}

fun typedErrors() {
    test("lookup of an unlisted code is unknown-code with the code") {
        val e = assertThrowsKind<IotHubErrorsException.UnknownCode>("unknown-code") { lookup(400999) }
        assertEquals(400999u, e.code, "code")
    }
    test("lookup of a malformed code is invalid-code with a reason") {
        val e = assertThrowsKind<IotHubErrorsException.InvalidCode>("invalid-code") { lookup(123) }
        assertEquals("123", e.input, "input")
        check(e.reason.isNotEmpty()) { "empty reason" }
    }
    test("byName of an unknown name is unknown-name") {
        val e = assertThrowsKind<IotHubErrorsException.UnknownName>("unknown-name") { byName("NoSuchError") }
        assertEquals("NoSuchError", e.name, "name")
    }
    test("empty and blank inputs are empty-input") {
        assertThrowsKind<IotHubErrorsException.EmptyInput>("empty-input") { byName("") }
        assertThrowsKind<IotHubErrorsException.EmptyInput>("empty-input") { resolve(" \t\n ") }
        for (query in listOf("the of and", "", "   ", "!!!", "d", "the d")) {
            assertEquals(0, search(query).size, "a search with nothing to rank by has no hits: '$query'")
        }
    }
    test("a text that is no error body is not-an-error-body") {
        assertThrowsKind<IotHubErrorsException.NotAnErrorBody>("not-an-error-body") { parseErrorBody("hello there") }
        assertThrowsKind<IotHubErrorsException.NotAnErrorBody>("not-an-error-body") { parseErrorBody("") }
    }
    test("errors describe themselves in toString") {
        val e = assertThrowsKind<IotHubErrorsException.UnknownName>("unknown-name") { byName("Nope") }
        assertEquals("no IoT Hub error is called \"Nope\"", e.toString(), "toString")
    }
    test("every typed error is an Exception a plain catch sees") {
        val caught = try { resolve("hello world"); null } catch (e: Exception) { e }
        check(caught is IotHubErrorsException) { "caught $caught" }
    }
}

fun hostileInputs() {
    val tooLong = "x".repeat(4097)
    val huge = "a".repeat(50 * 1024 * 1024)
    test("negative and huge Longs are invalid-code, never an overflow") {
        for (code in listOf(-1L, -401003L, Long.MIN_VALUE, Long.MAX_VALUE, 4294967296L, 4294967295L, 0L)) {
            assertThrowsKind<IotHubErrorsException.InvalidCode>("invalid-code") { lookup(code) }
            assertThrowsKind<IotHubErrorsException.InvalidCode>("invalid-code") { classify(code) }
        }
        val e = assertThrowsKind<IotHubErrorsException.InvalidCode>("invalid-code") { lookup(-401003) }
        assertEquals("-401003", e.input, "input")
    }
    test("HTTP statuses out of range are invalid-code") {
        for (status in listOf(-1L, 65536L, Long.MIN_VALUE)) {
            assertThrowsKind<IotHubErrorsException.InvalidCode>("invalid-code") {
                parseErrorBody("{\"errorCode\":404001}", status)
            }
        }
        assertEquals(429u.toUShort(), parseErrorBody("ErrorCode:ThrottlingException;slow down", 429).httpStatus, "status")
    }
    test("inputs over 4096 bytes are input-too-long with the lengths") {
        val e = assertThrowsKind<IotHubErrorsException.InputTooLong>("input-too-long") { byName(tooLong) }
        assertEquals(4097uL, e.len, "len")
        assertEquals(4096uL, e.max, "max")
        assertThrowsKind<IotHubErrorsException.InputTooLong>("input-too-long") { resolve(tooLong) }
        assertThrowsKind<IotHubErrorsException.InputTooLong>("input-too-long") { search(tooLong) }
    }
    test("50 MB strings get an answer") {
        assertThrowsKind<IotHubErrorsException.InputTooLong>("input-too-long") { resolve(huge) }
        assertThrowsKind<IotHubErrorsException.InputTooLong>("input-too-long") { search(huge) }
        val findings = scan(huge + " error code 404001")
        assertEquals(1, findings.size, "findings")
        assertEquals(404001u, findings[0].code, "code")
        assertEquals((huge.length + 12).toULong(), findings[0].start, "start (a byte offset)")
        check(runCatching { parseErrorBody(huge) }.exceptionOrNull() is IotHubErrorsException.NotAnErrorBody) { "parseErrorBody(huge)" }
        Diagnoser().use { diagnoser ->
            diagnoser.pushText(huge)
            val report = diagnoser.finish()
            check(report.summary.recordsSkipped > 0uL) { "nothing skipped in $report" }
        }
    }
    test("NUL characters are plain characters") {
        assertThrowsKind<IotHubErrorsException.UnknownName>("unknown-name") { resolve("\u0000") }
        assertThrowsKind<IotHubErrorsException.UnknownName>("unknown-name") { byName("Device\u0000NotFound") }
        assertEquals(0, scan("\u0000\u0000\u0000").size, "findings")
        assertEquals(404001u, scan("\u0000error code 404001\u0000").single().code, "code")
    }
    test("non-ASCII text is read, offsets are UTF-8 bytes") {
        val finding = scan("é€😀 error code 404001").single()
        assertEquals(21uL, finding.start, "start (9 bytes of é€😀, then \" error code \")")
        assertThrowsKind<IotHubErrorsException.UnknownName>("unknown-name") { byName("ÉrrorNoña😀") }
    }
    test("a lone surrogate cannot be encoded: the generated code throws CharacterCodingException before Rust") {
        val error = runCatching { resolve("\uD800") }.exceptionOrNull()
        check(error is CharacterCodingException) { "got $error" }
    }
    test("binary garbage and empty chunks do not upset the diagnoser") {
        Diagnoser().use { diagnoser ->
            diagnoser.pushBytes(ByteArray(0))
            diagnoser.pushBytes(ByteArray(100_000) { (it * 31 + 7).toByte() })
            diagnoser.nextInput()
            diagnoser.pushBytes(byteArrayOf(0xff.toByte(), 0xfe.toByte(), 0, 0x7b))
            val report = diagnoser.finish()
            assertEquals(0, report.findings.size, "findings")
            check(report.summary.recordsSkipped > 0uL) { "nothing skipped" }
        }
    }
    test("a closed Diagnoser throws IllegalStateException, not a crash") {
        val diagnoser = Diagnoser()
        diagnoser.close()
        check(runCatching { diagnoser.recordsRead() }.exceptionOrNull() is IllegalStateException) { "no exception" }
    }
}

fun catalogAndRecords() {
    test("catalog lists every entry, families carry prefixes") {
        val entries = catalog()
        check(entries.size >= 160) { "only ${entries.size} entries" }
        check(entries.any { it.code == null && it.name == "ServiceUnavailable" }) { "code-less rows missing" }
        check(families().any { it.prefix == "4001" && it.title.startsWith("4001xx") }) { "family 4001 missing" }
    }
    test("entries carry prose, retry advice and SDK views") {
        val entry = lookup(404102)
        assertEquals(404103u, entry.code, "code")
        assertEquals(listOf(404102u), entry.aliasCodes, "aliasCodes")
        check(entry.fixes.isNotEmpty() && entry.summary.isNotEmpty()) { "no prose" }
        assertEquals(7, entry.sdkViews.size, "sdk views")
        assertEquals("csharp-service-v1", entry.sdkViews[0].sdk.id(), "first sdk")
        val retry = entry.retry
        check(retry is RetryAdvice.Backoff && retry.initialMs > 0u && retry.maxMs >= retry.initialMs) { "retry $retry" }
        check(retry.describe().startsWith("Retry with exponential backoff")) { retry.describe() }
        assertEquals("backoff", retry.kind(), "retry kind")
        assertEquals("4041xx Device model NotFound", entry.family, "family")
    }
    test("resolve gives how it matched, the entry and the classification") {
        val resolution = resolve("aka.ms/iothub404102")
        assertEquals(MatchKind.ALIAS_CODE, resolution.matchedBy, "matchedBy")
        assertEquals("DeviceNotOnline", resolution.entry?.name, "entry")
        val unlisted = resolve("400999")
        check(unlisted.entry == null && !unlisted.classification.known) { "unlisted $unlisted" }
    }
    test("parseErrorBody reads nested bodies") {
        val body = parseErrorBody("{\"Message\":\"{\\\"errorCode\\\":404103,\\\"trackingId\\\":\\\"abc\\\",\\\"message\\\":\\\"offline\\\"}\"}")
        assertEquals(404103u, body.code, "code")
        assertEquals("abc", body.trackingId, "trackingId")
        assertEquals(ErrorClass.NOT_FOUND, body.errorClass, "class")
    }
    test("search ranks the exact name first") {
        val hits = search("IotHubUnauthorized")
        assertEquals("IotHubUnauthorized", hits.first().entry.name, "top")
        check(hits.zipWithNext().all { (a, b) -> a.score >= b.score }) { "not sorted" }
    }
}

/** Pushes the file in small chunks, as a mobile app streaming a download would. */
fun diagnoseFile(file: File): Report = Diagnoser().use { diagnoser ->
    val bytes = file.readBytes()
    bytes.toList().chunked(7).forEach { diagnoser.pushBytes(it.toByteArray()) }
    diagnoser.finish()
}

fun devicesOf(report: Report, kind: FindingKind) = report.findings.filter { it.kind == kind }.flatMap { it.devices }.sorted()

fun only(report: Report, kind: FindingKind): FleetFinding {
    val found = report.findings.filter { it.kind == kind }
    check(found.size == 1) { "expected one $kind, got ${report.findings.map { it.kind to it.devices }}" }
    return found[0]
}

/** The answers of testdata/logs/EXPECTED.md. */
fun sampleDiagnoses(logs: File) {
    test("connections-sas-renewal.jsonl") {
        val report = diagnoseFile(File(logs, "connections-sas-renewal.jsonl"))
        assertEquals(33uL to 0uL, report.summary.recordsRead to report.summary.recordsSkipped, "records")
        assertEquals(listOf("pump-17", "thermo-0042", "valve-c-003"), devicesOf(report, FindingKind.SAS_TOKEN_RENEWAL), "renewals")
        val renewals = report.findings.filter { it.kind == FindingKind.SAS_TOKEN_RENEWAL }
        check(renewals.all { it.severity == Severity.INFO }) { "renewal not info" }
        val thermo = renewals.single { it.devices == listOf("thermo-0042") }
        val period = thermo.details.periodMinutes ?: error("no period")
        check(period in 60.0..70.0) { "period $period" }
        assertEquals(listOf(401003u, 404104u), thermo.codes, "codes")
        assertEquals(3uL, thermo.count, "cycles")
        val door = only(report, FindingKind.NETWORK_DISCONNECT)
        assertEquals(listOf("door-9"), door.devices, "devices")
        assertEquals(Severity.WARNING, door.severity, "severity")
        assertEquals(4, report.findings.size, "findings")
        check(report.findings.none { it.severity == Severity.ERROR || it.severity == Severity.CRITICAL }) { "worse than warning" }
    }
    test("mass-disconnect.eventhub.json") {
        val report = diagnoseFile(File(logs, "mass-disconnect.eventhub.json"))
        assertEquals(26uL, report.summary.recordsRead, "records")
        val mass = only(report, FindingKind.MASS_DISCONNECT)
        assertEquals(listOf(1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12).map { "meter-%03d".format(it) }, mass.devices, "devices")
        assertEquals(listOf(404104u, 500001u, 500008u), mass.codes, "codes")
        assertEquals("2024-05-15T14:02:11Z", mass.first, "first")
        val link = only(report, FindingKind.LINK_CONFLICT_SIDE_EFFECT)
        assertEquals(listOf("meter-004"), link.devices, "link devices")
        assertEquals("mass-disconnect", link.details.rootCause, "root cause")
        assertEquals(Severity.INFO, link.severity, "link severity")
        assertEquals(2, report.findings.size, "findings")
    }
    test("throttling.jsonl") {
        val report = diagnoseFile(File(logs, "throttling.jsonl"))
        val burst = only(report, FindingKind.THROTTLING_BURST)
        assertEquals(17uL, burst.count, "count")
        assertEquals(listOf(429001u, 429002u), burst.codes, "codes")
        assertEquals("camera-77" to 14uL, burst.details.topOffenders[0].let { it.device to it.count }, "top offender")
        assertEquals(1, report.findings.size, "findings")
    }
    test("azurediagnostics-export.csv") {
        val report = diagnoseFile(File(logs, "azurediagnostics-export.csv"))
        assertEquals(36uL, report.summary.recordsRead, "records")
        assertEquals(listOf(LogFormat.AZURE_DIAGNOSTICS_CSV), report.summary.formats, "formats")
        val drift = only(report, FindingKind.TIME_DRIFT)
        assertEquals(listOf("gw-eu-07") to 11uL, drift.devices to drift.count, "drift")
        assertEquals(Severity.ERROR, drift.severity, "drift severity")
        assertEquals(listOf("logger-12"), only(report, FindingKind.FILE_UPLOAD_LIMIT).devices, "uploads")
        val lock = only(report, FindingKind.C2D_LOCK_LOST)
        assertEquals(listOf("c2d-7f3e9a"), lock.details.messageIds, "message ids")
        assertEquals(3u, lock.details.maxDeliveryCount, "delivery count")
        check(report.findings.none { it.kind == FindingKind.MASS_DISCONNECT || it.kind == FindingKind.DEVICE_OFFLINE }) { "extra findings" }
    }
    test("eventgrid-connection-state.json (diagnoseText)") {
        val report = diagnoseText(File(logs, "eventgrid-connection-state.json").readText())
        assertEquals(listOf("pump-22"), only(report, FindingKind.DEVICE_OFFLINE).devices, "offline")
        assertEquals(listOf("door-9"), only(report, FindingKind.NETWORK_DISCONNECT).devices, "outage")
        assertEquals(listOf("thermo-0042"), only(report, FindingKind.SAS_TOKEN_RENEWAL).devices, "renewal")
        assertEquals(3, report.findings.size, "findings")
    }
    test("fleet-site-outage.jsonl: per-device patterns come grouped") {
        val report = diagnoseFile(File(logs, "fleet-site-outage.jsonl"))
        assertEquals(27uL, report.summary.recordsRead, "records")
        val offline = only(report, FindingKind.DEVICE_OFFLINE)
        assertEquals(listOf("shelf-01", "shelf-02", "shelf-03", "shelf-04"), offline.devices, "offline devices")
        assertEquals(4uL to Severity.ERROR, offline.count to offline.severity, "offline count")
        check(offline.title.startsWith("4 devices: ")) { offline.title }
        val network = only(report, FindingKind.NETWORK_DISCONNECT)
        assertEquals(listOf("dock-1", "dock-2", "dock-3"), network.devices, "network devices")
        assertEquals(6uL, network.count, "disconnects")
        assertEquals(
            listOf("dock-1" to 3uL, "dock-3" to 2uL, "dock-2" to 1uL),
            network.details.topOffenders.map { it.device to it.count },
            "top offenders",
        )
        assertEquals("3 devices: 6 unexpected disconnects without token expiry; top offender dock-1 (3)", network.title, "title")
        check(network.actions[0].startsWith("Start with dock-1:")) { network.actions[0] }
        val link = only(report, FindingKind.LINK_CONFLICT_SIDE_EFFECT)
        assertEquals(listOf("dock-1", "dock-3") to "404104", link.devices to link.details.rootCause, "link conflicts")
        assertEquals(3, report.findings.size, "findings")
    }
    test("two inputs in one Diagnoser: evidence carries the input number, finish starts over") {
        Diagnoser().use { diagnoser ->
            diagnoser.pushBytes(File(logs, "throttling.jsonl").readBytes())
            diagnoser.nextInput()
            diagnoser.pushBytes(File(logs, "mass-disconnect.eventhub.json").readBytes())
            assertEquals(43uL, diagnoser.recordsRead(), "records read")
            val report = diagnoser.finish()
            assertEquals(1u, only(report, FindingKind.MASS_DISCONNECT).evidence.first().input, "input number")
            assertEquals(0uL, diagnoser.finish().summary.recordsRead, "after finish")
        }
    }
    test("every finding explains itself and links the catalog") {
        for (name in listOf("connections-sas-renewal.jsonl", "mass-disconnect.eventhub.json", "throttling.jsonl", "fleet-site-outage.jsonl")) {
            for (finding in diagnoseText(File(logs, name).readText()).findings) {
                check(finding.explanation.length > 80 && finding.actions.isNotEmpty()) { "$name: ${finding.title}" }
                assertEquals(finding.codes.size, finding.entries.size, "$name entries")
                check(finding.timeline.isNotEmpty() && finding.evidence.isNotEmpty()) { "$name: no timeline" }
            }
        }
    }
}

fun main(args: Array<String>) {
    val root = File(args.getOrElse(0) { "." })
    val (cases, conformanceFailures) = runConformance(File(root, "testdata/conformance.tsv"))
    check(cases >= 300) { "only $cases conformance cases" }
    passed += cases - conformanceFailures.size
    failures += conformanceFailures
    println("conformance: $cases cases, ${conformanceFailures.size} failed")
    typedErrors()
    hostileInputs()
    val (hostileTexts, hostileValues) = runHostile(File(root, "testdata/hostile.tsv"))
    check(hostileTexts >= 15) { "only $hostileTexts hostile texts" }
    println("hostile.tsv: $hostileTexts text rows run, $hostileValues value rows skipped (for dynamically typed bindings only)")
    catalogAndRecords()
    sampleDiagnoses(File(root, "testdata/logs"))
    val (scanCases, scanFailures) = runScanCases(File(root, "testdata/scan-cases.tsv"))
    passed += scanCases - scanFailures.size
    failures += scanFailures
    println("scan-cases.tsv: $scanCases cases, ${scanFailures.size} failed")
    throwableTests()
    failures.forEach { println("FAIL $it") }
    println("kotlin: $passed passed, ${failures.size} failed")
    exitProcess(if (failures.isEmpty()) 0 else 1)
}
