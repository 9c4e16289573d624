//! An answer as written before all of it is known: text, and elements whose children
//! ([`UserRows`]) are read only as the bytes go out. Whether such an element is empty
//! (` />`) or not (`>` … `</name>`) is decided by its first batch.

use super::xml::{self, Layout};
use crate::ops::{Node, OpError, Snapshot, UserRows};

/// A written answer: its pieces in order.
#[derive(Default)]
pub struct Doc {
    pieces: Vec<Piece>,
    /// The text after the last piece.
    text: String,
}

#[derive(Debug, Clone)]
pub enum Piece {
    Text(String),
    Rows(Lazy),
}

impl Doc {
    pub fn push_str(&mut self, text: &str) {
        self.text.push_str(text);
    }

    pub fn push(&mut self, c: char) {
        self.text.push(c);
    }

    /// The text being written, for the escaping helpers.
    pub fn text(&mut self) -> &mut String {
        &mut self.text
    }

    pub fn rows(&mut self, lazy: Lazy) {
        self.flush();
        self.pieces.push(Piece::Rows(lazy));
    }

    fn flush(&mut self) {
        if !self.text.is_empty() {
            self.pieces
                .push(Piece::Text(std::mem::take(&mut self.text)));
        }
    }

    /// The whole text when nothing is left to read, else the pieces.
    pub fn into_text(self) -> Result<String, Vec<Piece>> {
        if self.pieces.is_empty() {
            Ok(self.text)
        } else {
            Err(self.into_pieces())
        }
    }

    pub fn into_pieces(mut self) -> Vec<Piece> {
        self.flush();
        self.pieces
    }
}

/// An element whose start tag is written (without its `>`), with its rows to come.
#[derive(Debug, Clone)]
pub struct Lazy {
    rows: UserRows,
    name: &'static str,
    depth: usize,
    layout: Layout,
    /// Whether the start tag's `>` is written: it had children of its own, or a row.
    opened: bool,
}

impl Lazy {
    pub fn new(node: &Node, rows: UserRows, depth: usize, layout: Layout, opened: bool) -> Lazy {
        Lazy {
            rows,
            name: node.name,
            depth,
            layout,
            opened,
        }
    }

    /// Writes the next batch of rows, or after the last one the element's end; false
    /// once the element is complete.
    pub fn write_next(&mut self, out: &mut Doc, snapshot: &Snapshot) -> Result<bool, OpError> {
        let Some(batch) = self.rows.next_batch(snapshot)? else {
            xml::close(out.text(), self.name, self.depth, self.layout, self.opened);
            return Ok(false);
        };
        if !self.opened {
            out.push('>');
            self.opened = true;
        }
        for row in &batch {
            xml::child(out, row, self.depth + 1, self.layout);
        }
        Ok(true)
    }
}
