// exceptions/IotHubClientException.java: the exception the v2 device client throws, with getStatusCode().
package com.microsoft.azure.sdk.iot.device.exceptions

import com.microsoft.azure.sdk.iot.device.IotHubStatusCode

open class IotHubClientException(val statusCode: IotHubStatusCode, message: String = "") : Exception(message)
