//! Example Worker: a small blog API on D1, written only against the generated API.
pub mod schema {
    //! The generated schema module.
    mizzle::include_schema!();
}
