//! CSV text as the `csv` crate should see it: every line end outside a quoted cell made `\n`,
//! and a quoted cell that is never closed made an error.
//!
//! - The `csv` crate counts lines by `\n` bytes and, after a `\r\n` line end, reports each later
//!   record one line too low (BurntSushi/rust-csv#395, open); a file of `\r`-only line ends (old
//!   Mac "CSV") is all on line 1. Excel on Windows ends lines with `\r\n`. So `\r\n` and a lone
//!   `\r` become `\n` before the parser sees them — inside a quoted cell too, where a lone `\r`
//!   would otherwise be a line the parser does not count (a cell's text holds `\n` line ends
//!   whatever the file's).
//! - A quoted cell that is never closed runs to the end of the file, swallowing every row after
//!   it, which the `csv` crate reads as one last cell without complaint. Here it is an error
//!   naming the line the quote opened on ([`UnclosedQuote`]).
//!
//! The quoting rules are the `csv` crate's defaults: `,` between cells, a `"` opens a quoted cell
//! only at the start of a cell, `""` inside one is a quote.

use std::fmt;
use std::io::{self, Read};

/// Where the reader is in the CSV grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// At the start of a cell (where a `"` opens a quoted cell).
    CellStart,
    /// Inside a cell that is not quoted.
    Unquoted,
    /// Inside a quoted cell.
    Quoted,
    /// Just after a `"` inside a quoted cell: it closes the cell unless another `"` follows.
    QuoteInQuoted,
}

/// A quoted cell that is never closed: the error of the read that reaches the end of the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnclosedQuote {
    /// The 1-based line the quote opened on.
    pub line: u64,
}

impl fmt::Display for UnclosedQuote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the quoted cell opened on line {} is never closed (a `\"` is missing): it would take \
             in every row after it",
            self.line
        )
    }
}

impl std::error::Error for UnclosedQuote {}

/// CSV text with its line ends made `\n` and unclosed quotes found (see the module docs).
#[derive(Debug)]
pub struct CsvText<R> {
    inner: R,
    state: State,
    /// Whether the byte before was a `\r` made `\n` (a `\n` right after it is dropped).
    after_cr: bool,
    /// The line of the next byte.
    line: u64,
    /// The line the open quoted cell started on.
    quote_line: u64,
    /// Whether nothing has been read yet: a byte-order mark is passed on (the `csv` crate
    /// drops it) but is not a cell's start.
    at_start: bool,
}

impl<R: Read> CsvText<R> {
    /// CSV text read from `inner` (UTF-8, or any encoding where `"`, `,`, `\r` and `\n` are
    /// those bytes only: UTF-8 text out of a decoder).
    pub fn new(inner: R) -> Self {
        CsvText {
            inner,
            state: State::CellStart,
            after_cr: false,
            line: 1,
            quote_line: 1,
            at_start: true,
        }
    }

    /// Rewrites `buf` in place; returns the length of the text kept.
    fn rewrite(&mut self, buf: &mut [u8]) -> usize {
        let mut from = 0;
        if std::mem::take(&mut self.at_start) && buf.starts_with(b"\xEF\xBB\xBF") {
            from = 3;
        }
        // Most chunks of an export hold no quote and no `\r`: only their lines are counted.
        let rest = buf.get(from..).unwrap_or_default();
        if self.state != State::Quoted
            && !self.after_cr
            && memchr::memchr2(b'"', b'\r', rest).is_none()
        {
            self.line += memchr::memchr_iter(b'\n', rest).count() as u64;
            if let Some(&last) = rest.last() {
                self.state = match last {
                    b',' | b'\n' => State::CellStart,
                    _ => State::Unquoted,
                };
            }
            return buf.len();
        }
        let mut kept = from;
        for i in from..buf.len() {
            let Some(&b) = buf.get(i) else { break };
            let after_cr = std::mem::take(&mut self.after_cr);
            let out = match (self.state, b) {
                (State::Quoted, b'"') => {
                    self.state = State::QuoteInQuoted;
                    b
                }
                (State::Quoted, b'\n') if after_cr => continue,
                (State::Quoted, b'\r' | b'\n') => {
                    self.after_cr = b == b'\r';
                    self.line += 1;
                    b'\n'
                }
                (State::Quoted, _) => b,
                (_, b'\n') if after_cr => continue,
                (_, b'\r' | b'\n') => {
                    self.after_cr = b == b'\r';
                    self.state = State::CellStart;
                    self.line += 1;
                    b'\n'
                }
                (_, b',') => {
                    self.state = State::CellStart;
                    b
                }
                (State::CellStart, b'"') => {
                    self.state = State::Quoted;
                    self.quote_line = self.line;
                    b
                }
                (State::QuoteInQuoted, b'"') => {
                    self.state = State::Quoted;
                    b
                }
                _ => {
                    self.state = State::Unquoted;
                    b
                }
            };
            if let Some(slot) = buf.get_mut(kept) {
                *slot = out;
            }
            kept += 1;
        }
        kept
    }
}

