//! The HTML help pages.

use crate::ops::Method;

pub fn service_page(base: &str) -> String {
    format!("<html><body>{base}/srv.asmx</body></html>")
}

pub fn operation_page(method: Method, base: &str) -> String {
    format!("<html><body>{base}/srv.asmx {}</body></html>", method.name)
}
