//! Transparent mode (chapter 8).
