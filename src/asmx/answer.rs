//! A method's answer on the wire. Most are written whole. A listing's rows are read
//! from a snapshot in batches, measured in one pass and sent in a second over the same
//! snapshot, so the answer carries an exact `Content-Length` as ASP.NET's buffered one
//! does while the server holds only a batch at a time.

use actix_web::error::BlockingError;
use actix_web::{web, HttpResponse};

use super::binding::{Binding, SoapVersion, XML_CONTENT_TYPE};
use super::envelope;
use super::response::ok_xml;
use super::streamed::{Chunks, Streamed};
use super::xml::{self, Doc};
use crate::ops::{self, Method, Node, OpError, Service, Snapshot};

/// An answer no longer than this is sent from memory after the first pass, without a
/// second.
const WHOLE_MAX: usize = 256 * 1024;

/// How a binding writes an answer: a GET/POST XML document, or a SOAP envelope.
#[derive(Debug, Clone, Copy)]
pub enum Shape {
    Document,
    Soap(SoapVersion, &'static str),
}

impl Shape {
    pub fn new(binding: Binding, method: Method) -> Shape {
        match binding {
            Binding::Soap(version) => Shape::Soap(version, method.name),
            Binding::Http(_) => Shape::Document,
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Shape::Document => XML_CONTENT_TYPE,
            Shape::Soap(version, _) => version.content_type(),
        }
    }

    fn write(self, node: &Node) -> Doc {
        match self {
            Shape::Document => xml::document(node),
            Shape::Soap(version, method) => envelope::response(version, method, node),
        }
    }

    /// The response for a node without rows (an in-band failure), written whole.
    pub fn whole(self, node: &Node) -> HttpResponse {
        let text = self.write(node).into_text().unwrap_or_default();
        ok_xml(self.content_type(), text)
    }
}

/// A method's XmlNode, and the snapshot its rows are read from when it has any.
pub struct Answer {
    pub node: Node,
    pub method: Method,
    pub snapshot: Option<Snapshot>,
}

impl Answer {
    /// The response. Rows come from the snapshot taken before the method ran or, when
    /// there was none, from one taken now. A failure before the first byte is answered
    /// in-band, as the method answers a store error; later, the connection is cut.
    pub async fn send(
        self,
        shape: Shape,
        service: &Service,
    ) -> Result<HttpResponse, BlockingError> {
        let pieces = match shape.write(&self.node).into_text() {
            Ok(text) => return Ok(ok_xml(shape.content_type(), text)),
            Err(pieces) => pieces,
        };
        let service = service.clone();
        let snapshot = self.snapshot;
        let measured = web::block(move || {
            let snapshot = snapshot.map_or_else(|| service.snapshot(), Ok)?;
            measure(Chunks::new(snapshot, pieces))
        })
        .await?;
        Ok(match measured {
            Ok(Measured::Whole(text)) => ok_xml(shape.content_type(), text),
            Ok(Measured::Sized(len, chunks)) => {
                ok_xml(shape.content_type(), Streamed::new(len, *chunks))
            }
            Err(error) => shape.whole(&ops::failed(self.method.root, error)),
        })
    }
}

enum Measured {
    Whole(String),
    /// The length, and the chunks rewound to send (boxed: they hold a connection).
    Sized(u64, Box<Chunks>),
}

/// The first pass: the answer's length, and the answer itself while it is small.
fn measure(mut chunks: Chunks) -> Result<Measured, OpError> {
    let mut len = 0;
    let mut whole = Some(String::new());
    while let Some(chunk) = chunks.next()? {
        len += chunk.len();
        whole = whole.filter(|_| len <= WHOLE_MAX).map(|w| w + &chunk);
    }
    Ok(match whole {
        Some(text) => Measured::Whole(text),
        None => {
            chunks.rewind();
            Measured::Sized(len as u64, Box::new(chunks))
        }
    })
}
