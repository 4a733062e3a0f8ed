//! The text encoding of CSV data files. Exports are UTF-8, but a table saved from Excel on
//! Chinese-language Windows ("CSV", not "CSV UTF-8") is GBK: those are read with
//! `--encoding gb18030` (GB18030 is a superset of GBK and GB2312), decoded strictly as they are
//! read. JSON is always UTF-8 (RFC 8259).

use std::fmt;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use encoding_rs::{Decoder, DecoderResult, GB18030};

use super::csv_text::{CsvText, UnclosedQuote};
use super::open_file;
use crate::fail::{CliResult, Failure};

/// The encoding of CSV data files.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Encoding {
    /// UTF-8 (with or without a byte-order mark).
    #[default]
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
    /// GB18030, which covers GBK and GB2312 (a UTF-8 byte-order mark still means UTF-8).
    #[value(name = "gb18030", alias = "gbk")]
    Gb18030,
}

/// Added to a CSV file's invalid UTF-8 error.
pub const NOT_UTF8_HINT: &str = "the file is not UTF-8; if it was saved as GBK (Excel's \"CSV\" \
     on Chinese-language Windows), pass --encoding gb18030, or save it as \"CSV UTF-8\"";

impl Encoding {
    /// `raw` bytes in this encoding, read as UTF-8 text.
    pub fn reader<R: Read>(self, raw: R) -> TextReader<R> {
        match self {
            Encoding::Utf8 => TextReader::Utf8(raw),
            Encoding::Gb18030 => TextReader::Decoded(Box::new(Decoding {
                raw,
                decoder: GB18030.new_decoder(),
                input: vec![0; BUFFER].into_boxed_slice(),
                start: 0,
                end: 0,
                output: vec![0; BUFFER].into_boxed_slice(),
                ready: 0..0,
                ended: false,
                line: 1,
                failed: None,
                first: true,
            })),
        }
    }

    /// `raw` bytes in this encoding, read as CSV text ([`CsvText`]: line ends made `\n`,
    /// unclosed quotes found).
    pub fn csv_text<R: Read>(self, raw: R) -> CsvText<TextReader<R>> {
        CsvText::new(self.reader(raw))
    }

    /// The first line of the file at `path`, as text (a CSV header, to tell what a table is).
    pub fn first_line(self, path: &Path) -> CliResult<String> {
        let file = open_file(path)?;
        let mut line = String::new();
        BufReader::new(self.csv_text(file))
            .read_line(&mut line)
            .map_err(|e| Failure::data(format!("{}: {}", path.display(), not_text(&e))))?;
        Ok(line.trim_start_matches('\u{feff}').to_owned())
    }
}

/// An io error's message; invalid UTF-8 gets [`NOT_UTF8_HINT`] (the errors of this module's
/// readers say what they are themselves).
fn not_text(e: &io::Error) -> String {
    let ours = |inner: &(dyn std::error::Error + Send + Sync + 'static)| {
        inner.is::<Malformed>() || inner.is::<Utf8NotGb18030>() || inner.is::<UnclosedQuote>()
    };
    if e.kind() == io::ErrorKind::InvalidData && e.get_ref().is_none_or(|inner| !ours(inner)) {
        NOT_UTF8_HINT.to_owned()
    } else {
        e.to_string()
    }
}

/// Bytes read from the file, and decoded text handed out, at a time.
const BUFFER: usize = 1 << 16;

/// UTF-8 text read from bytes in some [`Encoding`].
#[derive(Debug)]
pub enum TextReader<R> {
    /// The bytes are the text.
    Utf8(R),
    /// The bytes are decoded.
    Decoded(Box<Decoding<R>>),
}

impl<R: Read> Read for TextReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            TextReader::Utf8(raw) => raw.read(buf),
            TextReader::Decoded(d) => d.read(buf),
        }
    }
}

/// Bytes that are not text in the file's encoding: the error of a [`Decoding`] read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed {
    /// The 1-based line they are on.
    pub line: u64,
    /// The bytes.
    pub bytes: Vec<u8>,
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hex: Vec<String> = self.bytes.iter().map(|b| format!("{b:02X}")).collect();
        write!(
            f,
            "bytes {} are not GB18030 text (is the file in another encoding?)",
            hex.join(" ")
        )
    }
}

