//! Schemas whose table, column, relation and enum names come from the probes' pool
//! (keywords, generated items, SQL keywords, Unicode): built or reported, never a panic,
//! never broken Rust.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(e) = mizzle_build::fuzzing::adversarial_names(data) {
        panic!("{e}");
    }
});
