//! Gadgets.
