"""`from_exception` on errors the real Azure IoT Python SDKs raise against local fake servers.

`azure-iot-hub` (service: IoTHubRegistryManager over HTTPS) and `azure-iot-device` (device: IoTHubDeviceClient
over MQTT on TLS, and its file upload over HTTPS) are the released packages, unpatched; only the servers are fakes, on 127.0.0.1: an HTTPS server
answering IoT Hub's error bodies and `iothub-errorcode` header, and a minimal MQTT 3.1.1 broker that refuses
CONNECT with a CONNACK return code or answers a twin request with an error status. The certificate is self-signed,
made by `openssl` for this run. Then from_exception's answer, computed by the core from what the exception carries,
is checked against what the server sent.
"""

from __future__ import annotations

import base64
import json
import shutil
import socket
import ssl
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

import pytest

import iothub_errors as ie

HOST = "127.0.0.1"
#: The hub's name in the connection strings: resolved to 127.0.0.1 in this process only (see `loopback_hub`), so
#: that the SDKs' texts name an IoT hub host as they do in production (a URL on a host that is no hub makes the
#: core answer "not IoT Hub", rightly).
HUB_NAME = "fleet-hub.azure-devices.net"
KEY = base64.b64encode(b"0123456789abcdef0123456789abcdef").decode()


