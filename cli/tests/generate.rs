//! `generate`: the tables it writes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::*;

/// The tickets table has every attribute column the generator writes, whatever the first tickets
/// carry: a one-ticket city that is no repeated call still has its `repeat` column (the columns
/// were read off the first 10,000 tickets, so such a city had none, and a later ticket's
/// attribute would have been dropped).
#[test]
fn the_tickets_table_has_every_attribute_column() {
    let dir = scratch("generate-columns");
    let out = dir.display().to_string();
    let o = run(&[
        "generate", "--out", &out, "--units", "3", "--days", "1", "--limit", "1",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = std::fs::read_to_string(dir.join("tickets.csv")).unwrap();
    assert!(
        !text.contains("true"),
        "the ticket is no repeated call: {text}"
    );
    let header = text.lines().next().unwrap();
    assert!(header.ends_with(",district,repeat"), "{header}");
}