impl<R: Read> Read for CsvText<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            let n = self.inner.read(buf)?;
            if n == 0 {
                if self.state == State::Quoted {
                    let e = UnclosedQuote {
                        line: self.quote_line,
                    };
                    return Err(io::Error::new(io::ErrorKind::InvalidData, e));
                }
                return Ok(0);
            }
            let kept = self.rewrite(buf.get_mut(..n).unwrap_or_default());
            // A chunk that was only the `\n` of a `\r\n` is not the end of the text.
            if kept > 0 {
                return Ok(kept);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `text` read through [`CsvText`], `chunk` bytes at a time.
    fn read(text: &[u8], chunk: usize) -> io::Result<String> {
        struct Chunks<'a>(&'a [u8], usize);
        impl Read for Chunks<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = self.0.len().min(self.1).min(buf.len());
                let (head, tail) = self.0.split_at(n);
                buf.get_mut(..n).unwrap_or_default().copy_from_slice(head);
                self.0 = tail;
                Ok(n)
            }
        }
        let mut out = String::new();
        CsvText::new(Chunks(text, chunk)).read_to_string(&mut out)?;
        Ok(out)
    }

    #[test]
    fn line_ends_become_newlines_outside_quoted_cells() {
        let text = b"a,b\r\n1,\"x\r\ny\"\r\n2,\"say \"\"hi\"\"\"\r3,z\n4,w\r\n";
        let want = "a,b\n1,\"x\ny\"\n2,\"say \"\"hi\"\"\"\n3,z\n4,w\n";
        for chunk in [1, 2, 3, 5, 64] {
            assert_eq!(
                read(text, chunk).ok().as_deref(),
                Some(want),
                "chunk {chunk}"
            );
        }
        // Plain `\n` text comes through untouched, quotes or not.
        let plain = "a,b\n1,\"x,y\"\n2,z\n";
        assert_eq!(read(plain.as_bytes(), 4).ok().as_deref(), Some(plain));
    }

    /// A file of `\r`-only line ends with a line end inside a quoted cell: the parser counts
    /// lines by `\n`, so the cell's `\r` must become one, or every later line is one too low (a
    /// data audit: a problem on line 63 was reported on line 61).
    #[test]
    fn line_ends_inside_quoted_cells_are_counted() {
        let text = b"a,b\r1,\"x\ry\"\r2,\"p\r\nq\"\r3,z\r";
        for chunk in [1, 2, 64] {
            let out = read(text, chunk).ok();
            assert_eq!(
                out.as_deref(),
                Some("a,b\n1,\"x\ny\"\n2,\"p\nq\"\n3,z\n"),
                "chunk {chunk}"
            );
            // The parser's line of `3,z` is the file's: 6.
            let out = out.unwrap_or_default();
            let before = &out[..out.find("3,z").unwrap_or_default()];
            assert_eq!(before.matches('\n').count() + 1, 6);
        }
    }

    #[test]
    fn after_a_byte_order_mark_a_quoted_header_still_opens() {
        let text = b"\xEF\xBB\xBF\"a\r\nb\",c\r\n1,2\r\n";
        assert_eq!(
            read(text, 64).ok().as_deref(),
            Some("\u{feff}\"a\nb\",c\n1,2\n")
        );
    }

    #[test]
    fn a_quote_inside_an_unquoted_cell_is_text() {
        let text = b"a,b\r\nsaid \"hi,2\r\n3,4\r\n";
        assert_eq!(
            read(text, 3).ok().as_deref(),
            Some("a,b\nsaid \"hi,2\n3,4\n")
        );
    }

    #[test]
    fn an_unclosed_quote_is_an_error_on_its_line() {
        let text = b"a,b\n1,\"x\n2,y\r\n3,z\n";
        for chunk in [1, 4, 64] {
            let e = read(text, chunk).err();
            let inner = e
                .as_ref()
                .and_then(|e| e.get_ref())
                .and_then(|e| e.downcast_ref::<UnclosedQuote>());
            assert_eq!(inner, Some(&UnclosedQuote { line: 2 }), "chunk {chunk}");
        }
        assert!(read(b"a,\"b\"\"\n", 64).is_err());
        assert!(read(b"a,\"b\"\"\"\n", 64).is_ok());
    }
}
