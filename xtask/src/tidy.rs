//! Invariants of the tree that `cargo test` checks (as rust-analyzer's `tidy` does), so that breaking one fails
//! the ordinary test run and not only `cargo xtask ci`.

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    /// What the core's two crates (`core/`, `core/records/`) may depend on, and why. Anything else needs a
    /// reason here first.
    const CORE_DEPENDENCIES: [(&str, &str); 5] = [
        ("iothub-errors-records", "the core's log-record reader, a crate of its own only for its opt-level"),
        ("serde", "every public type serializes; the bindings' types are generated from its shape"),
        ("memchr", "vectorised byte search for the scanner and the log readers"),
        ("schemars", "optional, feature `schema` only: the JSON Schema `cargo xtask codegen` reads"),
        (
            "serde_json",
            "optional: feature `schema` (assembling that schema document) and `json` (diagnosis partials)",
        ),
    ];

    /// Dependencies the core may have only behind a feature (`schema`, never in a binding's build; `json`).
    const SCHEMA_ONLY: [&str; 2] = ["schemars", "serde_json"];

    /// The manifests of the core's crates: `iothub-errors` and its log-record reader.
    const CORE_MANIFESTS: [&str; 2] = ["core/Cargo.toml", "core/records/Cargo.toml"];

    fn manifest(path: &str) -> toml::Table {
        let path = crate::workspace_root().join(path);
        std::fs::read_to_string(&path).unwrap().parse().unwrap()
    }

    #[test]
    fn core_depends_only_on_allowed_crates() {
        let allowed: BTreeSet<&str> = CORE_DEPENDENCIES.iter().map(|(name, _)| *name).collect();
        for path in CORE_MANIFESTS {
            let manifest = manifest(path);
            let dependencies = manifest["dependencies"].as_table().unwrap();
            let unexpected: Vec<&String> =
                dependencies.keys().filter(|name| !allowed.contains(name.as_str())).collect();
            assert!(unexpected.is_empty(), "{path}: {unexpected:?} not in CORE_DEPENDENCIES (tidy.rs)");
            for name in ["pyo3", "wasm-bindgen", "uniffi", "js-sys", "serde-wasm-bindgen"] {
                assert!(
                    !dependencies.contains_key(name),
                    "{path} must not depend on the binding crate {name}"
                );
            }
        }
    }

    #[test]
    fn schema_dependencies_are_optional_and_feature_gated() {
        for path in CORE_MANIFESTS {
            let manifest = manifest(path);
            let dependencies = manifest["dependencies"].as_table().unwrap();
            for name in SCHEMA_ONLY.iter().filter(|name| dependencies.contains_key(**name)) {
                let optional = dependencies[*name].get("optional").and_then(|o| o.as_bool());
                assert_eq!(optional, Some(true), "{path}: dependency {name} must be optional");
            }
            let features = manifest["features"].as_table().unwrap();
            let default: Vec<&str> = features
                .get("default")
                .and_then(|d| d.as_array())
                .map_or(Vec::new(), |d| d.iter().filter_map(|f| f.as_str()).collect());
            for feature in default {
                assert_eq!(
                    feature, "diagnosis",
                    "{path}: the only default feature is `diagnosis`, so bindings build the core without the schema"
                );
                let enables = features[feature].as_array().unwrap();
                assert!(
                    enables.is_empty(),
                    "{path}: the default `diagnosis` feature enables no dependency: {enables:?}"
                );
            }
        }
    }

    #[test]
    fn the_catalog_module_builds_the_core_without_diagnosis() {
        let manifest = manifest("bindings/wasm/catalog/Cargo.toml");
        let core = &manifest["dependencies"]["iothub-errors"];
        assert_eq!(
            core.get("default-features").and_then(|d| d.as_bool()),
            Some(false),
            "the npm package's catalog module must leave out the core's `diagnosis` feature"
        );
        assert!(core.get("features").is_none(), "the catalog module turns on no core feature: {core}");
    }

    #[test]
    fn no_binding_turns_the_schema_feature_on() {
        let root = crate::workspace_root();
        for binding in
            ["bindings/cli", "bindings/wasm", "bindings/wasm/catalog", "bindings/python", "bindings/uniffi"]
        {
            let manifest = std::fs::read_to_string(root.join(binding).join("Cargo.toml")).unwrap();
            assert!(!manifest.contains("\"schema\""), "{binding} must not enable the core's schema feature");
            assert!(
                !manifest.contains("iothub-errors-records"),
                "{binding} must use the record reader through the core (`iothub_errors::logs`)"
            );
        }
    }
}
