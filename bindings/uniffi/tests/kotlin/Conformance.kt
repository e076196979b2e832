// Runs testdata/conformance.tsv against the generated Kotlin bindings, computing the same keys as
// core/tests/conformance.rs: a case passes when every key=value pair it names matches the result.

import com.iothuberrors.*
import java.io.File

/** One line of the TSV: operation, unescaped input, expected pairs, and the line number for messages. */
data class Case(val line: Int, val op: String, val input: String, val expected: List<Pair<String, String>>)

/** Reads every case of the file; comment and empty lines are skipped. */
fun readCases(file: File): List<Case> =
    file.readLines().withIndex().filter { (_, line) -> line.isNotEmpty() && !line.startsWith("#") }.map { (index, line) ->
        val columns = line.split("\t")
        require(columns.size == 3) { "line ${index + 1}: expected 3 tab-separated columns, got ${columns.size}" }
        val expected = columns[2].split(";").map { pair ->
            val cut = pair.indexOf('=')
            require(cut > 0) { "line ${index + 1}: bad pair $pair" }
            pair.substring(0, cut) to pair.substring(cut + 1)
        }
        Case(index + 1, columns[0], unescape(columns[1]), expected)
    }

/** The case files' escapes (conformance.tsv, scan-cases.tsv): \t tab, \n newline, \r carriage return, \\ backslash, \0 NUL. */
fun unescape(text: String): String {
    val out = StringBuilder()
    var i = 0
    while (i < text.length) {
        val c = text[i++]
        if (c != '\\') { out.append(c); continue }
        require(i < text.length) { "dangling backslash in $text" }
        when (val next = text[i++]) {
            't' -> out.append('\t')
            'n' -> out.append('\n')
            'r' -> out.append('\r')
            '0' -> out.append('\u0000')
            '\\' -> out.append('\\')
            else -> throw IllegalArgumentException("bad escape \\$next")
        }
    }
    return out.toString()
}

/**
 * The integer argument as a Kotlin caller holds it: a Long. Text no Long can hold (20 digits) is an invalid
 * code before any call, as in the Rust runner; every Long, negative or huge, goes to the binding.
 */
fun codeArgument(input: String): Long? = input.trim().toLongOrNull()

/** The family as the JSON gives it, its title ("4001xx Routing"), to the prefix the cases name ("4001"). */
fun familyPrefix(title: String?): String = title?.substringBefore(' ')?.trimEnd('x') ?: "none"

fun classificationFields(c: Classification): Map<String, String> = mapOf(
    "code" to (c.code?.toString() ?: "none"),
    "name" to (c.name ?: "none"),
    "known" to c.known.toString(),
    "class" to c.errorClass.id(),
    "family" to familyPrefix(c.family),
    "transient" to c.transient.toString(),
    "retry" to c.retry.kind(),
    "actor" to c.actor.id(),
    "severity" to c.severity.id(),
    "http_status" to (c.httpStatus?.toString() ?: "none"),
)

/** An entry's keys are those of its classification (known=true), as `Classification::of_entry` gives. */
fun entryFields(e: Entry): Map<String, String> = mapOf(
    "code" to (e.code?.toString() ?: "none"),
    "name" to e.name,
    "known" to "true",
    "class" to e.errorClass.id(),
    "family" to familyPrefix(e.family),
    "transient" to e.transient.toString(),
    "retry" to e.retry.kind(),
    "actor" to e.actor.id(),
    "severity" to e.severity.id(),
    "http_status" to (e.httpStatus?.toString() ?: "none"),
)

fun scanFields(findings: List<ScanFinding>): Map<String, String> {
    val first = findings.firstOrNull()
    return mapOf(
        "count" to findings.size.toString(),
        "code" to (first?.code?.toString() ?: "none"),
        "name" to (first?.name ?: "none"),
        "evidence" to (first?.evidence?.id() ?: "none"),
        "service" to (first?.service?.id() ?: "none"),
    )
}

/** Runs one operation; a typed error becomes the single key `error` with the error's kind. */
fun run(op: String, input: String): Map<String, String> = try {
    when (op) {
        "lookup" -> codeArgument(input)?.let { entryFields(lookup(it)) } ?: mapOf("error" to "invalid-code")
        "classify" -> codeArgument(input)?.let { classificationFields(classify(it)) } ?: mapOf("error" to "invalid-code")
        "by_name" -> entryFields(byName(input))
        "resolve" -> resolve(input).let { classificationFields(it.classification) + ("matched" to it.matchedBy.id()) }
        "search" -> search(input).let { hits ->
            val top3 = hits.take(3).joinToString(",") { it.entry.name }
            (hits.firstOrNull()?.let { mapOf("top" to it.entry.name) } ?: emptyMap()) + ("top3" to top3) +
                ("hits" to hits.size.toString())
        }
        "scan" -> scanFields(scan(input))
        else -> throw IllegalArgumentException("unknown op $op")
    }
} catch (e: IotHubErrorsException) {
    mapOf("error" to e.kind())
}

/** Runs every case; returns the number of cases and one failure message per failing case. */
fun runConformance(file: File): Pair<Int, List<String>> {
    val cases = readCases(file)
    val failures = mutableListOf<String>()
    for (case in cases) {
        val actual = run(case.op, case.input)
        for ((key, want) in case.expected) {
            val got = if (key == "top3") {
                actual["top3"]?.split(",")?.firstOrNull { it == want }
            } else {
                actual[key]
            }
            if (got != want) {
                failures += "line ${case.line}: ${case.op}(${case.input.take(80)}): $key expected $want, got ${actual[key]} (all: $actual)"
                break
            }
        }
    }
    return cases.size to failures
}
