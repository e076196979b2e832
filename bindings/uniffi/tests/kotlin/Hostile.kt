// Runs the shared hostile inputs of testdata/hostile.tsv against the Kotlin bindings, as core/tests/hostile.rs
// does for Rust: every text function (resolve, byName, search, scan, parseErrorBody, diagnoseText and a Diagnoser
// fed the text in chunks) must return a result or throw IotHubErrorsException, nothing else. Rows of kind `value`
// are for dynamically typed bindings only and are skipped (Kotlin's static types cannot pass them).
// Called from main() in BindingTests.kt; failures are reported through its test().

import com.iothuberrors.*
import java.io.File
import java.nio.charset.CharacterCodingException

/** One row of hostile.tsv. */
data class HostileRow(val line: Int, val name: String, val kind: String, val generator: String)

fun readHostileRows(file: File): List<HostileRow> =
    file.readLines().withIndex().filter { (_, line) -> line.isNotEmpty() && !line.startsWith("#") }.map { (index, line) ->
        val columns = line.split("\t")
        require(columns.size == 3) { "hostile.tsv line ${index + 1}: expected 3 tab-separated columns, got ${columns.size}" }
        HostileRow(index + 1, columns[0], columns[1], columns[2])
    }

/**
 * Builds a row's text: parts joined by " + ", each literal:TEXT or repeat:TEXT:COUNT. With `lossy`, every
 * unpaired surrogate of an unescaped TEXT becomes U+FFFD before repetition, exactly as the Rust runner does
 * (String::from_utf16_lossy per TEXT), which is what the header asks of the uniffi bindings; without it the
 * text keeps the lone surrogates a JVM string can hold.
 */
fun generateHostile(generator: String, lossy: Boolean = true): String {
    val text = StringBuilder()
    for (part in generator.split(" + ")) {
        when {
            part.startsWith("literal:") -> text.append(hostileUnescape(part.removePrefix("literal:"), lossy))
            part.startsWith("repeat:") -> {
                val repeat = part.removePrefix("repeat:")
                val cut = repeat.lastIndexOf(':')
                require(cut >= 0) { "repeat:TEXT:COUNT expected, got $part" }
                val unit = hostileUnescape(repeat.substring(0, cut), lossy)
                val count = repeat.substring(cut + 1).toInt()
                text.ensureCapacity(text.length + unit.length * count)
                repeat(count) { text.append(unit) }
            }
            else -> throw IllegalArgumentException("unknown generator part $part")
        }
    }
    return text.toString()
}

/** The escapes of hostile.tsv: \t \n \r \0 \\ and \uXXXX (one UTF-16 code unit). */
fun hostileUnescape(text: String, lossy: Boolean): String {
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
            'u' -> {
                require(i + 4 <= text.length) { "\\u needs four hex digits in $text" }
                out.append(text.substring(i, i + 4).toInt(16).toChar())
                i += 4
            }
            else -> throw IllegalArgumentException("unknown escape \\$next")
        }
    }
    return if (lossy) replaceLoneSurrogates(out.toString()) else out.toString()
}

/** Every unpaired UTF-16 surrogate becomes U+FFFD; pairs are kept. */
fun replaceLoneSurrogates(text: String): String {
    val out = StringBuilder(text.length)
    var i = 0
    while (i < text.length) {
        val c = text[i]
        if (Character.isHighSurrogate(c) && i + 1 < text.length && Character.isLowSurrogate(text[i + 1])) {
            out.append(c).append(text[i + 1])
            i += 2
        } else {
            out.append(if (Character.isSurrogate(c)) '\uFFFD' else c)
            i++
        }
    }
    return out.toString()
}

fun hasLoneSurrogate(text: String): Boolean {
    var i = 0
    while (i < text.length) {
        val c = text[i]
        if (Character.isHighSurrogate(c) && i + 1 < text.length && Character.isLowSurrogate(text[i + 1])) {
            i += 2
        } else if (Character.isSurrogate(c)) {
            return true
        } else {
            i++
        }
    }
    return false
}

/** Runs `call`: a result or an IotHubErrorsException passes (not `internal`); anything else is a failure. */
fun <T> answersOrTypedError(function: String, call: () -> T): T? = try {
    call()
} catch (e: IotHubErrorsException.Internal) {
    throw AssertionError("$function: the binding could not convert the core's answer: $e", e)
} catch (e: IotHubErrorsException) {
    null
} catch (e: Throwable) {
    throw AssertionError("$function threw ${e::class.qualifiedName}: ${e.message?.take(200)}", e)
}

/** Is `offset` a character boundary of the UTF-8 bytes (what ScanFinding offsets count)? */
fun isUtf8Boundary(bytes: ByteArray, offset: ULong): Boolean =
    offset <= bytes.size.toULong() &&
        (offset == bytes.size.toULong() || (bytes[offset.toInt()].toInt() and 0xC0) != 0x80)

