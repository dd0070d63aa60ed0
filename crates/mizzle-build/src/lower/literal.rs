//! Literal defaults, default functions and foreign key actions: does the value fit the column?

use crate::ast::Literal;
use crate::diag::{Diagnostic, Sp, Span};
use crate::naming::{did_you_mean, quote_str};

use super::*;

pub(super) fn lower_literal(
    d: &Sp<Literal>,
    ty: ColumnType,
    e: Option<&EnumDef>,
    errs: &mut Vec<Diagnostic>,
) -> Option<String> {
    literal_sql(d, ty, e).map_err(|diag| errs.push(diag)).ok()
}

pub(super) fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// The SQL text of a literal default, or why it does not fit the column.
pub(super) fn literal_sql(
    d: &Sp<Literal>,
    ty: ColumnType,
    e: Option<&EnumDef>,
) -> Result<String, Diagnostic> {
    let mismatch = |want: &str| {
        Diagnostic::error(
            format!(
                "`default` is {}, but this is {} {} column",
                d.value.kind(),
                article(ty.name()),
                ty.name()
            ),
            &d.span,
            format!("expected {want}"),
        )
    };
    Ok(match (&d.value, ty) {
        (
            Literal::Int(i),
            ColumnType::Integer | ColumnType::Timestamp | ColumnType::TimestampMs,
        ) => i.to_string(),
        (Literal::Int(i), ColumnType::Real) => format!("{i}.0"),
        (Literal::Float(f), ColumnType::Real) => format!("{f:?}"),
        (Literal::Bool(b), ColumnType::Boolean) => (if *b { "1" } else { "0" }).to_owned(),
        (Literal::Str(s), _) if s.contains('\0') => return Err(nul_in_text(&d.span, "a default")),
        (Literal::Str(s), ColumnType::Text) => quote_str(s),
        (Literal::Str(s), ColumnType::Json) => {
            if serde_json::from_str::<serde_json::Value>(s).is_err() {
                return Err(Diagnostic::error(
                    "the default of a json column must be JSON text",
                    &d.span,
                    "not valid JSON",
                )
                .help("e.g. `default = \"[]\"` or `default = \"{}\"`"));
            }
            quote_str(s)
        }
        (Literal::Str(s), ColumnType::Enum) => {
            // An enum without values was reported already.
            let Some(e) = e else { return Ok(quote_str(s)) };
            if !e.values.contains(s) {
                let d = Diagnostic::error(
                    format!("default \"{s}\" is not one of the enum's values"),
                    &d.span,
                    "not a value",
                );
                return Err(match did_you_mean(s, e.values.iter().map(String::as_str)) {
                    Some(v) => d.help(format!("did you mean \"{v}\"?")),
                    None => d.help(format!("the values are: {}", e.values.join(", "))),
                });
            }
            quote_str(s)
        }
        (_, ColumnType::Integer) => return Err(mismatch("an integer")),
        (_, ColumnType::Real) => return Err(mismatch("a number")),
        (_, ColumnType::Boolean) => return Err(mismatch("`true` or `false`")),
        (_, ColumnType::Text | ColumnType::Json | ColumnType::Enum) => {
            return Err(mismatch("a string"));
        }
        (_, ColumnType::Timestamp | ColumnType::TimestampMs) => {
            return Err(mismatch("an integer (epoch)")
                .help("for the current time use `default_fn = \"now\"` or `default_sql = \"(unixepoch())\"`"));
        }
        (_, ColumnType::Blob) => {
            return Err(mismatch("nothing: blobs take `default_sql`")
                .help("e.g. `default_sql = \"(x'')\"`"));
        }
    })
}

/// SQLite's text literals end at a NUL byte: a default or enum value with one would be cut.
pub(super) fn nul_in_text(span: &Span, what: &str) -> Diagnostic {
    Diagnostic::error(
        format!("{what} cannot contain a NUL character (\\u0000)"),
        span,
        "contains NUL",
    )
    .help("SQLite's SQL text ends a literal at NUL; remove it (values with NUL can still be inserted, bound as parameters)")
}