impl std::error::Error for Malformed {}

/// A strict GB18030 decoder over a reader: malformed bytes are an error naming their line,
/// never a replacement character.
pub struct Decoding<R> {
    raw: R,
    decoder: Decoder,
    /// Bytes read, of which `start..end` are not decoded yet.
    input: Box<[u8]>,
    start: usize,
    end: usize,
    /// Decoded text, of which `ready` is not handed out yet.
    output: Box<[u8]>,
    ready: std::ops::Range<usize>,
    /// Whether `raw` has no more bytes.
    ended: bool,
    /// The line of the next byte to decode.
    line: u64,
    /// Bytes met that are not text: the error of every read once the text before them is out.
    failed: Option<Malformed>,
    /// Whether no bytes have been read yet (the first are checked: [`Utf8NotGb18030`]).
    first: bool,
}

/// Text asked to be read as GB18030 that is UTF-8: read as GB18030, CJK text in UTF-8 decodes
/// without an error into other characters (市水利局 into 甯傛按鍒╁眬), so it is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Utf8NotGb18030;

impl fmt::Display for Utf8NotGb18030 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "the file is UTF-8 text, not GB18030 (read as GB18030 its Chinese text would turn \
             into other characters): leave out --encoding gb18030",
        )
    }
}

impl std::error::Error for Utf8NotGb18030 {}

/// Non-ASCII characters a first chunk of valid UTF-8 must hold to be taken for UTF-8 (GBK text
/// that happens to be valid UTF-8 for as many characters does not occur in practice).
const UTF8_EVIDENCE: usize = 8;

/// Whether `bytes`, the start of a file, is UTF-8 text with CJK (or other non-ASCII) characters:
/// valid UTF-8 up to a character cut off at the end, without a byte-order mark (which means
/// UTF-8 and is read as such), and at least [`UTF8_EVIDENCE`] non-ASCII characters.
fn looks_utf8(bytes: &[u8]) -> bool {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        return false;
    }
    let valid = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) if e.error_len().is_none() => {
            std::str::from_utf8(bytes.get(..e.valid_up_to()).unwrap_or_default()).unwrap_or("")
        }
        Err(_) => return false,
    };
    valid
        .chars()
        .filter(|c| !c.is_ascii())
        .take(UTF8_EVIDENCE)
        .count()
        == UTF8_EVIDENCE
}

impl<R> fmt::Debug for Decoding<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Decoding")
            .field("encoding", &self.decoder.encoding().name())
            .field("line", &self.line)
            .finish_non_exhaustive()
    }
}

impl<R: Read> Decoding<R> {
    /// Decodes more text into `output`; false at the end of the text.
    fn fill(&mut self) -> io::Result<bool> {
        loop {
            if let Some(m) = &self.failed {
                return Err(io::Error::new(io::ErrorKind::InvalidData, m.clone()));
            }
            if self.start == self.end && !self.ended {
                self.start = 0;
                self.end = self.raw.read(&mut self.input)?;
                self.ended = self.end == 0;
                if std::mem::take(&mut self.first)
                    && looks_utf8(self.input.get(..self.end).unwrap_or_default())
                {
                    return Err(io::Error::new(io::ErrorKind::InvalidData, Utf8NotGb18030));
                }
            }
            let src = self.input.get(self.start..self.end).unwrap_or(&[]);
            let (result, read, written) =
                self.decoder
                    .decode_to_utf8_without_replacement(src, &mut self.output, self.ended);
            let consumed = src.get(..read).unwrap_or(&[]);
            if let DecoderResult::Malformed(bad, after) = result {
                // The malformed sequence ends `after` bytes before the end of what was read.
                let bad_end = read.saturating_sub(usize::from(after));
                let bad_start = bad_end.saturating_sub(usize::from(bad));
                let before = consumed.get(..bad_start).unwrap_or(&[]);
                let line = self.line + newlines(before);
                let bytes = consumed.get(bad_start..bad_end).unwrap_or(&[]).to_vec();
                self.failed = Some(Malformed { line, bytes });
                // The text before them is good: it is read first.
                self.ready = 0..written;
                if written > 0 {
                    return Ok(true);
                }
                continue;
            }
            self.line += newlines(consumed);
            self.start += read;
            self.ready = 0..written;
            if written > 0 {
                return Ok(true);
            }
            if self.ended && self.start == self.end {
                return Ok(false);
            }
        }
    }
}

