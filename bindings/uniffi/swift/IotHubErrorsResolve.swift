// Hand-written, shipped with the generated bindings: `cargo xtask build mobile` copies this file next to the
// generated IotHubErrors.swift (target/uniffi/swift), and `cargo xtask mobile ios` into the Swift package. It
// only READS what an Error carries into `ErrorFacts`; every decision (which type, message or domain means which
// IoT Hub code) is the core's, through `resolveError(facts:)`.

import Foundation

/// The longest chain of underlying errors read (a cycle stops earlier, at the first repeat).
private let maxChain = 8

/// The IoT Hub (or DPS) error `error` stands for, or `nil` when nothing it carries names or implies one.
///
/// Reads, for the error and each `NSUnderlyingErrorKey` beneath it (at most 8): the type name
/// (`String(describing: type(of:))`), `localizedDescription`, and the NSError domain and code (the domain is
/// also passed as where the error came from). `nil` too if the binding fails to convert a record (never seen).
public func resolve(error: Error) -> ScanFinding? {
    return try? resolveError(facts: errorFacts(of: error))
}

/// The facts `resolve(error:)` reads off `error`, for callers that want to add what they know (an HTTP
/// response's status, body or `iothub-errorcode` header) before calling `resolveError(facts:)` themselves.
public func errorFacts(of error: Error) -> ErrorFacts {
    var chain: [ErrorLink] = []
    var frames: [String] = []
    var seen = Set<ObjectIdentifier>()
    var current: Error? = error
    while let this = current, chain.count < maxChain {
        let ns = this as NSError
        guard seen.insert(ObjectIdentifier(ns)).inserted else { break }
        let name = String(describing: type(of: this))
        let description = this.localizedDescription
        chain.append(ErrorLink(message: "\(description) [\(ns.domain) \(ns.code)]", name: name))
        if !frames.contains(ns.domain) { frames.append(ns.domain) }
        current = ns.userInfo[NSUnderlyingErrorKey] as? Error
    }
    return ErrorFacts(
        amqpCondition: nil,
        amqpDescription: nil,
        body: nil,
        chain: chain,
        connackCode: nil,
        errorCodeHeader: nil,
        frames: frames.isEmpty ? nil : frames,
        httpStatus: nil,
        trackingId: nil
    )
}