pub(super) fn lower_fn(
    f: &Sp<String>,
    ty: ColumnType,
    key: &str,
    errs: &mut Vec<Diagnostic>,
) -> Option<DefaultFn> {
    let Some(func) = DefaultFn::ALL
        .iter()
        .find(|(n, _)| *n == f.value)
        .map(|(_, v)| *v)
    else {
        let names = DefaultFn::ALL.map(|(n, _)| n);
        let d = Diagnostic::error(
            format!("unknown {key} \"{}\"", f.value),
            &f.span,
            "unknown function",
        );
        errs.push(match did_you_mean(&f.value, names) {
            Some(s) => d.help(format!("did you mean \"{s}\"?")),
            None => d.help(format!("the functions are: {}", names.join(", "))),
        });
        return None;
    };
    let ok = match func {
        DefaultFn::Now => matches!(ty, ColumnType::Timestamp | ColumnType::TimestampMs),
        DefaultFn::UuidV4 | DefaultFn::Cuid2 => ty == ColumnType::Text,
    };
    if !ok {
        let want = if func == DefaultFn::Now {
            "timestamp or timestamp_ms"
        } else {
            "text"
        };
        errs.push(Diagnostic::error(
            format!("{key} \"{}\" on a {} column", f.value, ty.name()),
            &f.span,
            format!("needs a {want} column"),
        ));
        return None;
    }
    Some(func)
}

pub(super) fn lower_action(a: &Sp<String>, errs: &mut Vec<Diagnostic>) -> Option<FkAction> {
    let norm = a.value.to_lowercase().replace('_', " ");
    if let Some((_, act)) = FkAction::ALL.iter().find(|(n, _)| *n == norm) {
        return Some(*act);
    }
    let names = FkAction::ALL.map(|(n, _)| n);
    let d = Diagnostic::error(
        format!("unknown foreign key action \"{}\"", a.value),
        &a.span,
        "unknown action",
    );
    errs.push(match did_you_mean(&norm, names) {
        Some(s) => d.help(format!("did you mean \"{s}\"?")),
        None => d.help(format!("the actions are: {}", names.join(", "))),
    });
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::FileId;

    fn lit(v: Literal) -> Sp<Literal> {
        Sp::new(v, Span::new(FileId::default(), 0..0))
    }

    #[test]
    fn literals_render_as_sql_of_their_column_type() {
        let sql = |v, ty| literal_sql(&lit(v), ty, None);
        assert_eq!(sql(Literal::Int(3), ColumnType::Real).unwrap(), "3.0");
        assert_eq!(sql(Literal::Bool(true), ColumnType::Boolean).unwrap(), "1");
        assert_eq!(
            sql(Literal::Str("it's".into()), ColumnType::Text).unwrap(),
            "'it''s'"
        );
        assert!(sql(Literal::Str("x".into()), ColumnType::Integer).is_err());
        assert!(sql(Literal::Str("{".into()), ColumnType::Json).is_err());
        assert!(sql(Literal::Str("a\0b".into()), ColumnType::Text).is_err());
    }

    #[test]
    fn functions_and_actions_are_checked() {
        let s = |v: &str| Sp::new(v.to_owned(), Span::new(FileId::default(), 0..0));
        let mut errs = Vec::new();
        assert_eq!(
            lower_fn(&s("now"), ColumnType::Timestamp, "default_fn", &mut errs),
            Some(DefaultFn::Now)
        );
        assert_eq!(
            lower_fn(&s("now"), ColumnType::Text, "default_fn", &mut errs),
            None
        );
        assert_eq!(
            lower_action(&s("SET_NULL"), &mut errs),
            Some(FkAction::SetNull)
        );
        assert_eq!(lower_action(&s("explode"), &mut errs), None);
        assert_eq!(errs.len(), 2);
    }
}
