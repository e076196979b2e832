// Tests of the hand-written fromThrowable (bindings/uniffi/kotlin/IotHubErrorsThrowable.kt) with exceptions shaped
// as the Azure IoT Java SDKs throw them: the SDKs' package and class names (tests/kotlin/sdk), their messages
// (PahoExceptionTranslator, IotHubExceptionManager, the https exceptions' getStatusCode()), their cause chains.

import com.iothuberrors.*
import com.microsoft.azure.sdk.iot.device.IotHubStatusCode
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException
import com.microsoft.azure.sdk.iot.device.transport.ProtocolException
import com.microsoft.azure.sdk.iot.device.transport.TransportException
import com.microsoft.azure.sdk.iot.device.transport.https.exceptions.HubOrDeviceIdNotFoundException
import com.microsoft.azure.sdk.iot.device.transport.https.exceptions.QuotaExceededException
import com.microsoft.azure.sdk.iot.device.transport.https.exceptions.ThrottledException
import com.microsoft.azure.sdk.iot.device.transport.mqtt.exceptions.MqttBadUsernameOrPasswordException
import com.microsoft.azure.sdk.iot.device.transport.mqtt.exceptions.MqttIdentifierRejectedException
import com.microsoft.azure.sdk.iot.device.transport.mqtt.exceptions.MqttUnauthorizedException
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubBadFormatException
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubTooManyRequestsException
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubUnauthorizedException
import org.eclipse.paho.client.mqttv3.MqttException

/** The SDK's frames where the exception is thrown, as a real stack trace has them (class, method, file, line). */
fun <T : Throwable> T.thrownAt(vararg frames: String): T = apply {
    stackTrace = frames.map { frame ->
        val cut = frame.lastIndexOf('.')
        StackTraceElement(frame.substring(0, cut), frame.substring(cut + 1), null, -1)
    }.toTypedArray()
}

fun codeOf(t: Throwable): UInt? = fromThrowable(t)?.code

fun alternativesOf(finding: ScanFinding?): List<UInt> = finding?.alternatives?.map { it.code } ?: emptyList()

/** An app's own exception, named as several SDKs name theirs: only the stack frames say where it was thrown. */
class UnauthorizedException(message: String) : Exception(message)

/** PahoExceptionTranslator.convertToMqttException's message for a failed CONNECT. */
const val UNABLE_TO_CONNECT = "Unable to establish MQTT connection"

