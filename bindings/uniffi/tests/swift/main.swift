// Tests of the Swift bindings: conformance cases, typed errors, hostile inputs and a sample-log diagnosis.
// Compiled by `cargo xtask test mobile` (only where `swift` is on PATH) into one module together with the
// generated IotHubErrors.swift, linked against the host cdylib, and run with the repository root as argument.
// Prints one line per failure and closes with "N passed, N failed"; exits 1 when anything failed.

import Foundation

let root = URL(fileURLWithPath: CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : ".")
var passed = 0
var failures: [String] = []

struct Failure: Error, CustomStringConvertible {
    let description: String
}

func test(_ name: String, _ body: () throws -> Void) {
    do {
        try body()
        passed += 1
    } catch {
        failures.append("\(name): \(error)")
    }
}

func expect(_ condition: Bool, _ message: @autoclosure () -> String) throws {
    if !condition { throw Failure(description: message()) }
}

/// Runs `call`, which must throw an IotHubErrorsError of `kind`; returns the error.
@discardableResult
func expectError<T>(_ kind: String, _ call: () throws -> T) throws -> IotHubErrorsError {
    do {
        _ = try call()
    } catch let error as IotHubErrorsError {
        try expect(error.kind() == kind, "expected \(kind), got \(error.kind()) (\(error))")
        return error
    }
    throw Failure(description: "expected an IotHubErrorsError of kind \(kind), nothing was thrown")
}

// MARK: conformance (the same keys as core/tests/conformance.rs)

func unescape(_ text: String) -> String {
    var out = ""
    var escaped = false
    for c in text {
        if escaped {
            switch c {
            case "t": out.append("\t")
            case "n": out.append("\n")
            case "0": out.append("\u{0}")
            default: out.append(c)
            }
            escaped = false
        } else if c == "\\" {
            escaped = true
        } else {
            out.append(c)
        }
    }
    return out
}

func number(_ value: UInt32?) -> String { value.map { String($0) } ?? "none" }

/// The family as the JSON gives it, its title ("4001xx Routing"), to the prefix the cases name ("4001").
func familyPrefix(_ title: String?) -> String {
    guard let word = title?.split(separator: " ").first else { return "none" }
    return String(word.prefix { $0 != "x" })
}

func classificationFields(_ c: Classification) -> [String: String] {
    return [
        "code": number(c.code), "name": c.name ?? "none", "known": String(c.known), "class": c.errorClass.id(),
        "family": familyPrefix(c.family), "transient": String(c.transient), "retry": c.retry.kind(),
        "actor": c.actor.id(), "severity": c.severity.id(),
        "http_status": c.httpStatus.map { String($0) } ?? "none",
    ]
}

func entryFields(_ e: Entry) -> [String: String] {
    return [
        "code": number(e.code), "name": e.name, "known": "true", "class": e.errorClass.id(),
        "family": familyPrefix(e.family), "transient": String(e.transient), "retry": e.retry.kind(),
        "actor": e.actor.id(), "severity": e.severity.id(),
        "http_status": e.httpStatus.map { String($0) } ?? "none",
    ]
}

func run(_ op: String, _ input: String) throws -> [String: String] {
    do {
        // Text no Int64 can hold is an invalid code before any call, as in the Rust runner.
        let code = Int64(input.trimmingCharacters(in: .whitespacesAndNewlines))
        switch op {
        case "lookup":
            guard let code = code else { return ["error": "invalid-code"] }
            return entryFields(try lookup(code: code))
        case "classify":
            guard let code = code else { return ["error": "invalid-code"] }
            return classificationFields(try classify(code: code))
        case "by_name":
            return entryFields(try byName(name: input))
        case "resolve":
            let resolution = try resolve(text: input)
            var fields = classificationFields(resolution.classification)
            fields["matched"] = resolution.matchedBy.id()
            return fields
        case "search":
            let hits = try search(query: input)
            var fields = ["top3": hits.prefix(3).map { $0.entry.name }.joined(separator: ",")]
            if let top = hits.first { fields["top"] = top.entry.name }
            return fields
        case "scan":
            let findings = try scan(text: input)
            let first = findings.first
            return [
                "count": String(findings.count), "code": number(first?.code), "name": first?.name ?? "none",
                "evidence": first?.evidence.id() ?? "none", "service": first?.service.id() ?? "none",
            ]
        default:
            throw Failure(description: "unknown op \(op)")
        }
    } catch let error as IotHubErrorsError {
        return ["error": error.kind()]
    }
}

