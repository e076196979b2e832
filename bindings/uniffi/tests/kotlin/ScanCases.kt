// Runs testdata/scan-cases.tsv against the generated Kotlin bindings, with the semantics of
// core/tests/scan_cases.rs: per group (explicit, code-less) precision and recall of the first finding's code,
// floors 1.0 and 1.0; for cases whose code is right, every other key (count, name, evidence, service,
// alternatives, basis~=, device_id, tracking_id, gateway) must match.

import com.iothuberrors.*
import java.io.File

/** The keys of the first finding (and `count`), as the cases write them. */
fun scanCaseFields(findings: List<ScanFinding>): Map<String, String> {
    val first = findings.firstOrNull()
    val alternatives = first?.alternatives?.map { it.code.toString() } ?: emptyList()
    return mapOf(
        "count" to findings.size.toString(),
        "name" to (first?.name ?: "none"),
        "evidence" to (first?.evidence?.id() ?: "none"),
        "service" to (first?.service?.id() ?: "none"),
        "alternatives" to if (alternatives.isEmpty()) "none" else alternatives.joinToString("|"),
        "device_id" to (first?.deviceId ?: "none"),
        "tracking_id" to (first?.trackingId ?: "none"),
        "gateway" to (first?.gateway ?: "none"),
    )
}

class GroupCounts(var positives: Int = 0, var negatives: Int = 0, var truePositives: Int = 0, var falsePositives: Int = 0)

/** Runs every scan case; returns the number of cases and the failures (misses, wrong keys, floors not met). */
fun runScanCases(file: File): Pair<Int, List<String>> {
    val floors = mapOf("explicit" to (1.0 to 1.0), "code-less" to (1.0 to 1.0))
    val counts = sortedMapOf<String, GroupCounts>()
    val failures = mutableListOf<String>()
    var cases = 0
    file.readLines().forEachIndexed { index, line ->
        val number = index + 1
        if (line.isEmpty() || line.startsWith("#")) return@forEachIndexed
        cases++
        val columns = line.split("\t", limit = 2)
        require(columns.size == 2) { "line $number: expected two tab-separated columns" }
        val input = unescape(columns[0])
        val expected = columns[1].split(";").map { pair ->
            val approx = pair.indexOf("~=")
            if (approx > 0 && pair.substring(0, approx) == "basis") {
                "basis~" to pair.substring(approx + 2)
            } else {
                val cut = pair.indexOf('=')
                require(cut > 0) { "line $number: bad pair $pair" }
                pair.substring(0, cut) to pair.substring(cut + 1)
            }
        }
        fun get(key: String) = expected.firstOrNull { it.first == key }?.second
        val group = get("group") ?: error("line $number: no group")
        val wantCode = get("code") ?: error("line $number: no code")
        val findings = scan(input)
        val first = findings.firstOrNull()
        val gotCode = first?.code
        val c = counts.getOrPut(group) { GroupCounts() }
        val codeRight = if (wantCode == "none") {
            c.negatives++
            val wrong = findings.any { it.code != null }
            if (wrong) c.falsePositives++
            !wrong
        } else {
            c.positives++
            val right = gotCode?.toString() == wantCode
            if (right) c.truePositives++ else if (gotCode != null) c.falsePositives++
            right
        }
        if (!codeRight) {
            failures += "scan-cases line $number: code $wantCode, got $gotCode: ${input.take(120)}"
            return@forEachIndexed
        }
        val fields = scanCaseFields(findings)
        for ((key, want) in expected) {
            when (key) {
                "group", "code" -> {}
                "basis~" -> {
                    val basis = first?.basis?.lowercase() ?: ""
                    if (!basis.contains(want.lowercase())) failures += "scan-cases line $number: basis \"$basis\" lacks \"$want\""
                }
                else -> if (fields[key] != want) {
                    failures += "scan-cases line $number: $key expected $want, got ${fields[key]} in ${input.take(120)}"
                }
            }
        }
    }
    for ((group, c) in counts) {
        val flagged = c.truePositives + c.falsePositives
        val precision = if (flagged == 0) 1.0 else c.truePositives.toDouble() / flagged
        val recall = if (c.positives == 0) 1.0 else c.truePositives.toDouble() / c.positives
        println("scan-cases %-10s positives %3d negatives %3d precision %.3f recall %.3f".format(group, c.positives, c.negatives, precision, recall))
        val (minPrecision, minRecall) = floors[group] ?: (1.0 to 1.0)
        if (precision < minPrecision || recall < minRecall) {
            failures += "scan-cases $group: precision %.3f / recall %.3f below the floors".format(precision, recall)
        }
    }
    val negatives = counts.values.sumOf { it.negatives }
    if (cases < 150 || negatives < 40) failures += "scan-cases: only $cases cases, $negatives negatives"
    return cases to failures
}