@pytest.fixture(scope="module", autouse=True)
def loopback_hub() -> Iterator[None]:
    """Every `*.azure-devices.net` name resolves to 127.0.0.1 while these tests run (nothing leaves the machine:
    the SDKs connect to the fake servers only); other names resolve as usual."""
    real = socket.getaddrinfo

    def resolve(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if isinstance(name, str) and name.lower().rstrip(".").endswith(".azure-devices.net"):
            host = HOST
        return real(host, port, *args, **kwargs)

    socket.getaddrinfo = resolve
    try:
        yield
    finally:
        socket.getaddrinfo = real


# --- the certificate ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for localhost and 127.0.0.1, made by openssl for this run: (cert, key)."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed: the fake servers need a certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost"]
        + ["-addext", f"subjectAltName=DNS:localhost,DNS:{HUB_NAME},IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    return cert, key


def server_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(certificate[0]), str(certificate[1]))
    return context


# --- the service side: HTTPS -----------------------------------------------------------------------------------

#: What the fake hub answers for GET /devices/<id>: status, headers, body.
HUB_ANSWERS: dict[str, tuple[int, dict[str, str], bytes]] = {
    "ghost": (
        404,
        {"iothub-errorcode": "DeviceNotFound"},
        json.dumps(
            {
                "Message": "ErrorCode:DeviceNotFound;Device ghost not registered in hub",
                "ExceptionMessage": "Tracking ID:8f2e0c1d9a7b4c3e8d6f5a4b3c2d1e0f-G:3-TimeStamp:05/01/2024 10:00:00",
            }
        ).encode(),
    ),
    "offline": (
        404,
        {},
        json.dumps(
            {
                "Message": json.dumps(
                    {
                        "errorCode": 404103,
                        "trackingId": "aa761f96e9174d0e849c96a8b2e10a8c-G:5-TimeStamp:03/14/2024 09:54:49",
                        "message": "Timed out waiting for device to connect.",
                        "timestampUtc": "2024-03-14T09:54:49.6536567Z",
                    }
                ),
                "ExceptionMessage": "",
            }
        ).encode(),
    ),
    "busy": (
        429,
        {"iothub-errorcode": "ThrottlingException"},
        json.dumps(
            {
                "Message": "ErrorCode:ThrottlingException;Rate of requests exceeded the hub's limit",
                "ExceptionMessage": "Tracking ID:0d9c77aa00000000000000000000beef-G:7-TimeStamp:01/09/2025 07:01:12",
            }
        ).encode(),
    ),
    "header-only": (412, {"iothub-errorcode": "PreconditionFailed"}, b""),
    # POST /devices/<id>/files: the device SDK's file upload (a device identity deleted meanwhile).
    "files": (
        404,
        {"iothub-errorcode": "DeviceNotFound"},
        b'{"Message":"ErrorCode:DeviceNotFound;Device thermostat-7 not registered","ExceptionMessage":""}',
    ),
    "bare-401": (401, {}, b""),
}


class HubHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (the http.server name)
        device = self.path.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
        status, headers, body = HUB_ANSWERS.get(device, (500, {}, b""))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.do_GET()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def hub(certificate: tuple[Path, Path]) -> Iterator[str]:
    """The fake hub's HTTPS address (`fleet-hub.azure-devices.net:<port>`, listening on 127.0.0.1), served
    from a thread."""
    server = ThreadingHTTPServer((HOST, 0), HubHandler)
    server.socket = server_context(certificate).wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"{HUB_NAME}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def registry(hub: str, certificate: tuple[Path, Path]) -> Any:
    """The real IoTHubRegistryManager, pointed at the fake hub, trusting its certificate, without retries."""
    hub_sdk = pytest.importorskip("azure.iot.hub")
    manager = hub_sdk.IoTHubRegistryManager.from_connection_string(
        f"HostName={hub};SharedAccessKeyName=iothubowner;SharedAccessKey={KEY}"
    )
    manager.protocol.config.connection.verify = str(certificate[0])
    manager.protocol.config.connection.timeout = 10
    manager.protocol.config.retry_policy.retries = 0
    return manager


def raised(call: Callable[[], Any]) -> BaseException:
    """The exception `call` raises (the test fails when it raises nothing)."""
    try:
        call()
    except Exception as error:  # noqa: BLE001 (any SDK exception is the subject)
        return error
    pytest.fail("the SDK raised nothing")


def test_service_404_with_error_code_header_and_body(registry: Any) -> None:
    error = raised(lambda: registry.get_device("ghost"))
    assert type(error).__module__ + "." + type(error).__name__ == "msrest.exceptions.HttpOperationError"
    assert "DeviceNotFound" not in str(error)  # the SDK's own text loses the code: only the response keeps it
    found = ie.from_exception(error)
    assert found is not None
    assert (found.code, found.name) == (404001, "DeviceNotFound")
    assert found.confidence >= 0.85 and found.alternatives == ()
    assert (found.tracking_id, found.gateway) == ("8f2e0c1d9a7b4c3e8d6f5a4b3c2d1e0f", "3")


def test_service_404_whose_message_is_escaped_json(registry: Any) -> None:
    error = raised(lambda: registry.get_device("offline"))
    found = ie.from_exception(error)
    assert found is not None
    assert (found.code, found.name) == (404103, "DeviceNotOnline")
    assert found.tracking_id == "aa761f96e9174d0e849c96a8b2e10a8c" and found.gateway == "5"


def test_service_429_throttling(registry: Any) -> None:
    error = raised(lambda: registry.get_device("busy"))
    found = ie.from_exception(error)
    assert found is not None
    assert (found.code, found.error_class) == (429001, ie.ErrorClass.TOO_MANY_REQUESTS)
    assert (found.tracking_id, found.gateway) == ("0d9c77aa00000000000000000000beef", "7")


def test_service_error_code_header_without_body(registry: Any) -> None:
    error = raised(lambda: registry.get_device("header-only"))
    found = ie.from_exception(error)
    assert found is not None and (found.code, found.name) == (412001, "PreconditionFailed")


def test_service_bare_401_is_inferred_as_a_service_call(registry: Any) -> None:
    error = raised(lambda: registry.get_device("bare-401"))
    facts = error_facts(error)
    assert facts.http_status == 401 and facts.body is None and facts.error_code_header is None
    assert facts.frames is not None and any(frame.startswith("azure.iot.hub") for frame in facts.frames)
    found = ie.from_exception(error)
    assert found is not None
    assert found.code == 401002, found  # IotHubUnauthorizedAccess: a service credential, not a device's
    assert found.confidence < 0.85 and 401003 in [a.code for a in found.alternatives]


def error_facts(error: BaseException) -> ie.ErrorFacts:
    from iothub_errors._exceptions import error_facts as read

    facts = read(error)
    assert facts is not None
    return facts


# --- the device side: MQTT over TLS on 8883 ---------------------------------------------------------------------


class Broker:
    """A minimal MQTT 3.1.1 broker on 127.0.0.1:8883 (the device SDK connects to no other port): `refuse` is the
    CONNACK return code it answers (0 accepts), `twin_status` the status of its answer to a twin GET."""

    def __init__(self, context: ssl.SSLContext) -> None:
        self.context = context
        self.refuse = 0
        self.twin_status = 404
        self.twin_body = b'{"errorCode":404001,"message":"twin not found"}'
        self.connects = 0
        self.listener = self._listen()
        self.stopped = False
        threading.Thread(target=self._accept, daemon=True).start()

    @staticmethod
    def _listen() -> socket.socket:
        deadline = time.monotonic() + 20
        while True:
            listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                listener.bind((HOST, 8883))
            except OSError as failure:
                listener.close()
                if time.monotonic() > deadline:
                    raise RuntimeError(f"127.0.0.1:8883 stayed busy for 20 s: {failure}") from failure
                time.sleep(0.5)
                continue
            listener.listen(8)
            listener.settimeout(0.2)
            return listener

    def close(self) -> None:
        self.stopped = True
        self.listener.close()

    def _accept(self) -> None:
        while not self.stopped:
            try:
                connection, _ = self.listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, raw: socket.socket) -> None:
        raw.settimeout(10)
        try:
            with self.context.wrap_socket(raw, server_side=True) as tls:
                while not self.stopped:
                    packet = read_packet(tls)
                    if packet is None or not self._answer(tls, *packet):
                        return
        except (OSError, ssl.SSLError):
            return

    def _answer(self, tls: ssl.SSLSocket, kind: int, flags: int, body: bytes) -> bool:
        if kind == 1:  # CONNECT
            self.connects += 1
            tls.sendall(bytes([0x20, 2, 0, self.refuse]))
            return self.refuse == 0
        if kind == 8:  # SUBSCRIBE: grant QoS 0 to each topic
            packet_id, at, granted = body[:2], 2, bytearray()
            while at + 2 <= len(body):
                length = int.from_bytes(body[at : at + 2], "big")
                at += 2 + length + 1
                granted.append(0)
            tls.sendall(frame(0x90, packet_id + bytes(granted)))
            return True
        if kind == 3:  # PUBLISH
            length = int.from_bytes(body[:2], "big")
            topic = body[2 : 2 + length].decode()
            qos = (flags >> 1) & 3
            if qos:
                tls.sendall(frame(0x40, body[2 + length : 4 + length]))
            if topic.startswith("$iothub/twin/GET/"):
                rid = topic.split("$rid=", 1)[1].split("&", 1)[0]
                reply = f"$iothub/twin/res/{self.twin_status}/?$rid={rid}".encode()
                tls.sendall(frame(0x30, len(reply).to_bytes(2, "big") + reply + self.twin_body))
            return True
        if kind == 12:  # PINGREQ
            tls.sendall(bytes([0xD0, 0]))
            return True
        return kind != 14  # DISCONNECT ends the session