func conformance() throws {
    let text = try String(contentsOf: root.appendingPathComponent("testdata/conformance.tsv"), encoding: .utf8)
    var cases = 0
    for (index, line) in text.components(separatedBy: "\n").enumerated() {
        if line.isEmpty || line.hasPrefix("#") { continue }
        cases += 1
        let columns = line.components(separatedBy: "\t")
        guard columns.count == 3 else { throw Failure(description: "line \(index + 1): \(columns.count) columns") }
        let input = unescape(columns[1])
        let actual = try run(columns[0], input)
        var failure: String? = nil
        for pair in columns[2].components(separatedBy: ";") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            let (key, want) = (parts[0], parts.count > 1 ? parts[1] : "")
            var got = actual[key]
            if key == "top3" {
                got = (got ?? "").components(separatedBy: ",").contains(want) ? want : nil
            }
            if got != want {
                failure = "line \(index + 1): \(columns[0])(\(input.prefix(80))): \(key) expected \(want), got \(actual[key] ?? "nil")"
                break
            }
        }
        if let failure = failure { failures.append(failure) } else { passed += 1 }
    }
    print("conformance: \(cases) cases")
    try expect(cases >= 300, "only \(cases) cases")
}

// MARK: typed errors and hostile inputs

func typedErrors() {
    test("unknown code") {
        let error = try expectError("unknown-code") { try lookup(code: 400999) }
        guard case .UnknownCode(let code) = error else { throw Failure(description: "\(error)") }
        try expect(code == 400999, "code \(code)")
    }
    test("negative and huge integers are invalid-code") {
        for code: Int64 in [-1, -401003, Int64.min, Int64.max, 4_294_967_296, 0] {
            try expectError("invalid-code") { try lookup(code: code) }
            try expectError("invalid-code") { try classify(code: code) }
        }
        try expectError("invalid-code") { try parseErrorBody(body: "{\"errorCode\":404001}", httpStatus: -1) }
    }
    test("empty, too long and 50 MB inputs") {
        try expectError("empty-input") { try byName(name: "") }
        for query in ["!!!", "", "the d"] {
            try expect(try search(query: query).isEmpty, "search(\"\(query)\") has no hits")
        }
        try expectError("input-too-long") { try byName(name: String(repeating: "x", count: 4097)) }
        let huge = String(repeating: "a", count: 50 * 1024 * 1024)
        try expectError("input-too-long") { try resolve(text: huge) }
        try expect(try scan(text: huge + " error code 404001").count == 1, "scan of 50 MB")
    }
    test("NUL characters") {
        try expectError("unknown-name") { try resolve(text: "\u{0}") }
        try expect(try scan(text: "\u{0}\u{0}").isEmpty, "findings in NULs")
    }
    test("not an error body, and a description") {
        try expectError("not-an-error-body") { try parseErrorBody(body: "hello") }
        let error = try expectError("unknown-name") { try byName(name: "Nope") }
        try expect(error.description == "no IoT Hub error is called \"Nope\"", error.description)
    }
}

// MARK: diagnosis of a sample log (testdata/logs/EXPECTED.md)

