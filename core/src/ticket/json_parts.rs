//! Reading a big JSON array of tickets on several threads. The array is cut into parts at ticket
//! boundaries (or comes as several arrays, as a binding writes it slice by slice); each part is
//! read as typed tickets and checked on a thread of its own; then one pass in order finds
//! duplicate ids and keeps or reports each ticket. When a part does not read as typed tickets,
//! the whole input goes to [`load_json`], so results and errors are always exactly its.

use crate::error::Result;
use crate::parts::on_threads;
use crate::ticket::json::typed_as_walked;
use crate::ticket::load::{CheckedTickets, check_ticket, keep_unique, known_units};
use crate::ticket::{KnownUnits, Loaded, Mode, Ticket, load_json};
use crate::unit::Unit;

/// Bytes of JSON per thread below which fewer threads are used: about a thousand tickets,
/// far more work than starting a thread.
const MIN_BYTES_PER_THREAD: usize = 1 << 20;

/// [`load_json`] on up to `threads` threads (the calling thread and `threads − 1` scoped ones);
/// the result, errors included, is the same for every `threads`.
///
/// The text is cut before tickets whose first key is `"id"` (as [`Ticket`]'s serde and
/// `JSON.stringify` of ticket objects write them), so that the parts are of similar size; text
/// with no such place, or smaller than a mebibyte per thread, is read on fewer threads.
///
/// ```
/// use hotline_score::ticket::{Mode, load_json, load_json_parallel};
/// let text = r#"[{"id": "A", "kind": "help", "received_at": "2026-03-02T09:00:00+08:00"},
///                {"id": "B", "kind": "consult", "received_at": "2026-03-02T09:05:00+08:00"}]"#;
/// assert_eq!(
///     load_json_parallel(text, None, Mode::Strict, 4)?,
///     load_json(text, None, Mode::Strict)?
/// );
/// # Ok::<(), hotline_score::Error>(())
/// ```
pub fn load_json_parallel(
    text: &str,
    units: Option<&[Unit]>,
    mode: Mode,
    threads: usize,
) -> Result<Loaded> {
    text_in_parts(text, units, mode, threads, MIN_BYTES_PER_THREAD)
}

/// Several JSON arrays of tickets read as one array (their elements in order; `row` in errors
/// is the position in that array), on up to `threads` threads: the same result, errors
/// included, as [`load_json`] of the arrays written as one.
///
/// ```
/// use hotline_score::ticket::{Mode, load_json_arrays};
/// let arrays = [
///     r#"[{"id": "A", "kind": "help", "received_at": "2026-03-02T09:00:00+08:00"}]"#,
///     r#"[{"id": "A", "kind": "help", "received_at": "2026-03-02T09:05:00+08:00"}]"#,
/// ];
/// let loaded = load_json_arrays(&arrays, None, Mode::Lenient, 2)?;
/// assert_eq!(loaded.tickets.len(), 1);
/// assert_eq!(loaded.diagnostics[0].code, "duplicate_ticket");
/// assert_eq!(loaded.diagnostics[0].row, Some(1));
/// # Ok::<(), hotline_score::Error>(())
/// ```
pub fn load_json_arrays(
    arrays: &[&str],
    units: Option<&[Unit]>,
    mode: Mode,
    threads: usize,
) -> Result<Loaded> {
    arrays_in_parts(arrays, units, mode, threads, MIN_BYTES_PER_THREAD)
}

/// [`load_json_parallel`] with at least `min_bytes` per thread.
fn text_in_parts(
    text: &str,
    units: Option<&[Unit]>,
    mode: Mode,
    threads: usize,
    min_bytes: usize,
) -> Result<Loaded> {
    let parts = threads.min(text.len() / min_bytes.max(1));
    if parts < 2 {
        return load_json(text, units, mode);
    }
    read_in_parts(cut(text, parts), units, mode).unwrap_or_else(|| load_json(text, units, mode))
}

/// [`load_json_arrays`] with at least `min_bytes` per thread.
fn arrays_in_parts(
    arrays: &[&str],
    units: Option<&[Unit]>,
    mode: Mode,
    threads: usize,
    min_bytes: usize,
) -> Result<Loaded> {
    let sources: Vec<Source<'_>> = arrays.iter().map(|&body| Source::array(body)).collect();
    let bytes: usize = arrays.iter().map(|a| a.len()).sum();
    let parts = threads.min(bytes / min_bytes.max(1)).max(1);
    read_in_parts(deal(sources, bytes.div_ceil(parts)), units, mode)
        .unwrap_or_else(|| load_json(&one_array(arrays), units, mode))
}

