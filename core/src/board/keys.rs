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
        let (city, ev) = crate::synthetic::test_city(4, 30, 12);
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
                let keyed = parts(converter.view_keyed(
                    &ev,
                    &log,
                    ws.iter().map(|w| key_of(*w)),
                    crate::clocks::is_repeat(&log.attributes),
                ));
                assert_eq!(keyed, parts(converter.view(&ev, &log)));
                checked += 1;
            }
        }
        assert!(checked > 100, "{checked}");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 24, ..Default::default() })]

        /// On a board fed a city's events in a shuffled order (late events) with refused events
        /// mixed in, every ticket's words equal a full keying of its log.
        #[test]
        fn board_words_equal_a_full_keying(seed in 1u64..1_000_000, moves in 0usize..80) {
            use crate::board::{Board, Ingest, TicketHeader};
            use crate::synthetic::Rng;
            let city = SyntheticCity::generate(&CityConfig {
                units: 6,
                days: 3,
                tickets_per_day: 12,
                seed,
                ..CityConfig::default()
            })
            .unwrap();
            let mut board = Board::builder()
                .calendar(crate::Calendar::prc().unwrap())
                .policy(crate::Policy::henan().unwrap())
                .scheme(crate::scheme::Scheme::preset("sanmenxia").unwrap())
                .units(city.units.clone())
                .build()
                .unwrap();
            for t in &city.tickets {
                proptest::prop_assert_eq!(board.register(TicketHeader::of(t)), Ingest::Accepted);
            }
            let mut feed: Vec<(String, Event)> = city
                .tickets
                .iter()
                .flat_map(|t| t.events.iter().map(|e| (t.id.clone(), e.clone())))
                .collect();
            feed.sort_by_key(|(_, e)| e.at);
            let mut rng = Rng::new(seed ^ 0x6b65_7973);
            for _ in 0..moves {
                // Move an event later: it arrives late for its ticket.
                let n = feed.len();
                if n < 2 {
                    break;
                }
                let i = rng.index(n - 1);
                let j = i + 1 + rng.index((n - i - 1).min(40));
                let x = feed.remove(i);
                feed.insert(j, x);
            }
            for (k, (id, e)) in feed.into_iter().enumerate() {
                // Refused: a unit never dispatched signs (a new unit key that must not stay), at
                // this event's instant or, late, at the ticket's first event's.
                let first = board.ticket(&id).and_then(|t| t.events.first()).map(|x| x.at);
                let at = match k % 7 {
                    3 => Some(e.at),
                    5 => first,
                    _ => None,
                };
                if let Some(at) = at {
                    let bad = Event::new(at, EventBody::Signed { unit: "nowhere".into() });
                    proptest::prop_assert!(matches!(board.ingest(&id, bad), Ingest::Rejected(_)));
                }
                board.ingest(&id, e);
            }
            let mut converter = Converter::default();
            for state in &board.tickets {
                proptest::prop_assert_eq!(
                    &state.words,
                    &words(&board.ev, &mut converter, &state.ticket),
                    "{}",
                    state.ticket.id
                );
            }
        }
    }
}