def frame(first: int, body: bytes) -> bytes:
    """An MQTT packet: the first byte, the remaining length (variable-length integer), the body."""
    length, encoded = len(body), bytearray()
    while True:
        digit, length = length % 128, length // 128
        encoded.append(digit | (0x80 if length else 0))
        if not length:
            return bytes([first]) + bytes(encoded) + body


def read_packet(tls: ssl.SSLSocket) -> Optional[tuple[int, int, bytes]]:
    """(packet type, flags, body) of the next MQTT packet, or None when the connection ends."""

    def exactly(count: int) -> Optional[bytes]:
        data = b""
        while len(data) < count:
            chunk = tls.recv(count - len(data))
            if not chunk:
                return None
            data += chunk
        return data

    first = exactly(1)
    if first is None:
        return None
    length, shift = 0, 0
    while True:
        byte = exactly(1)
        if byte is None:
            return None
        length |= (byte[0] & 0x7F) << shift
        shift += 7
        if not byte[0] & 0x80:
            break
    body = exactly(length) if length else b""
    return None if body is None else (first[0] >> 4, first[0] & 0x0F, body)


@pytest.fixture(scope="module")
def broker(certificate: tuple[Path, Path]) -> Iterator[Broker]:
    running = Broker(server_context(certificate))
    try:
        yield running
    finally:
        running.close()


def device_error(broker: Broker, certificate: tuple[Path, Path], act: Callable[[Any], Any]) -> BaseException:
    """What the real IoTHubDeviceClient raises doing `act` against the broker (no retries)."""
    device_sdk = pytest.importorskip("azure.iot.device")
    client = device_sdk.IoTHubDeviceClient.create_from_connection_string(
        f"HostName={HUB_NAME};DeviceId=thermostat-7;SharedAccessKey={KEY}",
        server_verification_cert=certificate[0].read_text(),
        connection_retry=False,
        keep_alive=30,
    )
    try:
        return raised(lambda: act(client))
    finally:
        try:
            client.shutdown()
        except Exception:  # noqa: BLE001 (a refused client may not shut down cleanly; the test is done)
            pass


