// Eclipse Paho's MqttException (org.eclipse.paho.client.mqttv3), the cause the device SDK wraps; its message is
// Paho's text for the CONNACK return code, its toString adds the code in parentheses.
package org.eclipse.paho.client.mqttv3

class MqttException(private val reasonCode: Int, private val text: String) : Exception(text) {
    fun getReasonCode(): Int = reasonCode
    override fun toString() = "$text ($reasonCode)"
}
