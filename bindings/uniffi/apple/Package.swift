// swift-tools-version:5.9
// The iothub-errors Swift bindings: the generated Swift sources over the Rust library in an XCFramework.
//
// Inputs, written by `cargo xtask mobile ios` on a Mac with Xcode (see ../README.md):
//   IotHubErrorsFFI.xcframework        static libraries for iOS devices and simulators, with the C header
//   Sources/IotHubErrors/IotHubErrors.swift   the generated Swift (module IotHubErrors)
//   Sources/IotHubErrors/IotHubErrorsResolve.swift   the hand-written resolve(error:) (from ../swift)
import PackageDescription

let package = Package(
    name: "IotHubErrors",
    platforms: [.iOS(.v13), .macOS(.v11)],
    products: [
        .library(name: "IotHubErrors", targets: ["IotHubErrors"]),
    ],
    targets: [
        .binaryTarget(name: "IotHubErrorsFFI", path: "IotHubErrorsFFI.xcframework"),
        .target(name: "IotHubErrors", dependencies: ["IotHubErrorsFFI"], path: "Sources/IotHubErrors"),
    ]
)
