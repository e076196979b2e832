// Stand-ins for the Azure IoT Java device SDK's types (azure-iot-sdk-java, iothub/device/iot-device-client), with
// the SDK's package, class and member names, so that fromThrowable sees what it sees in an app. Only the shape is
// reproduced: names, messages, causes and the getStatusCode() getter.
package com.microsoft.azure.sdk.iot.device

/** IotHubStatusCode.java (a subset of its constants). */
enum class IotHubStatusCode {
    OK, BAD_FORMAT, UNAUTHORIZED, QUOTA_EXCEEDED, HUB_OR_DEVICE_ID_NOT_FOUND, PRECONDITION_FAILED,
    REQUEST_ENTITY_TOO_LARGE, THROTTLED, INTERNAL_SERVER_ERROR, SERVER_BUSY, ERROR, MESSAGE_EXPIRED,
    MESSAGE_CANCELLED_ONCLOSE, IO_ERROR, DEVICE_OPERATION_TIMED_OUT,
}
