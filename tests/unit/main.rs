//! In-process tests, no process spawned but the generated-files check's: the tokenizer and its
//! fuzzing, procedures on virtual time, and generated completions and man pages.
//! One binary for the group, so `cargo test` builds and links less.

#[path = "../support/mod.rs"]
mod support;

mod fuzz_parsers;
mod generated;
mod tokenizer;
mod tokenizer_ctx;
mod virtual_time;
