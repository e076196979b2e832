// transport/mqtt/exceptions: what PahoExceptionTranslator.convertToMqttException makes of a refused CONNACK.
package com.microsoft.azure.sdk.iot.device.transport.mqtt.exceptions

import com.microsoft.azure.sdk.iot.device.transport.ProtocolException

class MqttUnauthorizedException(message: String?, cause: Throwable? = null) : ProtocolException(message, cause)

class MqttBadUsernameOrPasswordException(message: String?, cause: Throwable? = null) : ProtocolException(message, cause)

class MqttServerUnavailableException(message: String?, cause: Throwable? = null) : ProtocolException(message, cause)

class MqttIdentifierRejectedException(message: String?, cause: Throwable? = null) : ProtocolException(message, cause)