/// Line ends in `bytes` (a newline byte is never part of a GB18030 multi-byte character).
fn newlines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

impl<R: Read> Read for Decoding<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.ready.is_empty() && !self.fill()? {
            return Ok(0);
        }
        let ready = self.output.get(self.ready.clone()).unwrap_or(&[]);
        let n = ready.len().min(buf.len());
        if let (Some(to), Some(from)) = (buf.get_mut(..n), ready.get(..n)) {
            to.copy_from_slice(from);
        }
        self.ready.start += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8]) -> io::Result<String> {
        let mut text = String::new();
        Encoding::Gb18030.reader(bytes).read_to_string(&mut text)?;
        Ok(text)
    }

    fn gbk(text: &str) -> Vec<u8> {
        let (bytes, _, unmappable) = GB18030.encode(text);
        assert!(!unmappable);
        bytes.into_owned()
    }

    #[test]
    fn gbk_text_reads_as_utf8() {
        let text = "unit,group,name\nhubin-district,counties,湖滨区\nlushi,counties,卢氏县\n";
        let bytes = gbk(text);
        assert_ne!(bytes, text.as_bytes(), "the fixture must not be UTF-8");
        assert_eq!(decode(&bytes).ok().as_deref(), Some(text));
        // A UTF-8 byte-order mark means UTF-8, whatever was asked.
        let with_bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
        assert_eq!(decode(&with_bom).ok().as_deref(), Some(text));
    }

    #[test]
    fn text_longer_than_the_buffers_reads_whole() {
        let text = "湖滨区,卢氏县,义马市\n".repeat(20_000);
        assert!(text.len() > 4 * BUFFER);
        assert_eq!(decode(&gbk(&text)).ok(), Some(text));
    }

    #[test]
    fn malformed_bytes_are_an_error_on_their_line() {
        let mut bytes = gbk("a,b\n湖滨区,1\n");
        bytes.extend_from_slice(b"x,\x81\n");
        bytes.extend(gbk("卢氏县,2\n"));
        let e = decode(&bytes).err();
        let inner = e
            .as_ref()
            .and_then(|e| e.get_ref())
            .and_then(|e| e.downcast_ref::<Malformed>());
        assert_eq!(inner.map(|m| m.line), Some(3));
        assert_eq!(
            inner.map(ToString::to_string).as_deref(),
            Some("bytes 81 are not GB18030 text (is the file in another encoding?)")
        );
        // The lines before them read well (a header can be read from such a file).
        let mut lines = BufReader::new(Encoding::Gb18030.reader(bytes.as_slice())).lines();
        assert_eq!(lines.next().and_then(Result::ok).as_deref(), Some("a,b"));
        assert_eq!(
            lines.next().and_then(Result::ok).as_deref(),
            Some("湖滨区,1")
        );
        assert!(lines.next().is_some_and(|l| l.is_err()));
    }

    #[test]
    fn utf8_text_is_not_read_as_gb18030() {
        let text = "unit,group,name\nwater,departments,市水利局\nroads,departments,市交通局\n";
        let e = decode(text.as_bytes()).err();
        let inner = e
            .as_ref()
            .and_then(|e| e.get_ref())
            .and_then(|e| e.downcast_ref::<Utf8NotGb18030>());
        assert_eq!(inner, Some(&Utf8NotGb18030));
        // Its GBK form reads, and so does ASCII, and UTF-8 with a byte-order mark.
        assert_eq!(decode(&gbk(text)).ok().as_deref(), Some(text));
        assert!(decode(b"unit,group\nu1,g\n").is_ok());
        let with_bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
        assert_eq!(decode(&with_bom).ok().as_deref(), Some(text));
    }

    #[test]
    fn utf8_passes_through() {
        let mut text = String::new();
        let read = Encoding::Utf8
            .reader("湖滨区".as_bytes())
            .read_to_string(&mut text);
        assert_eq!(read.ok(), Some("湖滨区".len()));
        assert_eq!(text, "湖滨区");
    }
}
