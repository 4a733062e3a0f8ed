//! A small strict JSON parser (RFC 8259) that keeps the byte range of every key and value, so
//! problems in JSON scheme files point at their line and column like TOML ones.
//!
//! Numbers are kept as written (exact decimals); nesting deeper than [`MAX_DEPTH`] is refused
//! rather than risking the stack.

use std::collections::HashSet;
use std::ops::Range;

use super::node::{Entry, Node, NodeKind};

/// Deepest nesting of arrays and objects accepted.
pub const MAX_DEPTH: usize = 128;

/// Parses `text`; on error, the message and the byte range it concerns.
pub fn parse(text: &str) -> Result<Node, (String, Range<usize>)> {
    let mut p = Parser { text, pos: 0 };
    p.ws();
    let node = p.value(0)?;
    p.ws();
    if p.pos < text.len() {
        return Err(p.err("trailing characters after the JSON value"));
    }
    Ok(node)
}

struct Parser<'a> {
    text: &'a str,
    pos: usize,
}

type Res<T> = Result<T, (String, Range<usize>)>;

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn err(&self, msg: &str) -> (String, Range<usize>) {
        let end = (self.pos + 1).min(self.text.len());
        (msg.to_owned(), self.pos..end.max(self.pos))
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, b: u8, what: &str) -> Res<()> {
        if self.peek() == Some(b) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.err(&format!("expected {what}")))
        }
    }

    fn value(&mut self, depth: usize) -> Res<Node> {
        if depth > MAX_DEPTH {
            return Err(self.err("nesting too deep"));
        }
        let start = self.pos;
        let kind = match self.peek() {
            Some(b'{') => self.object(depth)?,
            Some(b'[') => self.array(depth)?,
            Some(b'"') => NodeKind::Str(self.string()?),
            Some(b't') => self.word("true", NodeKind::Bool(true))?,
            Some(b'f') => self.word("false", NodeKind::Bool(false))?,
            Some(b'n') => self.word("null", NodeKind::Null)?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            Some(_) => return Err(self.err("expected a JSON value")),
            None => return Err(self.err("unexpected end of input")),
        };
        Ok(Node {
            span: start..self.pos,
            kind,
        })
    }

    fn word(&mut self, word: &str, kind: NodeKind) -> Res<NodeKind> {
        if self
            .text
            .get(self.pos..)
            .is_some_and(|r| r.starts_with(word))
        {
            self.pos += word.len();
            Ok(kind)
        } else {
            Err(self.err("expected a JSON value"))
        }
    }

    fn object(&mut self, depth: usize) -> Res<NodeKind> {
        self.pos += 1;
        let mut entries: Vec<Entry> = Vec::new();
        // Keys seen, for the duplicate check (a set, so a huge object stays linear).
        let mut keys: HashSet<String> = HashSet::new();
        self.ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(NodeKind::Table(entries));
        }
        loop {
            self.ws();
            if self.peek() != Some(b'"') {
                return Err(self.err("expected a string key"));
            }
            let key_start = self.pos;
            let key = self.string()?;
            let key_span = key_start..self.pos;
            if !keys.insert(key.clone()) {
                return Err((format!("duplicate key {key:?}"), key_span));
            }
            self.ws();
            self.eat(b':', "':'")?;
            self.ws();
            let value = self.value(depth + 1)?;
            entries.push(Entry {
                key,
                key_span,
                value,
            });
            self.ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(NodeKind::Table(entries));
                }
                _ => return Err(self.err("expected ',' or '}'")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Res<NodeKind> {
        self.pos += 1;
        let mut items = Vec::new();
        self.ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(NodeKind::Array(items));
        }
        loop {
            self.ws();
            items.push(self.value(depth + 1)?);
            self.ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(NodeKind::Array(items));
                }
                _ => return Err(self.err("expected ',' or ']'")),
            }
        }
    }

    fn number(&mut self) -> Res<NodeKind> {
        let start = self.pos;
        let mut fraction = false;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let digits = |p: &mut Self| {
            let s = p.pos;
            while matches!(p.peek(), Some(b'0'..=b'9')) {
                p.pos += 1;
            }
            p.pos > s
        };
        let int_start = self.pos;
        if !digits(self) {
            return Err(self.err("expected digits"));
        }
        if self.pos - int_start > 1 && self.text.as_bytes().get(int_start) == Some(&b'0') {
            return Err(("leading zeros are not allowed".into(), int_start..self.pos));
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            fraction = true;
            if !digits(self) {
                return Err(self.err("expected digits after '.'"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            fraction = true;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !digits(self) {
                return Err(self.err("expected exponent digits"));
            }
        }
        let raw = self.text.get(start..self.pos).unwrap_or("0");
        if !fraction && let Ok(i) = raw.parse::<i64>() {
            return Ok(NodeKind::Int(i));
        }
        Ok(NodeKind::Float(raw.to_owned()))
    }

    fn string(&mut self) -> Res<String> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            let rest = self.text.get(self.pos..).unwrap_or("");
            let Some(c) = rest.chars().next() else {
                return Err(self.err("unterminated string"));
            };
            match c {
                '"' => {
                    self.pos += 1;
                    return Ok(out);
                }
                '\\' => {
                    self.pos += 1;
                    let e = self.peek().ok_or_else(|| self.err("unterminated string"))?;
                    self.pos += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => out.push(self.unicode_escape()?),
                        _ => return Err(self.err("invalid escape")),
                    }
                }
                c if (c as u32) < 0x20 => return Err(self.err("control character in string")),
                c => {
                    out.push(c);
                    self.pos += c.len_utf8();
                }
            }
        }
    }

    fn hex4(&mut self) -> Res<u32> {
        let h = self
            .text
            .get(self.pos..self.pos + 4)
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .ok_or_else(|| self.err("invalid \\u escape"))?;
        self.pos += 4;
        Ok(h)
    }

    fn unicode_escape(&mut self) -> Res<char> {
        let hi = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&hi) {
            if self.text.get(self.pos..self.pos + 2) != Some("\\u") {
                return Err(self.err("unpaired surrogate"));
            }
            self.pos += 2;
            let lo = self.hex4()?;
            if !(0xDC00..0xE000).contains(&lo) {
                return Err(self.err("unpaired surrogate"));
            }
            0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
        } else {
            hi
        };
        char::from_u32(code).ok_or_else(|| self.err("invalid \\u escape"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_with_spans() {
        let text = r#"{"a": [1, 2.50, "x\u00e9\ud83d\ude00"], "b": {"c": null, "d": true}}"#;
        let n = parse(text).unwrap();
        let a = n.get("a").unwrap();
        assert_eq!(&text[a.key_span.clone()], "\"a\"");
        let NodeKind::Array(items) = &a.value.kind else {
            panic!()
        };
        assert_eq!(items[0].kind, NodeKind::Int(1));
        assert_eq!(items[1].kind, NodeKind::Float("2.50".into()));
        assert_eq!(items[2].kind, NodeKind::Str("xé😀".into()));
        assert_eq!(&text[items[1].span.clone()], "2.50");
        assert_eq!(n.to_json()["b"]["d"], serde_json::json!(true));
    }

    #[test]
    fn rejects_bad_input_with_position() {
        for bad in [
            "{",
            "[1,]",
            "{\"a\" 1}",
            "01",
            "\"\\x\"",
            "{\"a\":1,\"a\":2}",
            "1 2",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        let (_, span) = parse("{\n  \"a\": tru\n}").unwrap_err();
        assert_eq!(span.start, 9);
        let deep = "[".repeat(200);
        assert!(parse(&deep).is_err());
    }
}
