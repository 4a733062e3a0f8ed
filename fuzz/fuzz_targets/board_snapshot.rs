//! Board snapshot bytes. With the first byte even the rest is restored as given (header,
//! length and checksum checks); odd, the rest is a payload sealed with a valid header and
//! checksum first, so the fuzzer reaches the meta JSON and the ticket decoder. Restoring never
//! panics; a board that restores snapshots to bytes that restore to a board that snapshots to
//! the same bytes, its JSON snapshot restores to the same bytes too, and both answer the same
//! scores.
#![no_main]

use hotline_score::Instant;
use hotline_score_fuzz::{board_builder, seal_snapshot};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((first, rest)) = data.split_first() else {
        return;
    };
    let bytes = if first & 1 == 0 {
        rest.to_vec()
    } else {
        seal_snapshot(rest)
    };
    let builder = || board_builder().unwrap_or_else(|| panic!("built-in configuration"));
    let Ok(board) = builder().restore(&bytes) else {
        return;
    };
    let snap = board.snapshot().unwrap_or_else(|e| panic!("snapshot: {e}"));
    let again = builder()
        .restore(&snap)
        .unwrap_or_else(|e| panic!("a snapshot of a restored board does not restore: {e}"));
    assert_eq!(again.snapshot().ok().as_ref(), Some(&snap));
    let json = board
        .snapshot_json()
        .unwrap_or_else(|e| panic!("snapshot_json: {e}"));
    let from_json = builder()
        .restore_json(&json)
        .unwrap_or_else(|e| panic!("a JSON snapshot of a restored board does not restore: {e}"));
    assert_eq!(from_json.snapshot().ok().as_ref(), Some(&snap));
    let as_of = board
        .latest_event()
        .unwrap_or(Instant::from_millis(hotline_score_fuzz::ORIGIN_MS));
    let a = board.scores(as_of).map_err(|e| e.code());
    let b = again.scores(as_of).map_err(|e| e.code());
    assert_eq!(a, b);
});
