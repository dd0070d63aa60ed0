//! Reading values that cross the JS boundary (D1 and Durable Object storage, wasm32).

use worker::js_sys::{Array, ArrayBuffer, Error as JsError, Uint8Array};
use worker::wasm_bindgen::{JsCast, JsValue};

use crate::error::{Error, Result};
use crate::sql::value::{MAX_SAFE_INTEGER, Value};

/// The text of a JS exception (D1's `D1_ERROR: …` messages are `Error`s).
pub(crate) fn js_message(e: &JsValue) -> String {
    e.dyn_ref::<JsError>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| format!("{e:?}"))
}

/// One cell as D1 hands it back: a JS number (an INTEGER when it is an exact integer, else
/// a REAL), a string, null, a boolean (0/1), or a blob (an array of byte values, or an
/// `ArrayBuffer`). Read straight from the JS value: no serde, no per-cell key.
pub(crate) fn cell(v: JsValue) -> std::result::Result<Value, String> {
    if v.is_null() || v.is_undefined() {
        return Ok(Value::Null);
    }
    if let Some(n) = v.as_f64() {
        return Ok(Value::from_js_number(n));
    }
    if let Some(s) = v.as_string() {
        return Ok(Value::Text(s));
    }
    if let Some(b) = v.as_bool() {
        return Ok(Value::Integer(i64::from(b)));
    }
    if Array::is_array(&v) {
        let bytes = Array::from(&v);
        let mut out = Vec::with_capacity(bytes.length() as usize);
        for b in bytes.iter() {
            match b.as_f64() {
                Some(n) if (0.0..=255.0).contains(&n) && n.fract() == 0.0 => out.push(n as u8),
                _ => return Err(format!("a blob holds {b:?}, not a byte")),
            }
        }
        return Ok(Value::Blob(out));
    }
    if v.is_instance_of::<ArrayBuffer>() || v.is_instance_of::<Uint8Array>() {
        return Ok(Value::Blob(Uint8Array::new(&v).to_vec()));
    }
    Err(format!("D1 returned a value mizzle cannot read: {v:?}"))
}

/// Decodes one `raw()` row (an array of cells) into `values`.
pub(crate) fn array_cells(row: &JsValue, values: &mut Vec<Value>, sql: &str) -> Result<()> {
    let cells = row.unchecked_ref::<Array>();
    values.clear();
    values.reserve(cells.length() as usize);
    for v in cells.iter() {
        values.push(cell(v).map_err(|m| Error::database(m, sql))?);
    }
    Ok(())
}

/// A value as a JS binding: integers as JS numbers (checked to be exact), blobs as
/// `Uint8Array`.
pub(crate) fn bind_value(v: &Value) -> Result<JsValue> {
    Ok(match v {
        Value::Null => JsValue::NULL,
        Value::Integer(i) if i.unsigned_abs() <= MAX_SAFE_INTEGER as u64 => {
            JsValue::from_f64(*i as f64)
        }
        Value::Integer(i) => return Err(Error::IntegerOutOfRange(*i)),
        Value::Real(r) => JsValue::from_f64(*r),
        Value::Text(s) => JsValue::from_str(s),
        Value::Blob(b) => Uint8Array::from(b.as_slice()).into(),
    })
}
