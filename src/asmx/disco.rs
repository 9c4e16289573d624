//! The `?disco` discovery document.

pub fn document(base: &str) -> String {
    format!("<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<!-- {base}/srv.asmx -->")
}