@pytest.mark.parametrize(
    "refuse,exception,code",
    [
        (5, "azure.iot.device.exceptions.CredentialError", 401003),
        (4, "azure.iot.device.exceptions.CredentialError", 401003),
        (3, "azure.iot.device.exceptions.ConnectionFailedError", 503001),
    ],
)
def test_device_connect_refused_by_connack(
    broker: Broker, certificate: tuple[Path, Path], refuse: int, exception: str, code: int
) -> None:
    broker.refuse = refuse
    before = broker.connects
    error = device_error(broker, certificate, lambda client: client.connect())
    assert broker.connects > before, "the SDK never reached the fake broker"
    assert f"{type(error).__module__}.{type(error).__qualname__}" == exception
    facts = error_facts(error)
    assert facts.frames is not None and any(frame.startswith("azure.iot.device") for frame in facts.frames)
    found = ie.from_exception(error)
    assert found is not None, facts
    assert found.code == code, (found, facts)
    assert found.confidence < 0.85 and found.alternatives, found  # inferred, not written
    assert "CONNACK" in found.basis, found  # from paho's text in the cause ("Connection Refused: not authorised.")


def test_device_twin_error_status(broker: Broker, certificate: tuple[Path, Path]) -> None:
    broker.refuse, broker.twin_status = 0, 404
    error = device_error(broker, certificate, lambda client: client.get_twin())
    facts = error_facts(error)
    assert facts.chain is not None and len(facts.chain) >= 2, facts  # ClientError caused by ServiceError
    found = ie.from_exception(error)
    assert found is not None, facts
    assert found.code == 404001, (found, facts)


def test_device_http_file_upload_error_loses_the_code(hub: str, certificate: tuple[Path, Path]) -> None:
    device_sdk = pytest.importorskip("azure.iot.device")
    client = device_sdk.IoTHubDeviceClient.create_from_connection_string(
        f"HostName={hub};DeviceId=thermostat-7;SharedAccessKey={KEY}",
        server_verification_cert=certificate[0].read_text(),
        connection_retry=False,
    )
    try:
        error = raised(lambda: client.get_storage_info_for_blob("reading.json"))
    finally:
        client.shutdown()
    facts = error_facts(error)
    assert [link.name for link in facts.chain or ()] == [
        "azure.iot.device.exceptions.ClientError",  # "Unexpected failure"
        "azure.iot.device.exceptions.ServiceError",  # "HTTP operation returned: 404 Error('Not found')"
    ]
    assert facts.body is None and facts.error_code_header is None  # the SDK keeps only the status, in its text
    found = ie.from_exception(error)
    assert found is not None and found.code == 404001, (found, facts)
    assert found.confidence < 0.85 and found.alternatives, found


# --- uamqp's error classes (built, not raised through the SDK: no AMQP server here) ----------------------------


def test_uamqp_link_detach_and_token_failure() -> None:
    errors = pytest.importorskip("uamqp.errors", reason="uamqp does not install on this Python")
    constants = pytest.importorskip("uamqp.constants", reason="uamqp does not install on this Python")
    detach = errors.LinkDetach(
        b"com.microsoft:device-container-throttled",
        description=b"too many requests",
        info={b"com.microsoft:tracking-id": b"9f1c00aa-G:0-TimeStamp:01/09/2025 07:01:12"},
    )
    found = ie.from_exception(detach)
    assert found is not None and found.code == 429001 and found.tracking_id == "9f1c00aa", found
    unauthorized = errors.LinkDetach(constants.ErrorCodes.UnauthorizedAccess, description=b"Unauthorized")
    found = ie.from_exception(unauthorized)
    assert found is not None and found.error_class == ie.ErrorClass.UNAUTHORIZED, found
    token = errors.TokenAuthFailure(401, b"Unauthorized")
    facts = error_facts(token)
    assert facts.http_status == 401
    # uamqp serves Event Hubs and Service Bus too: a bare 401 with nothing naming IoT Hub is no hub error ...
    assert ie.from_exception(token) is None
    # ... and with the IoT Hub client's frames around it, it is one.
    in_hub = ie.resolve_error({**facts.to_dict(), "frames": ["azure.iot.hub.iothub_amqp_client"]})
    assert in_hub is not None and in_hub.error_class == ie.ErrorClass.UNAUTHORIZED, in_hub


# --- what from_exception reads, and that it never raises ---------------------------------------------------------


def test_the_chain_is_read_outermost_first_through_cause_and_context() -> None:
    try:
        try:
            raise KeyError("inner")
        except KeyError as inner:
            raise RuntimeError("ErrorCode:DeviceNotFound;Device d1 not registered") from inner
    except RuntimeError as outer:
        facts, found = error_facts(outer), ie.from_exception(outer)
    assert facts.chain is not None and [link.name for link in facts.chain] == ["RuntimeError", "KeyError"]
    assert found is not None and found.code == 404001


