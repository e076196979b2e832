//! Invariants of the tree that `cargo test` checks (as rust-analyzer's `tidy` does), so that breaking one fails
//! the ordinary test run and not only `cargo xtask ci`.

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    /// What the core may depend on, and why. Anything else needs a reason here first.
    const CORE_DEPENDENCIES: [(&str, &str); 4] = [
        ("serde", "every public type serializes; the bindings' types are generated from its shape"),
        ("memchr", "vectorised byte search for the scanner and the log readers"),
        ("schemars", "optional, feature `schema` only: the JSON Schema `cargo xtask codegen` reads"),
        ("serde_json", "optional, feature `schema` only: assembling that schema document"),
    ];

    /// Dependencies the core may have only behind the `schema` feature (never in a binding's build).
    const SCHEMA_ONLY: [&str; 2] = ["schemars", "serde_json"];

    fn core_manifest() -> toml::Table {
        let path = crate::workspace_root().join("core/Cargo.toml");
        std::fs::read_to_string(&path).unwrap().parse().unwrap()
    }

    #[test]
    fn core_depends_only_on_allowed_crates() {
        let manifest = core_manifest();
        let dependencies = manifest["dependencies"].as_table().unwrap();
        let allowed: BTreeSet<&str> = CORE_DEPENDENCIES.iter().map(|(name, _)| *name).collect();
        let unexpected: Vec<&String> =
            dependencies.keys().filter(|name| !allowed.contains(name.as_str())).collect();
        assert!(unexpected.is_empty(), "core/Cargo.toml: {unexpected:?} not in CORE_DEPENDENCIES (tidy.rs)");
        for name in ["pyo3", "wasm-bindgen", "uniffi", "js-sys", "serde-wasm-bindgen"] {
            assert!(!dependencies.contains_key(name), "the core must not depend on the binding crate {name}");
        }
    }

    #[test]
    fn schema_dependencies_are_optional_and_feature_gated() {
        let manifest = core_manifest();
        let dependencies = manifest["dependencies"].as_table().unwrap();
        for name in SCHEMA_ONLY {
            let optional = dependencies.get(name).and_then(|d| d.get("optional")).and_then(|o| o.as_bool());
            assert_eq!(optional, Some(true), "core dependency {name} must be optional");
        }
        let default = manifest["features"].get("default").and_then(|d| d.as_array()).map_or(0, Vec::len);
        assert_eq!(default, 0, "the core has no default features: bindings build it bare");
    }

    #[test]
    fn no_binding_turns_the_schema_feature_on() {
        let root = crate::workspace_root();
        for binding in ["bindings/cli", "bindings/wasm", "bindings/python", "bindings/uniffi"] {
            let manifest = std::fs::read_to_string(root.join(binding).join("Cargo.toml")).unwrap();
            assert!(!manifest.contains("\"schema\""), "{binding} must not enable the core's schema feature");
        }
    }
}