fun throwableTests() {
    test("fromThrowable: MqttUnauthorizedException (CONNACK 5) is most likely 401003, with alternatives") {
        val t = MqttUnauthorizedException(UNABLE_TO_CONNECT, MqttException(5, "Not authorized to connect"))
            .thrownAt("com.microsoft.azure.sdk.iot.device.transport.mqtt.exceptions.PahoExceptionTranslator.convertToMqttException")
        val finding = fromThrowable(t) ?: error("no finding")
        assertEquals(401003u, finding.code, "code")
        // Paho's cause says how the CONNACK refused the connection: the most specific evidence.
        assertEquals(Evidence.MQTT_CONNACK, finding.evidence, "evidence")
        assertEquals(listOf(404001u, 403012u), alternativesOf(finding), "alternatives")
        check(finding.confidence < 0.85f) { "an inferred code is below 0.85: ${finding.confidence}" }
    }
    test("fromThrowable: a TransportException caused by MqttBadUsernameOrPasswordException is 401003") {
        val t = TransportException(
            "Timed out waiting to connect to service",
            MqttBadUsernameOrPasswordException(UNABLE_TO_CONNECT, MqttException(4, "Bad user name or password")),
        )
        val finding = fromThrowable(t) ?: error("no finding")
        assertEquals(401003u, finding.code, "code")
        assertEquals(listOf(401002u, 404001u), alternativesOf(finding), "alternatives")
        val facts = errorFactsOf(t)
        assertEquals(
            listOf(
                "com.microsoft.azure.sdk.iot.device.transport.TransportException",
                "com.microsoft.azure.sdk.iot.device.transport.mqtt.exceptions.MqttBadUsernameOrPasswordException",
                "org.eclipse.paho.client.mqttv3.MqttException",
            ),
            facts.chain?.map { it.name },
            "chain names (outermost first, with packages)",
        )
        assertEquals("Bad user name or password", facts.chain?.last()?.message, "innermost message")
    }
    test("fromThrowable: MqttIdentifierRejectedException stands for no hub code") {
        val t = MqttIdentifierRejectedException(UNABLE_TO_CONNECT, MqttException(2, "Invalid client ID"))
        assertEquals(null, codeOf(t), "code")
    }
    test("fromThrowable: IotHubNotFoundException with the hub's JSON body gives its code and tracking id") {
        val body = "{\"errorCode\":404001,\"trackingId\":\"191306c3cfda487ebe0988aa7663fb0f-G:10-TimeStamp:05/21/2020 20:14:49\"," +
            "\"message\":\"Device sensor-12 could not be found\",\"timestampUtc\":\"2020-05-21T20:14:49.3270481Z\"}"
        val t = IotHubNotFoundException(404001, body)
            .thrownAt("com.microsoft.azure.sdk.iot.service.registry.RegistryClient.getDevice")
        val finding = fromThrowable(t) ?: error("no finding")
        assertEquals(404001u, finding.code, "code")
        assertEquals("DeviceNotFound", finding.name, "name")
        assertEquals(Evidence.JSON_ERROR_CODE, finding.evidence, "evidence")
        assertEquals("191306c3cfda487ebe0988aa7663fb0f", finding.trackingId, "tracking id")
        assertEquals("10", finding.gateway, "gateway")
        assertEquals(emptyList<UInt>(), alternativesOf(finding), "alternatives of a written code")
    }
    test("fromThrowable: the service SDK's six-digit getErrorCode() is read when the message lacks it") {
        val t = IotHubTooManyRequestsException(429002, "Too many requests (throttled)!")
        val facts = errorFactsOf(t)
        assertEquals("Too many requests (throttled)! (error code 429002)", facts.chain?.single()?.message, "message")
        assertEquals(429002u, codeOf(t), "code")
        val statusOnly = IotHubTooManyRequestsException(429, "Too many requests (throttled)!")
        assertEquals(429u.toUShort(), errorFactsOf(statusOnly).httpStatus, "an HTTP status goes to httpStatus")
        assertEquals(429001u, codeOf(statusOnly), "code from the class and status")
    }
    test("fromThrowable: IotHubUnauthorizedException from a service call is 401002") {
        val t = IotHubUnauthorizedException(401, "Unauthorized!")
            .thrownAt(
                "com.microsoft.azure.sdk.iot.service.exceptions.IotHubExceptionManager.httpResponseVerification",
                "com.microsoft.azure.sdk.iot.service.registry.RegistryClient.getDevice",
            )
        val finding = fromThrowable(t) ?: error("no finding")
        assertEquals(401002u, finding.code, "code")
        assertEquals(listOf(401003u), alternativesOf(finding), "alternatives")
        assertEquals(
            listOf(
                "com.microsoft.azure.sdk.iot.service.exceptions.IotHubExceptionManager.httpResponseVerification",
                "com.microsoft.azure.sdk.iot.service.registry.RegistryClient.getDevice",
            ),
            errorFactsOf(t).frames,
            "frames",
        )
    }
    test("fromThrowable: the stack frames tell a service call from a device connection") {
        val service = UnauthorizedException("Unauthorized")
            .thrownAt("com.microsoft.azure.sdk.iot.service.registry.RegistryClient.getDevice")
        val device = UnauthorizedException("Unauthorized")
            .thrownAt("com.microsoft.azure.sdk.iot.device.DeviceClient.open")
        assertEquals(401002u, codeOf(service), "service frames")
        assertEquals(401003u, codeOf(device), "device frames")
        check(fromThrowable(service)?.basis?.contains("service call") == true) { "basis ${fromThrowable(service)?.basis}" }
    }
    test("fromThrowable: IotHubBadFormatException") {
        assertEquals(400004u, codeOf(IotHubBadFormatException(400, "Bad message format!")), "code")
    }
    test("fromThrowable: the device SDK's IotHubStatusCode from getStatusCode() decides when the message is empty") {
        assertEquals(429001u, codeOf(ThrottledException()), "THROTTLED")
        assertEquals(403002u, codeOf(QuotaExceededException()), "QUOTA_EXCEEDED")
        assertEquals(404001u, codeOf(HubOrDeviceIdNotFoundException()), "HUB_OR_DEVICE_ID_NOT_FOUND")
        assertEquals(403002u, codeOf(IotHubClientException(IotHubStatusCode.QUOTA_EXCEEDED)), "v2 client exception")
        assertEquals("(status THROTTLED)", errorFactsOf(ThrottledException()).chain?.single()?.message, "message")
        assertEquals(null, errorFactsOf(ThrottledException()).httpStatus, "an enum is no HTTP status")
    }
    test("fromThrowable: exceptions of other services and the network give no hub code") {
        assertEquals(null, fromThrowable(java.net.UnknownHostException("my-hub.azure-devices.net")), "UnknownHostException")
        assertEquals(null, fromThrowable(IllegalStateException("Client is not open")), "IllegalStateException")
        val sql = java.sql.SQLException("Access denied for user 'app'", "28000", 404)
        assertEquals(null, errorFactsOf(sql).httpStatus, "a vendor's getErrorCode() is no HTTP status")
        assertEquals(null, fromThrowable(sql), "SQLException")
        val network = ProtocolException(
            UNABLE_TO_CONNECT,
            MqttException(0, "Unable to connect to server").apply { initCause(java.net.UnknownHostException("my-hub.azure-devices.net")) },
        )
        assertEquals(null, codeOf(network), "a ProtocolException around UnknownHostException")
        assertEquals(3, errorFactsOf(network).chain?.size, "the whole chain is read")
    }
    test("fromThrowable: a cause cycle is read once and stops") {
        // Throwable(message) leaves the cause unset, so initCause can close the loop.
        val outer = RuntimeException(UNABLE_TO_CONNECT)
        val inner = MqttUnauthorizedException(UNABLE_TO_CONNECT, outer)
        outer.initCause(inner)
        assertEquals(2, errorFactsOf(outer).chain?.size, "links")
        assertEquals(401003u, codeOf(outer), "code")
    }
    test("fromThrowable: at most 8 links are read") {
        var t: Throwable = MqttUnauthorizedException(UNABLE_TO_CONNECT)
        repeat(12) { t = RuntimeException("wrapper $it", t) }
        assertEquals(8, errorFactsOf(t).chain?.size, "links")
        assertEquals(null, codeOf(t), "the refusal 13 links deep is not read")
        var shallow: Throwable = MqttUnauthorizedException(UNABLE_TO_CONNECT)
        repeat(7) { shallow = RuntimeException("wrapper $it", shallow) }
        assertEquals(401003u, codeOf(shallow), "the refusal 8 links deep is read")
    }
    test("fromThrowable: a getter that throws is ignored") {
        class Odd(message: String) : Exception(message) {
            fun getStatusCode(): Int = throw IllegalStateException("no status")
        }
        assertEquals(null, errorFactsOf(Odd("quota exceeded")).httpStatus, "status")
        assertEquals("quota exceeded", errorFactsOf(Odd("quota exceeded")).chain?.single()?.message, "message")
    }
}
