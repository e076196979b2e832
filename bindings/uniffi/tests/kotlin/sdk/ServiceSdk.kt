// Stand-ins for the Azure IoT Java service SDK's exceptions (azure-iot-service-sdk-java,
// com.microsoft.azure.sdk.iot.service.exceptions): IotHubExceptionManager throws one subclass per HTTP status;
// getErrorCode() is the six-digit code when the body has a numeric errorCode, else the HTTP status.
package com.microsoft.azure.sdk.iot.service.exceptions

open class IotHubException(private val errorCode: Int, message: String?) : Exception(message) {
    fun getErrorCode(): Int = errorCode
}

class IotHubNotFoundException(errorCode: Int, message: String?) : IotHubException(errorCode, message)

class IotHubUnauthorizedException(errorCode: Int, message: String?) : IotHubException(errorCode, message)

class IotHubTooManyRequestsException(errorCode: Int, message: String?) : IotHubException(errorCode, message)

class IotHubBadFormatException(errorCode: Int, message: String?) : IotHubException(errorCode, message)
