//! Diagnostics in rustc's style: file:line:col, the source line, a caret, and a hint.

use std::fmt;
use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term;

/// Index of a source file in a [`Sources`].
pub type FileId = usize;

/// Where something is: a file and a byte range in it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Span {
    /// The file.
    pub file: FileId,
    /// Byte range.
    pub range: Range<usize>,
}

impl Span {
    /// A span.
    pub fn new(file: FileId, range: Range<usize>) -> Self {
        Span { file, range }
    }
}

/// Where an IR item was written in the schema (its name in the TOML). Equality ignores
/// it, so two schemas that differ only in layout compare equal.
#[derive(Debug, Clone, Default)]
pub struct Origin(pub Option<Span>);

impl PartialEq for Origin {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Origin {
    /// An error at this origin, or a bare one when there is none.
    pub fn error(&self, message: impl Into<String>, label: impl Into<String>) -> Diagnostic {
        match &self.0 {
            Some(span) => Diagnostic::error(message, span, label),
            None => Diagnostic::bare(message),
        }
    }
}

/// A value with the span it came from. Equality ignores the span.
#[derive(Debug, Clone)]
pub struct Sp<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub span: Span,
}

impl<T: PartialEq> PartialEq for Sp<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T> Sp<T> {
    /// Wraps a value.
    pub fn new(value: T, span: Span) -> Self {
        Sp { value, span }
    }
}

/// The source files diagnostics point into.
#[derive(Default)]
pub struct Sources {
    files: SimpleFiles<String, String>,
}

impl Sources {
    /// Adds a file (`name` as it should be shown, e.g. `schema/users.toml`).
    pub fn add(&mut self, name: impl Into<String>, source: impl Into<String>) -> FileId {
        self.files.add(name.into(), source.into())
    }

    /// A file's text.
    pub fn source(&self, id: FileId) -> &str {
        self.files
            .get(id)
            .map(|f| f.source().as_str())
            .unwrap_or("")
    }

    /// A file's display name.
    pub fn name(&self, id: FileId) -> &str {
        self.files.get(id).map(|f| f.name().as_str()).unwrap_or("")
    }
}

/// One problem: what is wrong, where, and what to do about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// What is wrong.
    pub message: String,
    /// The main place, with a short label.
    pub primary: Option<(Span, String)>,
    /// Related places ("first defined here").
    pub secondary: Vec<(Span, String)>,
    /// What to do about it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error at `span`.
    pub fn error(message: impl Into<String>, span: &Span, label: impl Into<String>) -> Self {
        Diagnostic {
            message: message.into(),
            primary: Some((span.clone(), label.into())),
            secondary: Vec::new(),
            help: None,
        }
    }

    /// An error with no source location (e.g. a file that cannot be read).
    pub fn bare(message: impl Into<String>) -> Self {
        Diagnostic {
            message: message.into(),
            primary: None,
            secondary: Vec::new(),
            help: None,
        }
    }

    /// Adds a hint.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The diagnostic on one line, for a cargo warning: `file:line:col: message (help: …)`.
    pub fn one_line(&self, sources: &Sources) -> String {
        let mut out = String::new();
        if let Some((span, _)) = &self.primary {
            let text = sources.source(span.file);
            let before = &text[..span.range.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
            out.push_str(&format!("{}:{line}:{col}: ", sources.name(span.file)));
        }
        out.push_str(&self.message);
        if let Some(h) = &self.help {
            out.push_str(&format!(" (help: {h})"));
        }
        out
    }

    /// Adds a related place.
    pub fn also(mut self, span: &Span, label: impl Into<String>) -> Self {
        self.secondary.push((span.clone(), label.into()));
        self
    }
}

/// A failed build: the diagnostics and the sources to render them against.
pub struct Report {
    /// Rendered text, as printed by `build()`.
    rendered: String,
    /// The diagnostics.
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    /// Renders `diagnostics` against `sources`.
    pub fn new(sources: &Sources, diagnostics: Vec<Diagnostic>) -> Self {
        let mut out = String::new();
        let config = term::Config {
            chars: term::Chars::ascii(),
            ..term::Config::default()
        };
        for d in &diagnostics {
            let mut cs = CsDiagnostic::error().with_message(&d.message);
            let mut labels = Vec::new();
            if let Some((span, label)) = &d.primary {
                labels.push(Label::primary(span.file, span.range.clone()).with_message(label));
            }
            for (span, label) in &d.secondary {
                labels.push(Label::secondary(span.file, span.range.clone()).with_message(label));
            }
            cs = cs.with_labels(labels);
            if let Some(h) = &d.help {
                cs = cs.with_notes(vec![format!("help: {h}")]);
            }
            // Rendering into memory only fails on a span outside its file, which would be
            // a bug in mizzle; fall back to the plain message rather than panic.
            if term::emit_to_string(&mut out, &config, &sources.files, &cs).is_err() {
                out.push_str(&format!("error: {}\n", d.message));
            }
        }
        let n = diagnostics.len();
        let mut rendered = out;
        rendered.push_str(&format!(
            "error: mizzle found {n} problem{}\n",
            if n == 1 { "" } else { "s" }
        ));
        Report {
            rendered,
            diagnostics,
        }
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rendered)
    }
}

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rendered)
    }
}

impl std::error::Error for Report {}
