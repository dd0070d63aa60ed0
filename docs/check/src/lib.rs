//! The Rust blocks of README.md, docs/*.md and crates/*/README.md, compiled (see build.rs for how a block's
//! fence says what it is compiled against). Nothing here is meant to be called: a doc
//! example that stops compiling fails the build, naming its file and line.

include!(concat!(env!("OUT_DIR"), "/blocks.rs"));
