//! mizzle's derive macros. Use them through `mizzle` (`#[derive(mizzle::FromRow)]`); the
//! attributes are documented on `mizzle::FromRow`.

use proc_macro::TokenStream;
use proc_macro2::{Span, TokenStream as Tokens};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, GenericArgument, Ident, LitStr, Path, PathArguments, Type};

/// `#[derive(FromRow)]`: decodes a result row into your struct, each field from the column
/// of its name. See `mizzle::FromRow` for the attributes.
#[proc_macro_derive(FromRow, attributes(mizzle))]
pub fn derive_from_row(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as DeriveInput);
    match from_row(&input) {
        Ok(tokens) => tokens.into(),
        Err(e) => e.to_compile_error().into(),
    }
}

/// The struct's `#[mizzle(..)]`.
#[derive(Default)]
struct StructAttrs {
    /// `table = schema::posts`: each field is that table's column of its name.
    table: Option<Path>,
}

/// A field's `#[mizzle(..)]`.
#[derive(Default)]
struct FieldAttrs {
    /// `rename = "sql_name"`: the result column's name, when it is not the field's.
    rename: Option<LitStr>,
    /// `column = name`: with `table`, the table's column handle, when not the field's name.
    column: Option<Ident>,
    /// `sql = "timestamp_ms"`: the column's SQL type, in the schema's words.
    sql: Option<LitStr>,
    /// `default`: `Default::default()` when the result has no such column.
    default: bool,
    /// `skip`: never read; `Default::default()`.
    skip: bool,
}

fn struct_attrs(input: &DeriveInput) -> syn::Result<StructAttrs> {
    let mut attrs = StructAttrs::default();
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("mizzle")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("table") {
                attrs.table = Some(meta.value()?.parse()?);
                Ok(())
            } else {
                Err(meta.error(
                    "unknown `mizzle` attribute on a struct: the one there is `table = path::to::table_module`",
                ))
            }
        })?;
    }
    Ok(attrs)
}

fn field_attrs(field: &syn::Field) -> syn::Result<FieldAttrs> {
    let mut attrs = FieldAttrs::default();
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("mizzle")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                attrs.rename = Some(meta.value()?.parse()?);
            } else if meta.path.is_ident("column") {
                attrs.column = Some(meta.value()?.parse()?);
            } else if meta.path.is_ident("sql") {
                let lit: LitStr = meta.value()?.parse()?;
                if sql_marker(&lit.value()).is_none() {
                    return Err(syn::Error::new(
                        lit.span(),
                        format!(
                            "unknown SQL type {:?}: one of {}",
                            lit.value(),
                            SQL_TYPES.join(", ")
                        ),
                    ));
                }
                attrs.sql = Some(lit);
            } else if meta.path.is_ident("default") {
                attrs.default = true;
            } else if meta.path.is_ident("skip") {
                attrs.skip = true;
            } else {
                return Err(meta.error(
                    "unknown `mizzle` attribute on a field: one of `rename = \"…\"`, `column = name` (with the struct's `table`), `sql = \"…\"`, `default`, `skip`",
                ));
            }
            Ok(())
        })?;
    }
    Ok(attrs)
}

/// The schema's SQL types (docs/schema.md), as `sql = "…"` takes them.
const SQL_TYPES: [&str; 8] = [
    "integer",
    "real",
    "text",
    "blob",
    "boolean",
    "timestamp",
    "timestamp_ms",
    "json",
];

/// The marker type's name for a schema SQL type (`json` is `Json<T>`, built apart).
fn sql_marker(name: &str) -> Option<&'static str> {
    Some(match name {
        "integer" => "Integer",
        "real" => "Real",
        "text" => "Text",
        "blob" => "Blob",
        "boolean" => "Boolean",
        "timestamp" => "Timestamp",
        "timestamp_ms" => "TimestampMs",
        "json" => "Json",
        _ => return None,
    })
}

/// `T` when `ty` is spelled `Option<T>` (a nullable column's field).
fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(p) = ty else { return None };
    if p.qself.is_some() {
        return None;
    }
    let last = p.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first() {
        Some(GenericArgument::Type(t)) if args.args.len() == 1 => Some(t),
        _ => None,
    }
}

