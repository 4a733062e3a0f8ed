//! The events table of a CSV export, parsed on a second thread while the main thread assembles
//! tickets: rows travel in batches whose strings are reused (a batch goes back to the reader
//! once consumed), so a million-ticket export costs no allocation per row.

use std::path::Path;
use std::sync::mpsc::{Receiver, Sender, SyncSender, channel, sync_channel};
use std::thread::Scope;

use hotline_score::ticket::EventRow;

use super::locate::Problem;

/// Rows per batch.
const BATCH: usize = 8192;
/// Batches in flight between the threads.
const IN_FLIGHT: usize = 4;

/// Column positions of the 13 events columns in a header.
pub type Columns = [Option<usize>; 13];

/// One row and the spare buffers of its optional cells.
type Slot = (EventRow, [Option<String>; 10]);

/// Parsed rows, `len` of them valid, with their 1-based file lines.
#[derive(Debug, Default)]
pub struct Batch {
    slots: Vec<Slot>,
    len: usize,
    /// Line of each valid row.
    pub lines: Vec<u32>,
}

impl Batch {
    /// The valid rows.
    pub fn rows(&self) -> impl Iterator<Item = &EventRow> {
        self.slots.iter().take(self.len).map(|(r, _)| r)
    }
}

/// What the reader thread sends.
#[derive(Debug)]
pub enum Msg {
    /// A batch of rows.
    Rows(Batch),
    /// A row that could not be read; `fatal` when reading cannot go on.
    Problem(Problem, bool),
}

/// The receiving end: batches in file order, and the channel to give them back.
#[derive(Debug)]
pub struct Rows {
    /// Batches and problems, in file order.
    pub rx: Receiver<Msg>,
    /// Return consumed batches here for reuse.
    pub back: Sender<Batch>,
}

/// Starts reading `reader` (positioned after the header) on a thread of `scope`.
pub fn spawn<'s, R: std::io::Read + Send + 's>(
    scope: &'s Scope<'s, '_>,
    mut reader: csv::Reader<R>,
    columns: Columns,
    path: &Path,
) -> Rows {
    let (tx, rx): (SyncSender<Msg>, Receiver<Msg>) = sync_channel(IN_FLIGHT);
    let (back, back_rx) = channel::<Batch>();
    let name = path.display().to_string();
    scope.spawn(move || {
        let mut record = csv::StringRecord::new();
        let mut batch = Batch::default();
        loop {
            match reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {
                    if batch.len == batch.slots.len() {
                        batch.slots.push(Slot::default());
                    }
                    if let Some((row, spare)) = batch.slots.get_mut(batch.len) {
                        fill(&columns, &record, row, spare);
                    }
                    batch.len += 1;
                    let line = record.position().map_or(0, |p| p.line());
                    batch.lines.push(u32::try_from(line).unwrap_or(u32::MAX));
                    if batch.len == BATCH {
                        let next = back_rx.try_recv().unwrap_or_default();
                        if tx
                            .send(Msg::Rows(std::mem::replace(&mut batch, next)))
                            .is_err()
                        {
                            return;
                        }
                        batch.len = 0;
                        batch.lines.clear();
                    }
                }
                Err(e) => {
                    let fatal = !matches!(e.kind(), csv::ErrorKind::UnequalLengths { .. });
                    let p = super::data::csv_problem(&name, &e, "invalid_table");
                    if batch.len > 0 {
                        let next = back_rx.try_recv().unwrap_or_default();
                        if tx
                            .send(Msg::Rows(std::mem::replace(&mut batch, next)))
                            .is_err()
                        {
                            return;
                        }
                        batch.len = 0;
                        batch.lines.clear();
                    }
                    if tx.send(Msg::Problem(p, fatal)).is_err() || fatal {
                        return;
                    }
                }
            }
        }
        if batch.len > 0 {
            let _ = tx.send(Msg::Rows(batch));
        }
    });
    Rows { rx, back }
}

/// For each events column, its position in `header`.
pub fn columns(header: &[String]) -> Columns {
    let mut out = [None; 13];
    for (slot, name) in out.iter_mut().zip(EventRow::COLUMNS) {
        *slot = header.iter().position(|h| h == name);
    }
    out
}

/// Fills `row` from a record, reusing its strings' buffers.
fn fill(
    columns: &Columns,
    record: &csv::StringRecord,
    row: &mut EventRow,
    spare: &mut [Option<String>; 10],
) {
    let cell = |i: usize| -> &str {
        columns
            .get(i)
            .copied()
            .flatten()
            .and_then(|c| record.get(c))
            .unwrap_or("")
    };
    for (i, slot) in [&mut row.ticket_id, &mut row.at, &mut row.event_type]
        .into_iter()
        .enumerate()
    {
        slot.clear();
        slot.push_str(cell(i));
    }
    let optional = [
        &mut row.unit,
        &mut row.role,
        &mut row.reason,
        &mut row.accepted,
        &mut row.approved,
        &mut row.amount,
        &mut row.passed,
        &mut row.satisfaction,
        &mut row.resolved,
        &mut row.event_id,
    ];
    for (k, (slot, spare)) in optional.into_iter().zip(spare.iter_mut()).enumerate() {
        let text = cell(k + 3);
        if text.is_empty() {
            if let Some(s) = slot.take() {
                *spare = Some(s);
            }
        } else {
            let mut s = slot.take().or_else(|| spare.take()).unwrap_or_default();
            s.clear();
            s.push_str(text);
            *slot = Some(s);
        }
    }
}
