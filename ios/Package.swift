// swift-tools-version:5.9
// The zkid Swift package: the `Zkid` library is the UniFFI-generated Swift API
// (Sources/Zkid, written by `cargo xtask bindings`) over the Rust static library, which ships
// as the binary target `zkid_ffiFFI` (ZkidFFI.xcframework, built by build-xcframework.sh on a
// macOS builder). The binary target's name is the C module the generated Swift imports.
import PackageDescription

let package = Package(
    name: "Zkid",
    platforms: [.iOS(.v13)],
    products: [
        .library(name: "Zkid", targets: ["Zkid"]),
    ],
    targets: [
        .binaryTarget(name: "zkid_ffiFFI", path: "ZkidFFI.xcframework"),
        .target(
            name: "Zkid",
            dependencies: ["zkid_ffiFFI"],
            path: "Sources/Zkid"
        ),
    ]
)