/// The SQL type a field named `sql = "…"` is read as: nullable when the field is an
/// `Option`.
fn named_sql_type(sql: &LitStr, ty: &Type) -> Tokens {
    let (inner, nullable) = match option_inner(ty) {
        Some(inner) => (inner, true),
        None => (ty, false),
    };
    let marker = Ident::new(sql_marker(&sql.value()).unwrap_or("Text"), sql.span());
    let base = if marker == "Json" {
        quote_spanned!(sql.span()=> ::mizzle::sql::Json<#inner>)
    } else {
        quote_spanned!(sql.span()=> ::mizzle::sql::#marker)
    };
    if nullable {
        quote_spanned!(sql.span()=> ::mizzle::sql::Nullable<#base>)
    } else {
        base
    }
}

fn from_row(input: &DeriveInput) -> syn::Result<Tokens> {
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new(
            Span::call_site(),
            "#[derive(FromRow)] is for structs with named fields (one per column)",
        ));
    };
    let Fields::Named(fields) = &data.fields else {
        return Err(syn::Error::new(
            data.fields.span(),
            "#[derive(FromRow)] reads columns by name, so it needs named fields; for values by position, select `.columns((a, b))`, which returns a tuple",
        ));
    };
    let attrs = struct_attrs(input)?;
    let name = &input.ident;
    let mut inits = Vec::new();
    for field in &fields.named {
        let ident = field.ident.as_ref().expect("named field");
        let fa = field_attrs(field)?;
        inits.push(field_init(name, ident, field, &fa, attrs.table.as_ref())?);
    }
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    Ok(quote! {
        impl #impl_generics ::mizzle::FromRow for #name #ty_generics #where_clause {
            fn from_row(row: ::mizzle::Row) -> ::mizzle::Result<Self> {
                let mut reader = row.named_reader();
                let reader = &mut reader;
                ::core::result::Result::Ok(Self {
                    #(#inits,)*
                })
            }
        }
    })
}

/// `field: <how it is read>`.
fn field_init(
    strukt: &Ident,
    ident: &Ident,
    field: &syn::Field,
    fa: &FieldAttrs,
    table: Option<&Path>,
) -> syn::Result<Tokens> {
    let ty = &field.ty;
    if fa.skip {
        if fa.rename.is_some() || fa.column.is_some() || fa.sql.is_some() || fa.default {
            return Err(syn::Error::new(
                ident.span(),
                "a `skip` field is never read: it takes no other `mizzle` attribute",
            ));
        }
        return Ok(quote_spanned!(ty.span()=> #ident: ::core::default::Default::default()));
    }
    let bare = ident.to_string();
    let bare = bare.strip_prefix("r#").unwrap_or(&bare);
    let label = format!("{strukt}.{bare}");
    let default = if fa.default {
        quote_spanned!(ty.span()=> ::core::option::Option::Some(<#ty as ::core::default::Default>::default as fn() -> #ty))
    } else {
        quote!(::core::option::Option::None)
    };
    if let Some(table) = table {
        if let Some(r) = &fa.rename {
            return Err(syn::Error::new(
                r.span(),
                "with the struct's `table`, name the column's handle: `column = name` (its Rust name), not `rename`",
            ));
        }
        if let Some(s) = &fa.sql {
            return Err(syn::Error::new(
                s.span(),
                "with the struct's `table`, the SQL type is the column's: leave `sql` out",
            ));
        }
        let column = fa.column.clone().unwrap_or_else(|| ident.clone());
        return Ok(quote_spanned! {ty.span()=>
            #ident: ::mizzle::__private::column::<_, _, #ty>(reader, #table::#column, #label, #default)?
        });
    }
    if let Some(c) = &fa.column {
        return Err(syn::Error::new(
            c.span(),
            "`column = …` names a column of the struct's `table = …`, which is missing; without a table, name the result column with `rename = \"…\"`",
        ));
    }
    let column = fa
        .rename
        .as_ref()
        .map_or_else(|| bare.to_owned(), LitStr::value);
    let sql = match &fa.sql {
        Some(sql) => named_sql_type(sql, ty),
        None => quote_spanned!(ty.span()=> <#ty as ::mizzle::DefaultSql>::Sql),
    };
    Ok(quote_spanned! {ty.span()=>
        #ident: ::mizzle::__private::field::<#sql, #ty>(reader, #column, #label, #default)?
    })
}