def test_cycles_and_long_chains_end() -> None:
    first, second = ValueError("one"), ValueError("two")
    first.__cause__, second.__context__ = second, first
    assert len(error_facts(first).chain or ()) == 2
    deepest = ValueError("ErrorCode:IotHubQuotaExceeded;quota")
    error = deepest
    for depth in range(20):
        outer = ValueError(f"level {depth}")
        outer.__cause__ = error
        error = outer
    assert len(error_facts(error).chain or ()) == 8
    assert ie.from_exception(error) is None  # the code is deeper than the chain read


class Hostile(Exception):
    def __getattribute__(self, name: str) -> Any:
        if name in ("__class__", "__dict__"):
            return object.__getattribute__(self, name)
        raise RuntimeError(f"no {name}")

    def __str__(self) -> str:
        raise RuntimeError("no text")


class Weird:
    @property
    def response(self) -> Any:
        raise OSError("gone")

    condition = 12
    info = {b"com.microsoft:tracking-id": object()}
    status_code = "404"

    def __str__(self) -> str:
        return "\ud800 ErrorCode:DeviceNotFound;x"


NEVER_RAISES = [Hostile("x"), Weird(), 42, 3.5, object(), b"\xff\xfe", [], {"a": 1}, ValueError(), "", " "]


@pytest.mark.parametrize("value", NEVER_RAISES, ids=[f"value{n}" for n in range(len(NEVER_RAISES))])
def test_never_raises(value: Any) -> None:
    found = ie.from_exception(value)
    assert found is None or isinstance(found, ie.ScanFinding)


def test_none_gives_none_and_text_is_a_message() -> None:
    assert ie.from_exception(None) is None
    found = ie.from_exception("azure.iot.device.exceptions.CredentialError: Connection Refused: not authorised.")
    assert found is not None and found.error_class == ie.ErrorClass.UNAUTHORIZED
    assert ie.from_exception("all good") is None
    weird = ie.from_exception(Weird())
    assert weird is not None and weird.code == 404001


def test_resolve_error_takes_the_dataclass_or_a_dict_and_rejects_the_rest() -> None:
    facts = ie.ErrorFacts(http_status=404, error_code_header="DeviceNotOnline")
    by_class, by_dict = ie.resolve_error(facts), ie.resolve_error({"http_status": 404, "error_code_header": "DeviceNotOnline"})
    assert by_class is not None and by_class == by_dict and by_class.code == 404103
    assert ie.resolve_error({}) is None
    with pytest.raises(TypeError):
        ie.resolve_error("DeviceNotFound")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        ie.resolve_error(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        ie.resolve_error({"http_status": "404"})
    with pytest.raises(ValueError):
        ie.resolve_error({"status": 404})
    with pytest.raises(ValueError):
        ie.resolve_error({"connack_code": 300})
    with pytest.raises(ValueError):
        ie.resolve_error({"connack_code": -1})


# --- plain HTTP clients against the same fake hub ----------------------------------------------------------------


def test_urllib_http_error_gives_status_and_header(hub: str, certificate: tuple[Path, Path]) -> None:
    import urllib.error
    import urllib.request

    context = ssl.create_default_context(cafile=str(certificate[0]))
    error = raised(lambda: urllib.request.urlopen(f"https://{hub}/devices/header-only", context=context, timeout=10))
    assert isinstance(error, urllib.error.HTTPError)
    facts = error_facts(error)
    assert (facts.http_status, facts.error_code_header, facts.body) == (412, "PreconditionFailed", None)
    found = ie.from_exception(error)
    assert found is not None and found.code == 412001


def test_requests_http_error_gives_the_body(hub: str, certificate: tuple[Path, Path]) -> None:
    requests = pytest.importorskip("requests")
    response = requests.get(f"https://{hub}/devices/offline", verify=str(certificate[0]), timeout=10)
    error = raised(response.raise_for_status)
    found = ie.from_exception(error)
    assert found is not None and found.code == 404103 and found.tracking_id == "aa761f96e9174d0e849c96a8b2e10a8c"


def test_azure_core_http_response_error_gives_the_body(hub: str, certificate: tuple[Path, Path]) -> None:
    exceptions = pytest.importorskip("azure.core.exceptions")
    transport_module = pytest.importorskip("azure.core.pipeline.transport")
    transport = transport_module.RequestsTransport(connection_verify=str(certificate[0]), connection_timeout=10)
    with transport:
        response = transport.send(transport_module.HttpRequest("GET", f"https://{hub}/devices/ghost"))
        error = exceptions.HttpResponseError(response=response)
    facts = error_facts(error)
    assert facts.http_status == 404 and facts.body is not None and facts.body.startswith('{"Message"')
    found = ie.from_exception(error)
    assert found is not None and found.code == 404001 and found.gateway == "3"
