// transport/https/exceptions: IotHubServiceException subclasses whose getStatusCode() names the status.
package com.microsoft.azure.sdk.iot.device.transport.https.exceptions

import com.microsoft.azure.sdk.iot.device.IotHubStatusCode
import com.microsoft.azure.sdk.iot.device.transport.IotHubServiceException

class ThrottledException(message: String? = null) : IotHubServiceException(message) {
    override fun getStatusCode() = IotHubStatusCode.THROTTLED
}

class QuotaExceededException(message: String? = null) : IotHubServiceException(message) {
    override fun getStatusCode() = IotHubStatusCode.QUOTA_EXCEEDED
}

class HubOrDeviceIdNotFoundException(message: String? = null) : IotHubServiceException(message) {
    override fun getStatusCode() = IotHubStatusCode.HUB_OR_DEVICE_ID_NOT_FOUND
}
