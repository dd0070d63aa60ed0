//! Two random valid schemas → migration → replay on a database with rows: refused with a
//! reason, or rolled back on a constraint the new schema adds, or every row kept.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(e) = mizzle_build::fuzzing::evolution(data) {
        panic!("{e}");
    }
});
