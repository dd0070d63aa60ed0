//! TOML → IR → generated Rust (parsed with syn) → migration applied on SQLite: every input
//! is built or reported, never a panic, never broken Rust.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(e) = mizzle_build::fuzzing::front_end(data) {
        panic!("{e}");
    }
});