/** Text chunks of about `size` chars that never split a surrogate pair (a split pair would be two lone ones). */
fun textChunks(text: String, size: Int): Sequence<String> = sequence {
    var start = 0
    while (start < text.length) {
        var end = minOf(start + size, text.length)
        if (end < text.length && Character.isHighSurrogate(text[end - 1])) end--
        yield(text.substring(start, end))
        start = end
    }
}

const val HOSTILE_CHUNK = 65_536

/** One hostile text through every text function of the binding. */
fun hostileText(row: HostileRow) {
    val text = try {
        generateHostile(row.generator).also { check(!hasLoneSurrogate(it)) { "U+FFFD replacement left a lone surrogate" } }
    } catch (e: Throwable) {
        test("hostile ${row.name}: generator") { throw e }
        return
    }
    val bytes = text.toByteArray(Charsets.UTF_8)
    val label = "hostile ${row.name}"
    test("$label: resolve") { answersOrTypedError("resolve") { resolve(text) } }
    test("$label: byName") { answersOrTypedError("byName") { byName(text) } }
    test("$label: search") { answersOrTypedError("search") { search(text) } }
    test("$label: scan") {
        val findings = answersOrTypedError("scan") { scan(text) } ?: emptyList()
        for (finding in findings) {
            check(finding.start <= finding.end && isUtf8Boundary(bytes, finding.start) && isUtf8Boundary(bytes, finding.end)) {
                "scan finding at ${finding.start}..${finding.end} is not on UTF-8 character boundaries"
            }
        }
    }
    test("$label: parseErrorBody") { answersOrTypedError("parseErrorBody") { parseErrorBody(text, 400) } }
    var whole: Report? = null
    test("$label: diagnoseText") { whole = answersOrTypedError("diagnoseText") { diagnoseText(text) } }
    test("$label: Diagnoser.pushBytes in chunks, finish") {
        val streamed = answersOrTypedError("Diagnoser.pushBytes/finish") {
            Diagnoser().use { diagnoser ->
                var start = 0
                while (start < bytes.size) {
                    val end = minOf(start + HOSTILE_CHUNK, bytes.size)
                    diagnoser.pushBytes(bytes.copyOfRange(start, end))
                    start = end
                }
                diagnoser.finish()
            }
        }
        whole?.let { w ->
            streamed?.let { s ->
                assertEquals(w.summary.recordsRead, s.summary.recordsRead, "records read, whole vs streamed bytes")
                assertEquals(w.summary.recordsSkipped, s.summary.recordsSkipped, "records skipped, whole vs streamed bytes")
            }
        }
    }
    test("$label: Diagnoser.pushText in chunks, finish") {
        val streamed = answersOrTypedError("Diagnoser.pushText/finish") {
            Diagnoser().use { diagnoser ->
                textChunks(text, HOSTILE_CHUNK).forEach { diagnoser.pushText(it) }
                diagnoser.finish()
            }
        }
        whole?.let { w ->
            streamed?.let { s ->
                assertEquals(w.summary.recordsRead, s.summary.recordsRead, "records read, whole vs streamed text")
                assertEquals(w.summary.recordsSkipped, s.summary.recordsSkipped, "records skipped, whole vs streamed text")
            }
        }
    }
}

/**
 * The documented limitation (bindings/uniffi/README.md, "Errors"): a string holding an unpaired surrogate has no
 * UTF-8 form, and the generated Kotlin throws CharacterCodingException before any Rust code runs. Checked with
 * the row's raw text, lone surrogates kept, for every function taking a string.
 */
fun hostileLoneSurrogates(row: HostileRow) {
    val raw = generateHostile(row.generator, lossy = false)
    test("hostile ${row.name} (raw, lone surrogates kept): every string function throws CharacterCodingException") {
        val calls = listOf<Pair<String, () -> Any?>>(
            "resolve" to { resolve(raw) },
            "byName" to { byName(raw) },
            "search" to { search(raw) },
            "scan" to { scan(raw) },
            "parseErrorBody" to { parseErrorBody(raw, 400) },
            "diagnoseText" to { diagnoseText(raw) },
            "Diagnoser.pushText" to { Diagnoser().use { it.pushText(raw) } },
        )
        for ((function, call) in calls) {
            val error = runCatching { call() }.exceptionOrNull()
            check(error is CharacterCodingException) { "$function: expected CharacterCodingException, got $error" }
        }
    }
}

/** Runs every row of the file; returns the number of text rows run and of value rows skipped. */
fun runHostile(file: File): Pair<Int, Int> {
    val rows = readHostileRows(file)
    var texts = 0
    var skipped = 0
    for (row in rows) {
        when (row.kind) {
            "text" -> {
                texts++
                hostileText(row)
                // Only a \u escape can make a lone surrogate; spares building the big rows twice.
                if (row.generator.contains("\\u") && hasLoneSurrogate(generateHostile(row.generator, lossy = false))) {
                    hostileLoneSurrogates(row)
                }
            }
            "value" -> skipped++
            else -> test("hostile.tsv line ${row.line}") { throw AssertionError("unknown kind ${row.kind}") }
        }
    }
    return texts to skipped
}