/// A piece of JSON text that reads as an array of tickets once `[` is put before it (`open`)
/// and `]` after it (`close`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Source<'a> {
    open: bool,
    body: &'a str,
    close: bool,
}

impl<'a> Source<'a> {
    fn array(body: &'a str) -> Self {
        Source {
            open: false,
            body,
            close: false,
        }
    }

    /// Its tickets, appended to `tickets`; `None` if it does not read as typed tickets. The
    /// elements are read in place, one after the other (no bracketed copy is made).
    fn read_into(self, tickets: &mut Vec<Ticket>) -> Option<()> {
        let mut body = self.body;
        if !self.open {
            body = body.trim_start_matches(json_whitespace).strip_prefix('[')?;
        }
        if !self.close {
            body = body.trim_end_matches(json_whitespace).strip_suffix(']')?;
        }
        let mut rest = body.trim_start_matches(json_whitespace);
        if rest.is_empty() {
            return Some(());
        }
        loop {
            let mut element = serde_json::Deserializer::from_str(rest).into_iter::<Ticket>();
            tickets.push(element.next()?.ok().filter(typed_as_walked)?);
            rest = rest
                .get(element.byte_offset()..)?
                .trim_start_matches(json_whitespace);
            // After a `,` another element must follow; after the last, nothing.
            match rest.strip_prefix(',') {
                Some(after) => rest = after,
                None => return rest.is_empty().then_some(()),
            }
        }
    }
}

/// `text` cut into at most `parts` sources of similar size, each before the `,` that precedes a
/// ticket whose first key is `"id"` (see [`ticket_start`]).
fn cut(text: &str, parts: usize) -> Vec<Vec<Source<'_>>> {
    let mut commas = Vec::new();
    let size = text.len().div_ceil(parts.max(1));
    let mut from = 0usize;
    for k in 1..parts {
        let Some(comma) = ticket_start(text, from.max(k.saturating_mul(size))) else {
            break;
        };
        commas.push(comma);
        from = comma.saturating_add(1);
    }
    let mut sources = Vec::with_capacity(commas.len().saturating_add(1));
    let mut start = 0usize;
    for (k, &comma) in commas.iter().enumerate() {
        let body = text.get(start..comma).unwrap_or_default();
        sources.push(vec![Source {
            open: k > 0,
            body,
            close: true,
        }]);
        start = comma.saturating_add(1);
    }
    sources.push(vec![Source {
        open: !commas.is_empty(),
        body: text.get(start..).unwrap_or_default(),
        close: false,
    }]);
    sources
}

/// The first `,` at or after byte `from` that is followed (whitespace apart) by `{` and the key
/// `"id"`, i.e. an element separator before an object whose first key is `"id"`.
///
/// In valid JSON this pattern cannot lie inside a string: its `"` follows `{` or whitespace, so
/// it is not escaped; if it closed a string, `id"` could not follow. It can still be an object
/// deeper than the top level; then a part does not read as an array of tickets and the whole
/// input is read on one thread.
fn ticket_start(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let skip = |mut i: usize| {
        while bytes
            .get(i)
            .is_some_and(|&b| json_whitespace(char::from(b)))
        {
            i = i.saturating_add(1);
        }
        i
    };
    let mut i = from;
    loop {
        let comma = i.saturating_add(bytes.get(i..)?.iter().position(|&b| b == b',')?);
        let brace = skip(comma.saturating_add(1));
        if bytes.get(brace) == Some(&b'{') {
            let key = skip(brace.saturating_add(1));
            let colon = skip(key.saturating_add(4));
            if bytes.get(key..key.saturating_add(4)) == Some(b"\"id\"".as_slice())
                && bytes.get(colon) == Some(&b':')
            {
                return Some(comma);
            }
        }
        i = comma.saturating_add(1);
    }
}