func diagnosis() {
    test("mass-disconnect.eventhub.json") {
        let data = try Data(contentsOf: root.appendingPathComponent("testdata/logs/mass-disconnect.eventhub.json"))
        let diagnoser = Diagnoser()
        var start = 0
        while start < data.count {
            let end = min(start + 13, data.count)
            diagnoser.pushBytes(chunk: data.subdata(in: start..<end))
            start = end
        }
        let report = try diagnoser.finish()
        try expect(report.summary.recordsRead == 26, "records \(report.summary.recordsRead)")
        let mass = report.findings.filter { $0.kind == .massDisconnect }
        try expect(mass.count == 1 && mass[0].devices.count == 11, "mass \(mass)")
        try expect(mass[0].codes == [404104, 500001, 500008], "codes \(mass[0].codes)")
        let link = report.findings.filter { $0.kind == .linkConflictSideEffect }
        try expect(link.count == 1 && link[0].devices == ["meter-004"], "link \(link)")
        try expect(link[0].details.rootCause == "mass-disconnect", "root cause")
        try expect(report.findings.count == 2, "findings \(report.findings.count)")
    }
    test("fleet-site-outage.jsonl: per-device patterns come grouped") {
        let text = try String(contentsOf: root.appendingPathComponent("testdata/logs/fleet-site-outage.jsonl"), encoding: .utf8)
        let report = try diagnoseText(text: text)
        let offline = report.findings.filter { $0.kind == .deviceOffline }
        try expect(offline.count == 1 && offline[0].devices == ["shelf-01", "shelf-02", "shelf-03", "shelf-04"], "offline \(offline)")
        try expect(offline[0].title.hasPrefix("4 devices: "), offline[0].title)
        let network = report.findings.filter { $0.kind == .networkDisconnect }
        try expect(network.count == 1 && network[0].devices == ["dock-1", "dock-2", "dock-3"] && network[0].count == 6, "network \(network)")
        let top = network[0].details.topOffenders.map { "\($0.device) \($0.count)" }
        try expect(top == ["dock-1 3", "dock-3 2", "dock-2 1"], "top offenders \(top)")
        try expect(report.findings.count == 3, "findings \(report.findings.count)")
    }
}

// MARK: resolve(error:) (the hand-written bindings/uniffi/swift/IotHubErrorsResolve.swift)

func resolveErrors() {
    test("resolve(error:) reads the NSUnderlyingErrorKey chain: the hub's body beneath an app error") {
        let body = "{\"errorCode\":404001,\"trackingId\":\"191306c3cfda487ebe0988aa7663fb0f-G:10-TimeStamp:05/21/2020 "
            + "20:14:49\",\"message\":\"Device sensor-12 could not be found\"}"
        let hub = NSError(domain: "IotHubService", code: 404, userInfo: [NSLocalizedDescriptionKey: body])
        let app = NSError(domain: "MyApp.Registry", code: 1, userInfo: [
            NSLocalizedDescriptionKey: "Could not read the device", NSUnderlyingErrorKey: hub,
        ])
        let facts = errorFacts(of: app)
        try expect(facts.chain?.count == 2, "chain \(String(describing: facts.chain))")
        try expect(facts.frames == ["MyApp.Registry", "IotHubService"], "domains \(String(describing: facts.frames))")
        let finding = resolve(error: app)
        try expect(finding?.code == 404001, "code \(String(describing: finding?.code))")
        try expect(finding?.trackingId == "191306c3cfda487ebe0988aa7663fb0f", "tracking id")
        try expect(finding?.gateway == "10", "gateway")
    }
    test("resolve(error:) gives no hub code for a network error") {
        try expect(resolve(error: URLError(.cannotFindHost))?.code == nil, "URLError")
    }
    test("resolve(error:) stops at a cycle-free depth of 8") {
        var error = NSError(domain: "Inner", code: 0, userInfo: [NSLocalizedDescriptionKey: "innermost"])
        for level in 1...12 {
            error = NSError(domain: "Level\(level)", code: level, userInfo: [NSUnderlyingErrorKey: error])
        }
        try expect(errorFacts(of: error).chain?.count == 8, "chain of 13 read as 8")
    }
}

test("conformance", conformance)
typedErrors()
diagnosis()
resolveErrors()
for failure in failures { print("FAIL \(failure)") }
print("swift: \(passed) passed, \(failures.count) failed")
exit(failures.isEmpty ? 0 : 1)
