//! The events/tickets JSON reader. The first byte picks the mode and whether the units table
//! is given; the rest is the file. Loading never panics; a file that loads in strict mode loads
//! the same way in lenient mode (no diagnostics), and the loaded tickets written back as JSON
//! load to the same tickets.
#![no_main]

use hotline_score::ticket::{Mode, load_json};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((first, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let units = hotline_score_fuzz::units();
    let units = (first & 2 != 0).then_some(units.as_slice());
    let mode = if first & 1 == 0 {
        Mode::Strict
    } else {
        Mode::Lenient
    };
    let Ok(loaded) = load_json(text, units, mode) else {
        return;
    };
    if mode == Mode::Strict {
        assert!(loaded.diagnostics.is_empty());
        let lenient = load_json(text, units, Mode::Lenient);
        match lenient {
            Ok(l) => {
                assert_eq!(l.tickets, loaded.tickets);
                assert!(l.diagnostics.is_empty(), "{:?}", l.diagnostics);
            }
            Err(e) => panic!("strict loads, lenient fails: {e}"),
        }
    }
    let json = serde_json::to_string(&loaded.tickets).unwrap_or_default();
    match load_json(&json, units, Mode::Strict) {
        Ok(again) => assert_eq!(again.tickets, loaded.tickets, "{json}"),
        Err(e) => panic!("loaded tickets written as JSON do not load: {e}\n{json}"),
    }
});
