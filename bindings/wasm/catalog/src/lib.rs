//! The catalog-only wasm module of the npm package `iothub-errors`, behind its entry `iothub-errors/catalog`.
//!
//! It exports the same catalog functions as the full module, from the same source file (`../src/catalog.rs`),
//! over the core built without its `diagnosis` feature: pages that only explain codes load this module and no
//! scanner, log reader or diagnosis. A crate of its own rather than a feature of `iothub-errors-wasm`, so that
//! cargo keeps both `.wasm` files built side by side instead of overwriting one with the other.

#[path = "../../src/catalog.rs"]
mod catalog;
