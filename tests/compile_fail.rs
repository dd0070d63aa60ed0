//! Type errors the generated API turns into compile errors (trybuild).
#[test]
fn type_errors_do_not_compile() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
