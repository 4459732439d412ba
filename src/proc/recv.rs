//! Receive (chapter 5).