/// `sources` dealt in order into consecutive parts of about `size` bytes each.
fn deal(sources: Vec<Source<'_>>, size: usize) -> Vec<Vec<Source<'_>>> {
    let mut parts: Vec<Vec<Source<'_>>> = vec![Vec::new()];
    let mut filled = 0usize;
    for source in sources {
        if filled >= size.max(1) {
            parts.push(Vec::new());
            filled = 0;
        }
        filled = filled.saturating_add(source.body.len());
        if let Some(part) = parts.last_mut() {
            part.push(source);
        }
    }
    parts
}

/// `arrays` written as one array (for the one-thread reader's exact errors).
fn one_array(arrays: &[&str]) -> String {
    let inner: Vec<&str> = arrays
        .iter()
        .map(|a| {
            let a = a.trim_matches(json_whitespace);
            a.strip_prefix('[')
                .and_then(|a| a.strip_suffix(']'))
                .unwrap_or(a)
        })
        .filter(|inner| !inner.trim_matches(json_whitespace).is_empty())
        .collect();
    format!("[{}]", inner.join(","))
}

/// The four characters JSON allows between tokens.
fn json_whitespace(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// Reads and checks each part on a thread of its own (the first on this thread), then keeps
/// the tickets in order; `None` if a part does not read as typed tickets.
fn read_in_parts(
    parts: Vec<Vec<Source<'_>>>,
    units: Option<&[Unit]>,
    mode: Mode,
) -> Option<Result<Loaded>> {
    let known = match known_units(units) {
        Ok(known) => known,
        Err(error) => return Some(Err(error)),
    };
    let read = |sources: Vec<Source<'_>>| read_part(sources, known.as_ref());
    let mut parts = parts.into_iter();
    let first = parts.next().unwrap_or_default();
    let (head, tail) = on_threads(|| read(first), parts.collect(), read);
    let checked: Option<Vec<_>> = std::iter::once(head).chain(tail).collect();
    Some(keep_unique(checked?, mode))
}

/// The tickets of `sources` with their verdicts; `None` if one does not read as typed tickets.
fn read_part(sources: Vec<Source<'_>>, known: Option<&KnownUnits>) -> Option<CheckedTickets> {
    let mut tickets = Vec::new();
    for source in sources {
        source.read_into(&mut tickets)?;
    }
    let verdicts = tickets
        .iter()
        .map(|ticket| check_ticket(ticket, None, known))
        .collect();
    Some((tickets, verdicts))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tickets_start_after_a_comma_before_an_id_key() {
        let text = r#"[{"id":"A","x":",{\"id\":"}, { "id" :"B"},{"ab":1},{"id":"C"}]"#;
        let first = text.find(", {").unwrap_or_default();
        assert_eq!(ticket_start(text, 0), Some(first));
        assert_eq!(ticket_start(text, first + 1), text.rfind(','));
        assert_eq!(ticket_start(text, text.len()), None);
        assert_eq!(ticket_start("[1,2]", 0), None);
    }

    #[test]
    fn cut_keeps_every_byte_between_its_parts() {
        let text = r#"[{"id":"A"},{"id":"B"},{"id":"C"},{"id":"D"}]"#;
        for parts in 0..6 {
            let sources: Vec<Source<'_>> = cut(text, parts).concat();
            assert!(sources.len() <= parts.max(1), "{parts}");
            let joined: Vec<String> = sources
                .iter()
                .map(|s| {
                    let open = if s.open { "[" } else { "" };
                    let close = if s.close { "]" } else { "" };
                    format!("{open}{}{close}", s.body)
                })
                .collect();
            let bodies: Vec<&str> = sources.iter().map(|s| s.body).collect();
            assert_eq!(bodies.join(","), text, "{parts}: {joined:?}");
            assert!(
                joined
                    .iter()
                    .all(|j| serde_json::from_str::<serde_json::Value>(j).is_ok()),
                "{parts}: {joined:?}"
            );
        }
    }

    /// A source reads exactly as its bracketed text would: the same tickets, or nothing.
    #[test]
    fn sources_read_as_their_bracketed_text() {
        let t = r#"{"id":"A","kind":"help","received_at":"2026-03-02T09:00:00+08:00"}"#;
        let bodies = [
            String::new(),
            " \n ".to_owned(),
            t.to_owned(),
            format!(" {t} ,\n{t} "),
            format!("{t},"),
            format!(",{t}"),
            format!("{t}{t}"),
            format!("{t},,{t}"),
            format!("{t} x"),
            format!("{t},42"),
            format!("{t}]"),
        ];
        for body in &bodies {
            let expected = serde_json::from_str::<Vec<Ticket>>(&format!("[{body}]")).ok();
            for (open, close) in [(true, true), (false, true), (true, false), (false, false)] {
                let before = if open { "" } else { " [" };
                let after = if close { "" } else { "]\n" };
                let text = format!("{before}{body}{after}");
                let mut read = Vec::new();
                let source = Source {
                    open,
                    body: &text,
                    close,
                };
                let got = source.read_into(&mut read).map(|()| read);
                assert_eq!(got, expected, "{open} {close} {text:?}");
            }
        }
    }

    #[test]
    fn deal_keeps_order_and_fills_parts() {
        let sources: Vec<Source<'_>> = ["[1]", "[22]", "[333]", "[4]"]
            .into_iter()
            .map(Source::array)
            .collect();
        let parts = deal(sources.clone(), 6);
        assert_eq!(parts.concat(), sources);
        assert_eq!(parts.len(), 2);
        assert_eq!(deal(Vec::new(), 6), vec![Vec::new()]);
    }

    #[test]
    fn one_array_joins_the_elements() {
        assert_eq!(one_array(&["[1,2]", " [] ", "[3]\n"]), "[1,2,3]");
        assert_eq!(one_array(&[]), "[]");
    }

    mod props {
        use super::super::*;
        use crate::synthetic::{CityConfig, SyntheticCity};
        use proptest::prelude::*;

        /// Array elements of every kind the cutting must not change: first those that read as
        /// typed tickets (valid tickets, a duplicate, an event before the ticket, an unknown unit, the cutting pattern
        /// inside a string), then those that do not (an event that does not read, an unknown
        /// field, a non-object, an event with an `"id"` key: the pattern below the top level).
        fn elements() -> (Vec<String>, usize, Vec<crate::unit::Unit>) {
            let city = SyntheticCity::generate(&CityConfig {
                days: 1,
                tickets_per_day: 12,
                units: 5,
                ..CityConfig::default()
            })
            .unwrap_or_else(|e| panic!("{e}"));
            let mut out: Vec<String> = city
                .tickets
                .iter()
                .map(|t| serde_json::to_string(t).unwrap_or_default())
                .collect();
            let first = out.first().cloned().unwrap_or_default();
            let renamed =
                |prefix: &str| first.replacen("\"id\":\"", &format!("\"id\":\"{prefix}"), 1);
            let dispatched = "\"type\":\"dispatched\"";
            out.push(first.clone());
            out.push(renamed("F").replacen("\"at\":\"2026-", "\"at\":\"2025-", 1));
            out.push(renamed("U").replacen("\"unit\":\"", "\"unit\":\"nowhere-", 1));
            out.push(r#"{"id":"S","kind":"help","received_at":"2026-01-01T09:00:00+08:00","attributes":{"note":",{\"id\":1}"}}"#.to_owned());
            let typed = out.len();
            out.push(renamed("B").replacen(dispatched, "\"type\":\"bogus\"", 1));
            out.push(renamed("Z").replacen('{', "{\"colour\":7,", 1));
            out.push("42".to_owned());
            out.push(r#"{"id":"E","kind":"help","received_at":"2026-01-01T09:00:00+08:00","events":[{"at":"2026-01-01T09:10:00+08:00","type":"dispatched","unit":"x"},{"id":"e","at":1}]}"#.to_owned());
            (out, typed, city.units)
        }

        proptest! {
            /// Read in parts, from one text or several arrays, on any number of threads: the
            /// same tickets, diagnostics and first error as `load_json` of the one array.
            #[test]
            fn parts_read_as_one_array(
                picks in proptest::collection::vec(0..40usize, 0..30),
                typed_only in proptest::bool::weighted(0.7),
                spaced in proptest::bool::ANY,
                groups in proptest::collection::vec(1..5usize, 1..8),
                threads in 1..5usize,
                min_bytes in 1..3000usize,
                with_units in proptest::bool::ANY,
            ) {
                let (pool, typed, units) = elements();
                let pool = if typed_only { &pool[..typed] } else { &pool[..] };
                let chosen: Vec<&str> = picks.iter().map(|&i| pool[i % pool.len()].as_str()).collect();
                let sep = if spaced { " ,\n  " } else { "," };
                let text = format!("[{}]", chosen.join(sep));
                let units = with_units.then_some(units.as_slice());
                let mut arrays = Vec::new();
                let mut rest = chosen.as_slice();
                for &g in groups.iter().cycle() {
                    if rest.is_empty() {
                        break;
                    }
                    let (group, tail) = rest.split_at(g.min(rest.len()));
                    arrays.push(format!("[{}]", group.join(sep)));
                    rest = tail;
                }
                let arrays: Vec<&str> = arrays.iter().map(String::as_str).collect();
                for mode in [Mode::Strict, Mode::Lenient] {
                    let one = load_json(&text, units, mode);
                    prop_assert_eq!(&text_in_parts(&text, units, mode, threads, min_bytes), &one);
                    prop_assert_eq!(&arrays_in_parts(&arrays, units, mode, threads, min_bytes), &one);
                }
            }
        }
    }
}
