//! The uniffi code generator, at the exact uniffi version of the workspace.

fn main() {
    uniffi::uniffi_bindgen_main()
}
