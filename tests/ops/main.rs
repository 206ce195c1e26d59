//! Op tests, one module per family.
