//! Positions inside JSON text, for messages: where the `n`-th element of an array or the value
//! of a key of an object starts. A small scanner over text that `serde_json` already accepted;
//! on malformed text it gives `None`, never panics.

/// Byte offset of the first non-space character at or after `at`.
fn skip_ws(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).is_some_and(|b| b.is_ascii_whitespace()) {
        at += 1;
    }
    at
}

/// The offset just after the JSON value starting at `at` (after whitespace).
fn value_end(bytes: &[u8], at: usize) -> Option<usize> {
    let at = skip_ws(bytes, at);
    match bytes.get(at)? {
        b'"' => string_end(bytes, at),
        b'[' | b'{' => {
            let mut depth = 0usize;
            let mut i = at;
            while let Some(&b) = bytes.get(i) {
                match b {
                    b'"' => {
                        i = string_end(bytes, i)?;
                        continue;
                    }
                    b'[' | b'{' => depth += 1,
                    b']' | b'}' => {
                        depth = depth.checked_sub(1)?;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            None
        }
        _ => {
            let mut i = at;
            while bytes
                .get(i)
                .is_some_and(|b| !matches!(b, b',' | b']' | b'}') && !b.is_ascii_whitespace())
            {
                i += 1;
            }
            Some(i)
        }
    }
}

/// The offset just after the string starting at `at` (an opening quote).
fn string_end(bytes: &[u8], at: usize) -> Option<usize> {
    let mut i = at + 1;
    loop {
        match bytes.get(i)? {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
}

/// The children of the array or object starting at `at`: `(key, value offset)` pairs (`key` is
/// `None` for array elements; keys are compared raw, without unescaping).
fn children(text: &str, at: usize) -> Option<Vec<(Option<&str>, usize)>> {
    let bytes = text.as_bytes();
    let at = skip_ws(bytes, at);
    let open = *bytes.get(at)?;
    let is_object = match open {
        b'{' => true,
        b'[' => false,
        _ => return None,
    };
    let mut out = Vec::new();
    let mut i = skip_ws(bytes, at + 1);
    if matches!(bytes.get(i), Some(b']' | b'}')) {
        return Some(out);
    }
    loop {
        let key = if is_object {
            let end = string_end(bytes, i)?;
            let key = text.get(i + 1..end - 1)?;
            i = skip_ws(bytes, end);
            if bytes.get(i) != Some(&b':') {
                return None;
            }
            i = skip_ws(bytes, i + 1);
            Some(key)
        } else {
            None
        };
        out.push((key, i));
        i = skip_ws(bytes, value_end(bytes, i)?);
        match bytes.get(i)? {
            b',' => i = skip_ws(bytes, i + 1),
            b']' | b'}' => return Some(out),
            _ => return None,
        }
    }
}

/// One step of a path into a JSON document.
#[derive(Debug, Clone, Copy)]
pub enum Step<'a> {
    /// The `n`-th element of an array.
    Index(usize),
    /// The value of a key of an object.
    Key(&'a str),
}

/// The byte offset of the value at `path` from the document's root, or of the deepest value
/// found along it (so a missing key points at its object).
pub fn offset_of(text: &str, path: &[Step<'_>]) -> usize {
    walk(text, skip_ws(text.as_bytes(), 0), path)
}

/// [`offset_of`] from the value at `at`.
fn walk(text: &str, mut at: usize, path: &[Step<'_>]) -> usize {
    for step in path {
        let Some(kids) = children(text, at) else {
            break;
        };
        let next = match step {
            Step::Index(n) => kids.get(*n).map(|(_, o)| *o),
            Step::Key(k) => kids
                .iter()
                .find(|(key, _)| *key == Some(*k))
                .map(|(_, o)| *o),
        };
        match next {
            Some(o) => at = o,
            None => break,
        }
    }
    at
}

/// [`offset_of`] for many paths into one document whose root is an array of rows: the rows
/// are found once, so placing a problem costs a walk through its row, not through the file.
pub struct RowOffsets<'a> {
    text: &'a str,
    /// Where each row starts (found on first use).
    rows: Option<Vec<usize>>,
}

impl<'a> RowOffsets<'a> {
    /// Offsets into `text`.
    pub fn new(text: &'a str) -> Self {
        RowOffsets { text, rows: None }
    }

    /// The text.
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// What [`offset_of`] gives for `path`.
    pub fn offset_of(&mut self, path: &[Step<'_>]) -> usize {
        let text = self.text;
        let rows = self.rows.get_or_insert_with(|| {
            children(text, skip_ws(text.as_bytes(), 0))
                .filter(|kids| kids.iter().all(|(key, _)| key.is_none()))
                .map(|kids| kids.into_iter().map(|(_, at)| at).collect())
                .unwrap_or_default()
        });
        let row = match path.split_first() {
            Some((Step::Index(n), rest)) => rows.get(*n).map(|&at| (at, rest)),
            _ => None,
        };
        match row {
            Some((at, rest)) => walk(text, at, rest),
            None => offset_of(text, path),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_elements_and_keys() {
        let text = "[\n {\"id\": \"A\", \"events\": [{\"at\": 1}, {\"type\": \"x,]\"}]},\n {\"id\": \"B\"}\n]";
        let o = offset_of(text, &[Step::Index(1), Step::Key("id")]);
        assert_eq!(&text[o..o + 3], "\"B\"");
        let o = offset_of(
            text,
            &[
                Step::Index(0),
                Step::Key("events"),
                Step::Index(1),
                Step::Key("type"),
            ],
        );
        assert_eq!(&text[o..o + 5], "\"x,]\"");
        // A missing key points at its object.
        let o = offset_of(text, &[Step::Index(1), Step::Key("kind")]);
        assert_eq!(&text[o..o + 1], "{");
        // Malformed text never panics.
        assert_eq!(offset_of("[{\"a\": ", &[Step::Index(0), Step::Key("a")]), 0);
        assert_eq!(offset_of("", &[Step::Index(3)]), 0);
    }

    #[test]
    fn row_offsets_agree_with_offset_of() {
        let docs = [
            "[\n {\"id\": \"A\", \"events\": [{\"at\": 1}, {\"type\": \"x,]\"}]},\n {\"id\": \"B\"}\n]",
            "{\"a\": [1, 2]}",
            "[{\"a\": ",
            "",
        ];
        let paths: [&[Step<'_>]; 6] = [
            &[],
            &[Step::Index(0)],
            &[Step::Index(1), Step::Key("id")],
            &[
                Step::Index(0),
                Step::Key("events"),
                Step::Index(1),
                Step::Key("type"),
            ],
            &[Step::Index(7), Step::Key("id")],
            &[Step::Key("a"), Step::Index(1)],
        ];
        for text in docs {
            let mut rows = RowOffsets::new(text);
            for path in paths.iter().chain(paths.iter().rev()) {
                assert_eq!(
                    rows.offset_of(path),
                    offset_of(text, path),
                    "{text:?} {path:?}"
                );
            }
        }
    }
}
