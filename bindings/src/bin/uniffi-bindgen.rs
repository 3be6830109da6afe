//! `uniffi-bindgen` at exactly the uniffi version the library is built with (library mode:
//! `uniffi-bindgen generate --library target/release/libzkid_ffi.so --language python
//! --out-dir out`). Built only with the `bindgen` feature.

fn main() {
    uniffi::uniffi_bindgen_main();
}
