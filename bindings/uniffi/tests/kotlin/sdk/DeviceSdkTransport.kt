// transport/TransportException.java, ProtocolException.java, IotHubServiceException.java.
package com.microsoft.azure.sdk.iot.device.transport

import com.microsoft.azure.sdk.iot.device.IotHubStatusCode

open class TransportException(message: String?, cause: Throwable? = null) : Exception(message, cause)

open class ProtocolException(message: String?, cause: Throwable? = null) : TransportException(message, cause)

open class IotHubServiceException(message: String?, cause: Throwable? = null) : TransportException(message, cause) {
    open fun getStatusCode(): IotHubStatusCode = IotHubStatusCode.ERROR
}
