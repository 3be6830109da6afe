//! zkid UniFFI bindings (work in progress).
