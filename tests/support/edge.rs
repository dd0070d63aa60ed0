//! What each edge case of `api::EDGE_CASES` must do, on native SQLite and on local D1 alike:
//! round-trip exactly with the stored `typeof()`s given, or be refused before it is sent.

#![allow(dead_code)]

use mizzle_example::api::EdgeOutcome;

/// The expected outcome of an edge case.
pub enum Expect {
    /// Read back equal, with these non-NULL `typeof()`s (column, type).
    Exact(&'static [(usize, &'static str)]),
    /// Refused before sending, the error containing this text.
    Refused(&'static str),
    /// Stored and read back changed, as documented (e.g. -0.0 comes back 0.0).
    Changed,
}

/// Value columns in `typeof()` order.
pub const COLUMNS: [&str; 8] = [
    "int_v", "real_v", "text_v", "blob_v", "flag", "at", "at_ms", "doc",
];

pub fn expect(case: &str) -> Expect {
    use Expect::*;
    match case {
        "i64_max" | "i64_min" | "safe_max_plus_1" | "safe_min_minus_1" => Refused("2^53"),
        "nan" => Refused("NaN"),
        "inf" | "neg_inf" => Refused("inf"),
        "text_over_2mb" => Refused("over the limit of 2000000"),
        "row_over_limit" => Refused("the limit is 2200000 per row"),
        "row_two_large_values" => Exact(&[(2, "text"), (3, "blob")]),
        "json_too_deep" => Refused("deeper than 127"),
        "neg_zero" => Changed,
        "safe_max" | "safe_min" => Exact(&[(0, "integer")]),
        "real_tiny" | "real_huge" => Exact(&[(1, "real")]),
        "text_1mb" | "empty_text" | "unicode" | "text_with_nul" => Exact(&[(2, "text")]),
        "blob_1mb" | "empty_blob" => Exact(&[(3, "blob")]),
        "bool_true" | "bool_false" => Exact(&[(4, "integer")]),
        "before_1970" | "after_2100" => Exact(&[(5, "integer")]),
        "ms_before_1970" => Exact(&[(6, "integer")]),
        "json_deep_ok" => Exact(&[(7, "text")]),
        "null_text" => Exact(&[]),
        other => panic!("no expectation for edge case `{other}`"),
    }
}

/// Checks one outcome; returns what is wrong, if anything.
pub fn check(o: &EdgeOutcome) -> Option<String> {
    match expect(&o.case) {
        Expect::Refused(text) => match &o.error {
            Some(e) if e.contains(text) && o.types.is_empty() => None,
            _ => Some(format!(
                "{}: expected a refusal mentioning `{text}`, got {o:?}",
                o.case
            )),
        },
        Expect::Changed => (o.error.is_some() || o.exact)
            .then(|| format!("{}: expected stored and changed, got {o:?}", o.case)),
        Expect::Exact(types) => {
            if o.error.is_some() || !o.exact {
                return Some(format!(
                    "{}: expected an exact round trip, got {o:?}",
                    o.case
                ));
            }
            for (i, t) in o.types.iter().enumerate() {
                let want = types
                    .iter()
                    .find(|(c, _)| *c == i)
                    .map_or("null", |(_, t)| t);
                if t != want {
                    return Some(format!(
                        "{}: typeof({}) is {t}, expected {want}",
                        o.case, COLUMNS[i]
                    ));
                }
            }
            None
        }
    }
}
