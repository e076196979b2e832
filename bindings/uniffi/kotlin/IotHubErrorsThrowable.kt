// Hand-written, shipped with the generated bindings: `cargo xtask build mobile` copies this file next to the
// generated `iothub_errors_uniffi.kt` (target/uniffi/kotlin/com/iothuberrors), so the tests, the Gradle module and
// `cargo xtask dist` all get it. It only READS what a Throwable carries into `ErrorFacts`; every decision (which
// class, message, status or frame means which IoT Hub code) is the core's, through `resolveError`.

package com.iothuberrors

/** The longest cause chain read: a deeper chain is cut (a cycle is stopped earlier, at the first repeat). */
private const val MAX_CHAIN = 8

/** The most stack frames passed on, outermost throwable's first. */
private const val MAX_FRAMES = 32

/**
 * The no-argument getters (and public fields) read reflectively, as the Azure IoT Java SDKs name them: a status
 * from any class (`getStatusCode()`), an error code only from the SDKs' own classes, since other libraries'
 * `getErrorCode()` is their own numbering (`java.sql.SQLException`'s vendor code is no HTTP status).
 */
private val STATUS_GETTERS = listOf("getStatusCode")
private val STATUS_FIELDS = listOf("statusCode")
private val SDK_STATUS_GETTERS = listOf("getStatusCode", "getErrorCode")
private val SDK_STATUS_FIELDS = listOf("statusCode", "errorCode")

/** The package prefix of the Azure IoT Java SDKs (device: `...iot.device`, service: `...iot.service`). */
private const val SDK_PACKAGE = "com.microsoft.azure.sdk.iot."

/**
 * The IoT Hub (or DPS) error a Throwable stands for, or `null` when nothing it carries names or implies one
 * (a `java.net.UnknownHostException`, an `IllegalStateException` of your own code, ...).
 *
 * Reads, for the throwable and each `cause` (cycle-safe, at most 8): the class name with its package
 * (`com.microsoft.azure.sdk.iot.device.transport.mqtt.exceptions.MqttUnauthorizedException`), the message, and
 * a status the SDK exposes (`getStatusCode()` of the device SDK's exceptions, an `IotHubStatusCode` such as
 * `THROTTLED`; `getErrorCode()` of the service SDK's `IotHubException`, an HTTP status or a six-digit code; of
 * other libraries' exceptions only `getStatusCode()`);
 * and the class and method names of the stack frames, which tell a device connection from a service call.
 *
 * Throws [IotHubErrorsException.Internal] only if the binding fails to convert a record (never seen).
 */
@Throws(IotHubErrorsException::class)
fun fromThrowable(t: Throwable): ScanFinding? = resolveError(errorFactsOf(t))

/**
 * The facts [fromThrowable] reads off `t`, for callers that want to add what they know (an HTTP response's
 * body or `iothub-errorcode` header) before calling [resolveError] themselves.
 */
fun errorFactsOf(t: Throwable): ErrorFacts {
    val chain = mutableListOf<ErrorLink>()
    val frames = LinkedHashSet<String>()
    var httpStatus: UShort? = null
    val seen = java.util.Collections.newSetFromMap(java.util.IdentityHashMap<Throwable, Boolean>())
    var current: Throwable? = t
    while (current != null && chain.size < MAX_CHAIN && seen.add(current)) {
        val status = statusOf(current)
        var message = current.message
        when (status) {
            is StatusValue.Number -> {
                val value = status.value
                if (value in 100L..599L) {
                    if (httpStatus == null) httpStatus = value.toInt().toUShort()
                } else if (value in 100_000L..999_999L && message?.contains(value.toString()) != true) {
                    message = listOfNotNull(message, "(error code $value)").joinToString(" ")
                }
            }
            is StatusValue.Name -> if (message?.contains(status.name) != true) {
                message = listOfNotNull(message, "(status ${status.name})").joinToString(" ")
            }
            null -> {}
        }
        chain += ErrorLink(message = message, name = current.javaClass.name)
        for (frame in current.stackTrace) {
            if (frames.size >= MAX_FRAMES) break
            frames += "${frame.className}.${frame.methodName}"
        }
        current = current.cause
    }
    return ErrorFacts(
        amqpCondition = null,
        amqpDescription = null,
        body = null,
        chain = chain,
        connackCode = null,
        errorCodeHeader = null,
        frames = frames.toList().ifEmpty { null },
        httpStatus = httpStatus,
        trackingId = null,
    )
}

/** A status as an SDK exposes it: a number (HTTP status or six-digit code) or an enum constant's name. */
private sealed class StatusValue {
    data class Number(val value: Long) : StatusValue()
    data class Name(val name: String) : StatusValue()
}

/** The first status `t` exposes through its getters or public fields; `null` when it has none. */
private fun statusOf(t: Throwable): StatusValue? {
    val sdk = t.javaClass.name.startsWith(SDK_PACKAGE)
    for (getter in if (sdk) SDK_STATUS_GETTERS else STATUS_GETTERS) {
        val value = runCatching {
            val method = t.javaClass.getMethod(getter)
            if (method.parameterCount != 0) return@runCatching null
            runCatching { method.isAccessible = true }
            method.invoke(t)
        }.getOrNull()
        statusValue(value)?.let { return it }
    }
    for (name in if (sdk) SDK_STATUS_FIELDS else STATUS_FIELDS) {
        val value = runCatching { t.javaClass.getField(name).get(t) }.getOrNull()
        statusValue(value)?.let { return it }
    }
    return null
}

private fun statusValue(value: Any?): StatusValue? = when (value) {
    is Number -> StatusValue.Number(value.toLong())
    is Enum<*> -> StatusValue.Name(value.name)
    is String -> value.trim().takeIf { it.isNotEmpty() }?.let { text ->
        text.toLongOrNull()?.let { StatusValue.Number(it) } ?: StatusValue.Name(text)
    }
    else -> null
}
