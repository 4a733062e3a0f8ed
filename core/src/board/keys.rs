//! Per event of a ticket on the board, one word: a hash of its `event_id` (duplicate checks) and
//! its unit key (evaluation), so that neither reads the event's strings.
//!
//! - The **id hash** is 48 bits of the FNV-1a hash of the `event_id`, never 0 for an id; 0
//!   without one. Equal hashes are confirmed by comparing the ids.
//! - The **unit key** numbers the ticket's units in order of first mention, exactly as the
//!   evaluator's converter keys them ([`NO_UNIT`] for an event naming none), so the ticket's
//!   compact view is built without comparing unit names ([`Converter::view_keyed`]). An event
//!   appended to the log is keyed alone (its unit compared with the units met so far, read at
//!   their first mention); an event inserted earlier re-keys the log.

use super::checksum;
use crate::clocks::{Converter, Evaluator, NO_UNIT};
use crate::ticket::{Event, Ticket};
use crate::unit::UnitId;

/// The 16 low bits of a word that mean "no unit".
const NONE: u64 = 0xFFFF;

/// The id hash of `event_id` (0 without one, never 0 with one).
pub(crate) fn id_hash(event_id: Option<&str>) -> u64 {
    event_id.map_or(0, |s| (checksum::fnv1a(s.as_bytes()) >> 16).max(1))
}

/// The word of an event with id hash `hash` and unit key `key`.
pub(crate) fn word(hash: u64, key: u32) -> u64 {
    let k = if key == NO_UNIT {
        NONE
    } else {
        u64::from(key).min(NONE - 1)
    };
    (hash << 16) | k
}

/// The id hash of a word.
pub(crate) fn hash_of(word: u64) -> u64 {
    word >> 16
}

/// The unit key of a word.
pub(crate) fn key_of(word: u64) -> u32 {
    match word & NONE {
        NONE => NO_UNIT,
        k => u32::try_from(k).unwrap_or(NO_UNIT),
    }
}

/// The words of `ticket`'s events (keyed by a full conversion of its log).
pub(crate) fn words(ev: &Evaluator, converter: &mut Converter, ticket: &Ticket) -> Vec<u64> {
    let mut out: Vec<u64> = ticket
        .events
        .iter()
        .map(|e| word(id_hash(e.event_id.as_deref()), NO_UNIT))
        .collect();
    rekey(ev, converter, ticket, &mut out);
    out
}

/// Re-keys the words of `ticket`'s events (parallel to its log) after an event was inserted
/// or removed other than at the end.
pub(crate) fn rekey(ev: &Evaluator, converter: &mut Converter, ticket: &Ticket, words: &mut [u64]) {
    let view = converter.view(ev, ticket);
    for (w, e) in words.iter_mut().zip(view.events) {
        *w = word(hash_of(*w), e.unit);
    }
}

/// The unit key of `unit` for an event appended to `events` (with `words` parallel to them):
/// the key of the unit if already named, else the next key.
pub(crate) fn key_for(events: &[Event], words: &[u64], unit: Option<&UnitId>) -> u32 {
    let Some(u) = unit else {
        return NO_UNIT;
    };
    let mut next: u32 = 0;
    for (e, w) in events.iter().zip(words) {
        // Keys are given in order of first mention: the first event with key `next` is the
        // first mention of that unit.
        if key_of(*w) == next {
            if e.body.unit() == Some(u) {
                return next;
            }
            next = next.saturating_add(1);
        }
    }
    next
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synthetic::{CityConfig, SyntheticCity};
    use crate::ticket::EventBody;

    #[test]
    fn words_round_trip() {
        for (h, k) in [(0, NO_UNIT), (1, 0), (id_hash(Some("E1")), 7), (5, 10_000)] {
            let w = word(h, k);
            assert_eq!((hash_of(w), key_of(w)), (h, k));
        }
        assert_eq!(id_hash(None), 0);
        assert!(id_hash(Some("")) > 0 && id_hash(Some("x")) < (1 << 48));
    }

    /// Keys given one appended event at a time equal a full conversion's, on every prefix of
    /// every log (a unit not yet named gets the next key).
    #[test]
    fn appended_keys_equal_a_full_conversion() {
        let city = SyntheticCity::generate(&CityConfig {
            units: 12,
            days: 4,
            tickets_per_day: 30,
            ..CityConfig::default()
        })
        .unwrap();
        let ev = Evaluator::new(
            &crate::Calendar::prc().unwrap(),
            crate::Policy::henan().unwrap(),
            &city.units,
        );
        let mut converter = Converter::default();
        let mut checked = 0;
        for t in city.tickets.iter().filter(|t| !t.events.is_empty()) {
            let mut log = t.clone();
            log.events.clear();
            let mut ws: Vec<u64> = Vec::new();
            let events = t.events.iter().cloned().chain([Event::new(
                t.events.last().unwrap().at,
                EventBody::Signed {
                    unit: "not-yet-named".into(),
                },
            )]);
            for e in events {
                let k = key_for(&log.events, &ws, e.body.unit());
                ws.push(word(id_hash(e.event_id.as_deref()), k));
                log.events.push(e);
                assert_eq!(ws, words(&ev, &mut converter, &log), "{}", t.id);
                let parts = |v: crate::clocks::TicketView<'_>| {
                    let crate::clocks::UnitNames::Ticket { first, .. } = v.names else {
                        panic!("ticket names");
                    };
                    (v.events.to_vec(), v.rows.to_vec(), first.to_vec(), v.repeat)
                };
                let keyed = parts(converter.view_keyed(&ev, &log, ws.iter().map(|w| key_of(*w))));
                assert_eq!(keyed, parts(converter.view(&ev, &log)));
                checked += 1;
            }
        }
        assert!(checked > 100, "{checked}");
    }
}
