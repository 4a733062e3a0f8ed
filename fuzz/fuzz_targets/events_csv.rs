//! The tickets and events CSV tables, read as the CLI reads them (see
//! `hotline_score_fuzz::read_csv_tables`) into the core's row assembler. The first byte picks
//! the mode; the rest is the tickets CSV, a NUL byte, and the events CSV. Assembling never
//! panics; tables that load in strict mode load the same in lenient mode, and the loaded
//! tickets written back as CSV tables load to the same tickets.
#![no_main]

use hotline_score::ticket::Mode;
use hotline_score_fuzz::{read_csv_tables, write_csv_tables};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((first, rest)) = data.split_first() else {
        return;
    };
    let mut parts = rest.splitn(2, |b| *b == 0);
    let tickets = parts.next().unwrap_or_default();
    let events = parts.next().unwrap_or_default();
    let mode = if first & 1 == 0 {
        Mode::Strict
    } else {
        Mode::Lenient
    };
    let Some(loaded) = read_csv_tables(tickets, events, mode) else {
        return;
    };
    if mode == Mode::Strict {
        assert!(loaded.diagnostics.is_empty());
        let lenient = read_csv_tables(tickets, events, Mode::Lenient);
        let lenient = lenient.unwrap_or_else(|| panic!("strict loads, lenient fails"));
        assert_eq!(lenient.tickets, loaded.tickets);
    }
    let Some((t, e)) = write_csv_tables(&loaded.tickets) else {
        panic!("loaded tickets cannot be written as CSV");
    };
    match read_csv_tables(&t, &e, Mode::Strict) {
        Some(again) => assert_eq!(again.tickets, loaded.tickets),
        None => panic!(
            "loaded tickets written as CSV do not load:\n{}\n{}",
            String::from_utf8_lossy(&t),
            String::from_utf8_lossy(&e)
        ),
    }
});
