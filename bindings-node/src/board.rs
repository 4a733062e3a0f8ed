//! `Board`: the real-time scoreboard (SPEC §8) — transactional, idempotent ingestion, standings,
//! scorecards, deadline statuses, warnings, period close and sanctions at any `asOf`, and
//! snapshot/restore to a `Buffer` or JSON.

use std::sync::Arc;

use hotline_score::board::{
    Batch, Board as CoreBoard, BoardBuilder, Ingest, Ingested, Input, TicketHeader,
};
use hotline_score::metrics::{Adjustment, DueAnchor, MetricsTable};
use hotline_score::ticket::{Mode, TicketErrorKind, event_from_json, id_text, load_json};
use hotline_score::{Calendar as CoreCalendar, Error as CoreError, Policy as CorePolicy};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::Value;

use crate::args::{Arg, Id, Instance, Keys, Opts, Text};
use crate::calendar::Calendar;
use crate::decimal;
use crate::errors::{Failure, Fallible, bad_arg, enter, failure_object, named};
use crate::external::External;
use crate::instant::When;
use crate::json::{self, JsonValue};
use crate::metrics::{Evaluator, PeriodArg, PeriodOut, period_in, period_out};
use crate::policy::Policy;
use crate::queue::{Held, Queued, Turn};
use crate::scheme::Scheme;
use crate::task::Work;
use crate::ticket::{Tickets, Unit, core_units};

/// What a board is built from (a snapshot must be restored with the same parts).
#[napi(object, object_to_js = false)]
pub struct BoardOptions<'a> {
    /// The units table.
    pub units: Vec<Unit>,
    /// The scoring scheme.
    #[napi(ts_type = "Scheme")]
    pub scheme: Instance<'a, Scheme>,
    /// The working-time calendar (default: `Calendar.prc()`).
    #[napi(ts_type = "Calendar")]
    pub calendar: Option<Instance<'a, Calendar>>,
    /// The time-limit policy (default: `Policy.builtin('henan')`).
    #[napi(ts_type = "Policy")]
    pub policy: Option<Instance<'a, Policy>>,
    /// `due_date` (default) or `due_or_closed` (on-time closures count at once).
    #[napi(ts_type = "'due_date' | 'due_or_closed'")]
    pub due_anchor: Option<String>,
}

impl Keys for BoardOptions<'_> {
    const FIELD: &'static str = "options";
    const KEYS: &'static [&'static str] = &["units", "scheme", "calendar", "policy", "dueAnchor"];
}

fn builder(o: &Opts<BoardOptions<'_>>) -> Fallible<BoardBuilder> {
    let o = o.get()?;
    let calendar = match &o.calendar {
        Some(c) => c.inner.clone(),
        None => CoreCalendar::prc()?,
    };
    let policy = match &o.policy {
        Some(p) => (*p.inner).clone(),
        None => CorePolicy::builtin("henan")?,
    };
    let mut b = CoreBoard::builder()
        .calendar(calendar)
        .policy(policy)
        .scheme((*o.scheme.inner).clone())
        .units(core_units(&o.units));
    if let Some(a) = &o.due_anchor {
        b = b.due_anchor(named::<DueAnchor>("dueAnchor", a)?);
    }
    Ok(b)
}

/// A ticket error at `row` (an item's index in a batch; none for a single item) instead of the
/// row the one-ticket reader gave.
fn at_row(e: CoreError, row: Option<usize>) -> CoreError {
    match e {
        CoreError::InvalidTicket {
            ticket_id,
            event_index,
            field,
            kind,
            ..
        } => CoreError::InvalidTicket {
            ticket_id,
            event_index,
            field,
            row,
            kind,
        },
        other => other,
    }
}

/// An event object (a ticket's event in the form of `fromObjects`) as event `index` of
/// `ticket_id`, read by the core's JSON event reader: typed errors name the ticket, event and
/// field (an unknown key is `unknown_field`, a value of the wrong type `malformed_value`), as
/// in `fromObjects`.
fn event_of(
    ticket_id: &str,
    index: usize,
    v: &Value,
    row: Option<usize>,
) -> Fallible<hotline_score::ticket::Event> {
    event_from_json(ticket_id, index, v.clone()).map_err(|e| at_row(e, row).into())
}

/// A whole ticket object, validated by the core's JSON reader (errors at `row`).
fn ticket_of(v: &Value, row: Option<usize>) -> Fallible<hotline_score::ticket::Ticket> {
    let loaded = load_json(
        &Value::Array(vec![v.clone()]).to_string(),
        None,
        Mode::Strict,
    )
    .map_err(|e| at_row(e, row))?;
    loaded
        .tickets
        .into_iter()
        .next()
        .ok_or_else(|| bad_arg("ticket", "no ticket"))
}

/// A ticket header object, read by the core's JSON ticket reader (so its errors are the typed
/// ones of `fromObjects`: `malformed_timestamp` naming the ticket and `received_at` …); `events`
/// is an `unknown_field` (a header has none: `ingestTicket` takes a whole ticket).
fn header_of(v: &Value, row: Option<usize>) -> Fallible<TicketHeader> {
    if let Value::Object(map) = v
        && map.contains_key("events")
    {
        let id = map.get("id").and_then(id_text).unwrap_or_default();
        return Err(CoreError::InvalidTicket {
            ticket_id: id,
            event_index: None,
            field: "events".to_owned(),
            row,
            kind: Box::new(TicketErrorKind::UnknownField),
        }
        .into());
    }
    let t = ticket_of(v, row)?;
    Ok(TicketHeader {
        id: t.id,
        kind: t.kind,
        urgency: t.urgency,
        channel: t.channel,
        received_at: t.received_at,
        attributes: t.attributes,
    })
}

/// The real-time scoreboard: ingest tickets and events one at a time or in batches, ask for
/// standings, scorecards, statuses and warnings at any instant, close periods, snapshot.
///
/// Methods lock the board in the order they are called: a `Promise` method takes its turn at
/// the call, and a call made meanwhile waits for it.
#[napi(custom_finalize)]
pub struct Board {
    inner: Arc<Queued<CoreBoard>>,
    /// Its native memory, as reported to V8.
    external: Arc<External>,
}

impl ObjectFinalize for Board {
    fn finalize(self, env: Env) -> Result<()> {
        self.external.release(&env);
        Ok(())
    }
}

impl Board {
    /// The JavaScript object's native side, its size reported to V8.
    fn wrap(env: &Env, b: CoreBoard) -> Self {
        let external = Arc::new(External::default());
        measure(env, &external, &b);
        Board {
            inner: Queued::new(b),
            external,
        }
    }

    fn lock(&self) -> Held<'_, CoreBoard> {
        self.inner.lock()
    }

    /// Measures the board again for V8 when it has grown enough since the last time (call after
    /// ingesting).
    fn account(&self, env: &Env, board: &CoreBoard) {
        account(env, &self.external, board);
    }
}

/// Reports the board's native memory to V8.
fn measure(env: &Env, external: &External, board: &CoreBoard) {
    external.measured(env, board.ticket_count(), board.stats().heap_bytes);
}

/// [`measure`] when the board has grown (or shrunk) enough since it was last measured.
fn account(env: &Env, external: &External, board: &CoreBoard) {
    if external.stale(board.ticket_count()) {
        measure(env, external, board);
    }
}

/// `{ accepted, duplicate, rejected }`, the rejections as `Error`s with `code` (not thrown).
fn loaded_js(env: &Env, loaded: Ingested) -> Result<Unknown<'_>> {
    let mut obj = Object::new(env)?;
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    obj.set_named_property("accepted", count(loaded.accepted))?;
    obj.set_named_property("duplicate", count(loaded.duplicate))?;
    let n = u32::try_from(loaded.rejected.len()).unwrap_or(u32::MAX);
    let mut rejected = env.create_array(n)?;
    for (i, e) in loaded.rejected.into_iter().enumerate() {
        let i = u32::try_from(i).unwrap_or(u32::MAX);
        rejected.set(i, failure_object(env, &Failure::Core(e))?)?;
    }
    obj.set_named_property("rejected", rejected)?;
    Ok(obj.to_unknown())
}

/// One batch outcome: `{ status }`, with `error` (an `Error` with `code`) when rejected; the
/// error's `row` is the item's (`row`), unless it says one itself.
fn outcome<'e>(env: &'e Env, i: Fallible<Ingest>, row: Option<usize>) -> Result<Object<'e>> {
    let mut obj = Object::new(env)?;
    let (status, failure) = match i {
        Ok(Ingest::Accepted) => ("accepted", None),
        Ok(Ingest::Duplicate) => ("duplicate", None),
        Ok(Ingest::Rejected(e)) => ("rejected", Some(Failure::Core(e))),
        Err(f) => ("rejected", Some(f)),
    };
    obj.set_named_property("status", status)?;
    if let Some(f) = failure {
        let mut error = failure_object(env, &f)?;
        if let Some(r) = row
            && !error.has_named_property("row")?
        {
            error.set_named_property("row", u32::try_from(r).unwrap_or(u32::MAX))?;
        }
        obj.set_named_property("error", error)?;
    }
    Ok(obj)
}

/// The outcomes of a list of items; `rows`: each rejection names its item's index as `row`
/// (a batch's items are its rows).
fn outcomes<'e>(env: &'e Env, list: Vec<Fallible<Ingest>>, rows: bool) -> Result<Unknown<'e>> {
    let mut arr = env.create_array(u32::try_from(list.len()).unwrap_or(u32::MAX))?;
    for (i, item) in list.into_iter().enumerate() {
        let row = rows.then_some(i);
        arr.set(
            u32::try_from(i).unwrap_or(u32::MAX),
            outcome(env, item, row)?,
        )?;
    }
    Ok(arr.to_unknown())
}

/// One item of `ingestBatch`, read on its own (errors name the item's field).
fn batch_item(board: &CoreBoard, read: &Batch<Failure>, i: usize, item: &Value) -> Fallible<Input> {
    // Not in the item form: `invalid_input` naming the key, the item and its ticket, as the
    // Python binding says it.
    let bad = |field: &str, ticket_id: Option<&str>, message: String| Failure::Input {
        field: field.to_owned(),
        message: format!("`items[{i}]`: {message}"),
        ticket_id: ticket_id.map(str::to_owned),
        row: Some(i),
    };
    match item.get("input").and_then(Value::as_str) {
        Some("event") => {
            let Value::Object(map) = item else {
                return Err(bad("input", None, "an item must be an object".into()));
            };
            // An unknown key first: a camelCase `ticketId` is named as such.
            let named = map.get("ticket_id").and_then(id_text);
            let named = named.as_deref();
            if let Some(k) = map
                .keys()
                .find(|k| !matches!(k.as_str(), "input" | "ticket_id" | "event"))
            {
                return Err(bad(
                    k,
                    named,
                    format!(
                        "unknown key `{k}`; an event item has `input`, `ticket_id` and `event`"
                    ),
                ));
            }
            let ticket_id = named.ok_or_else(|| {
                bad(
                    "ticket_id",
                    None,
                    "an event item needs a `ticket_id` (a string, or an integer)".into(),
                )
            })?;
            let event = map.get("event").ok_or_else(|| {
                bad(
                    "event",
                    Some(ticket_id),
                    "an event item needs an `event`".into(),
                )
            })?;
            event_of(
                ticket_id,
                read.next_event_index(board, ticket_id),
                event,
                Some(i),
            )
            .map(|event| Input::Event {
                ticket_id: ticket_id.to_owned(),
                event,
            })
        }
        Some("ticket") => {
            let mut header = item.clone();
            if let Value::Object(map) = &mut header {
                map.remove("input");
            }
            header_of(&header, Some(i)).map(Input::Ticket)
        }
        _ if !item.is_object() => Err(bad(
            "input",
            None,
            "an item must be an object with `input` 'ticket' or 'event'".into(),
        )),
        _ => Err(bad(
            "input",
            None,
            format!(
                "`input` must be 'ticket' or 'event', got {}",
                item.get("input")
                    .map_or("nothing".to_owned(), Value::to_string)
            ),
        )),
    }
}

/// `accepted` / `duplicate`, or the rejection as a thrown error.
fn single(i: Ingest) -> Fallible<String> {
    match i {
        Ingest::Accepted => Ok("accepted".into()),
        Ingest::Duplicate => Ok("duplicate".into()),
        Ingest::Rejected(e) => Err(e.into()),
    }
}

fn board_js(env: &Env, b: CoreBoard) -> Result<Unknown<'_>> {
    Ok(Board::wrap(env, b).into_instance(env)?.to_unknown())
}

/// `ingestBatch`'s items: an array.
fn batch_items(items: JsonValue) -> Fallible<Vec<Value>> {
    match items.0 {
        Value::Array(items) => Ok(items),
        _ => Err(bad_arg("items", "`items` must be an array")),
    }
}

/// Reads and ingests `ingestBatch`'s items, one outcome per item.
fn ingest_items(board: &mut CoreBoard, items: &[Value]) -> Vec<Fallible<Ingest>> {
    let mut read = Batch::new();
    for (i, item) in items.iter().enumerate() {
        let input = batch_item(board, &read, i, item);
        read.push(input);
    }
    read.ingest(board)
}

/// A worker's answer with the board's size after it (its ticket count, and its heap bytes when
/// V8's figure is stale: measured in the worker's turn), and where V8's figure is kept.
type Measured<T> = (T, (usize, Option<usize>), Arc<External>);

/// Runs `work` on the board in its `turn` (off the JavaScript thread), then measures the board.
fn measured_turn<T>(
    turn: Turn<CoreBoard>,
    external: Arc<External>,
    work: impl FnOnce(&mut CoreBoard) -> T,
) -> Measured<T> {
    let (out, size) = turn.run(|board| {
        let out = work(board);
        let count = board.ticket_count();
        let bytes = external.stale(count).then(|| board.stats().heap_bytes);
        (out, (count, bytes))
    });
    (out, size, external)
}

/// Reports a [`Measured`] size to V8 (on the JavaScript thread) and gives the answer back.
fn report_size<T>(env: &Env, (out, size, external): Measured<T>) -> T {
    if let (count, Some(bytes)) = size {
        external.measured(env, count, bytes);
    }
    out
}

/// `ingestBatch`'s outcomes.
fn batch_ingested_js(env: &Env, m: Measured<Vec<Fallible<Ingest>>>) -> Result<Unknown<'_>> {
    let out = report_size(env, m);
    outcomes(env, out, true)
}

/// A bulk load's answer.
fn bulk_loaded_js(env: &Env, m: Measured<Ingested>) -> Result<Unknown<'_>> {
    let loaded = report_size(env, m);
    loaded_js(env, loaded)
}

#[napi]
impl Board {
    /// An empty board.
    #[napi(constructor, catch_unwind)]
    pub fn new(
        env: Env,
        #[napi(ts_arg_type = "BoardOptions")] options: Opts<BoardOptions<'_>>,
    ) -> Result<Self> {
        enter(&env, || Ok(Self::wrap(&env, builder(&options)?.build()?)))
    }

    /// A board restored from `snapshot()` bytes, with the same options it was built with, or a
    /// calendar that extends its own (next year's data added, predict mode on; dates it only
    /// predicted may change) and a units table with every unit of its own in the same group
    /// (renamed, reordered, new units); `board_snapshot_mismatch` otherwise. Off the JavaScript
    /// thread.
    #[napi(catch_unwind, ts_return_type = "Promise<Board>")]
    pub fn restore(
        #[napi(ts_arg_type = "Buffer")] bytes: Arg<Buffer>,
        #[napi(ts_arg_type = "BoardOptions")] options: Opts<BoardOptions<'_>>,
    ) -> AsyncTask<Work<CoreBoard>> {
        let prepared = bytes
            .get("bytes")
            .and_then(|bytes| Ok((bytes.to_vec(), builder(&options)?)));
        Work::after(prepared, move |(bytes, b)| Ok(b.restore(&bytes)?), board_js).spawn()
    }

    /// `restore` on the JavaScript thread.
    #[napi(factory, catch_unwind)]
    pub fn restore_sync(
        env: Env,
        #[napi(ts_arg_type = "Buffer")] bytes: Arg<Buffer>,
        #[napi(ts_arg_type = "BoardOptions")] options: Opts<BoardOptions<'_>>,
    ) -> Result<Self> {
        enter(&env, || {
            let bytes = bytes.get("bytes")?;
            Ok(Self::wrap(&env, builder(&options)?.restore(&bytes)?))
        })
    }

    /// A board restored from `snapshotJson()` text (as `restore` restores bytes), off the
    /// JavaScript thread.
    #[napi(catch_unwind, ts_return_type = "Promise<Board>")]
    pub fn restore_json(
        #[napi(ts_arg_type = "string")] text: Arg<String>,
        #[napi(ts_arg_type = "BoardOptions")] options: Opts<BoardOptions<'_>>,
    ) -> AsyncTask<Work<CoreBoard>> {
        let prepared = text
            .get("text")
            .and_then(|text| Ok((text, builder(&options)?)));
        Work::after(
            prepared,
            move |(text, b)| Ok(b.restore_json(&text)?),
            board_js,
        )
        .spawn()
    }

    /// `restoreJson` on the JavaScript thread.
    #[napi(factory, catch_unwind)]
    pub fn restore_json_sync(
        env: Env,
        #[napi(ts_arg_type = "string")] text: Arg<String>,
        #[napi(ts_arg_type = "BoardOptions")] options: Opts<BoardOptions<'_>>,
    ) -> Result<Self> {
        enter(&env, || {
            let text = text.get("text")?;
            Ok(Self::wrap(&env, builder(&options)?.restore_json(&text)?))
        })
    }

    /// Registers a ticket's header (`id, kind, urgency, channel, received_at, attributes`):
    /// `accepted`, or `duplicate` when the same header is already there; a different header
    /// for the same id throws `board_ticket_conflict`.
    #[napi(catch_unwind, ts_return_type = "'accepted' | 'duplicate'")]
    pub fn register(
        &self,
        env: Env,
        #[napi(ts_arg_type = "Omit<TicketObject, 'events'>")] header: JsonValue,
    ) -> Result<String> {
        enter(&env, || {
            let header = header_of(&header.0, None)?;
            let mut board = self.lock();
            let outcome = board.register(header);
            self.account(&env, &board);
            single(outcome)
        })
    }

    /// Ingests one event of a registered ticket (transactional: a rejected event leaves no
    /// trace; idempotent by `event_id`; late events are inserted in time order): `accepted` or
    /// `duplicate`, else it throws the rejection.
    #[napi(catch_unwind, ts_return_type = "'accepted' | 'duplicate'")]
    pub fn ingest(
        &self,
        env: Env,
        #[napi(ts_arg_type = "string | number")] ticket_id: Arg<Id>,
        #[napi(ts_arg_type = "EventObject")] event: JsonValue,
    ) -> Result<String> {
        enter(&env, || {
            let ticket_id = ticket_id.get("ticketId")?;
            let ticket_id = ticket_id.0.get("ticketId")?;
            let mut board = self.lock();
            let index = board.next_event_index(ticket_id);
            let event = event_of(ticket_id, index, &event.0, None)?;
            let outcome = board.ingest(ticket_id, event);
            self.account(&env, &board);
            single(outcome)
        })
    }

    /// Ingests a batch of items in order — `{ input: 'ticket', ...header }` or
    /// `{ input: 'event', ticket_id, event }` — off the JavaScript thread (the items are read
    /// when the call is made): one outcome per item (a rejected item does not stop the batch).
    /// Events the rules between events refused, and events of a ticket whose header comes later
    /// in the batch, are tried again at the end, a ticket's together (out of order, or valid only
    /// together); those refused then carry the reason that holds at the end.
    #[napi(catch_unwind, ts_return_type = "Promise<Array<IngestOutcome>>")]
    pub fn ingest_batch(
        &self,
        #[napi(
            ts_arg_type = "Array<({ input: 'ticket' } & Omit<TicketObject, 'events'>) | { input: 'event'; ticket_id: string; event: EventObject }>"
        )]
        items: JsonValue,
    ) -> AsyncTask<Work<Measured<Vec<Fallible<Ingest>>>>> {
        let (turn, external) = (self.inner.turn(), self.external.clone());
        Work::after(
            batch_items(items),
            move |items| {
                Ok(measured_turn(turn, external, |board| {
                    ingest_items(board, &items)
                }))
            },
            batch_ingested_js,
        )
        .spawn()
    }

    /// `ingestBatch` on the JavaScript thread.
    #[napi(catch_unwind, ts_return_type = "Array<IngestOutcome>")]
    pub fn ingest_batch_sync<'e>(
        &self,
        env: &'e Env,
        #[napi(
            ts_arg_type = "Array<({ input: 'ticket' } & Omit<TicketObject, 'events'>) | { input: 'event'; ticket_id: string; event: EventObject }>"
        )]
        items: JsonValue,
    ) -> Result<Unknown<'e>> {
        let items = enter(env, || batch_items(items))?;
        let mut board = self.lock();
        let out = ingest_items(&mut board, &items);
        self.account(env, &board);
        drop(board);
        outcomes(env, out, true)
    }

    /// Ingests a whole ticket as `ingestBatch` would: registers its header, then its events
    /// (events refused alone are tried again together), one outcome per item (the header's
    /// first); an item that cannot be read is rejected with its error and the others go on.
    #[napi(catch_unwind, ts_return_type = "Array<IngestOutcome>")]
    pub fn ingest_ticket<'e>(
        &self,
        env: &'e Env,
        #[napi(ts_arg_type = "TicketObject")] ticket: JsonValue,
    ) -> Result<Unknown<'e>> {
        let (header, events) = enter(env, || {
            let Value::Object(mut map) = ticket.0 else {
                return Err(bad_arg(
                    "ticket",
                    "`ticket` must be an object (a ticket with its `events`)",
                ));
            };
            let events = match map.remove("events") {
                None | Some(Value::Null) => Vec::new(),
                Some(Value::Array(events)) => events,
                Some(_) => return Err(bad_arg("events", "`ticket.events` must be an array")),
            };
            Ok((Value::Object(map), events))
        })?;
        let ticket_id = header.get("id").and_then(id_text).unwrap_or_default();
        let mut board = self.lock();
        let mut read = Batch::new();
        read.push(header_of(&header, None).map(Input::Ticket));
        for event in &events {
            let index = read.next_event_index(&board, &ticket_id);
            let input = event_of(&ticket_id, index, event, None).map(|event| Input::Event {
                ticket_id: ticket_id.clone(),
                event,
            });
            read.push(input);
        }
        let out = read.ingest(&mut board);
        self.account(env, &board);
        drop(board);
        outcomes(env, out, false)
    }

    /// Ingests every ticket of a `Tickets` set (bulk load, e.g. the history before going live),
    /// off the JavaScript thread: the numbers of accepted and duplicate items, and every
    /// rejection as an `Error` with `code` (each rejected item changed nothing; loading goes on).
    #[napi(catch_unwind, ts_return_type = "Promise<IngestCounts>")]
    pub fn ingest_tickets(
        &self,
        #[napi(ts_arg_type = "Tickets")] tickets: Instance<'_, Tickets>,
    ) -> AsyncTask<Work<Measured<Ingested>>> {
        let (turn, external, ts) = (
            self.inner.turn(),
            self.external.clone(),
            tickets.set.clone(),
        );
        Work::new(
            move || {
                Ok(measured_turn(turn, external, |board| {
                    board.ingest_tickets(ts.tickets())
                }))
            },
            bulk_loaded_js,
        )
        .spawn()
    }

    /// `ingestTickets` on the JavaScript thread.
    #[napi(catch_unwind, ts_return_type = "IngestCounts")]
    pub fn ingest_tickets_sync<'e>(
        &self,
        env: &'e Env,
        #[napi(ts_arg_type = "Tickets")] tickets: Instance<'_, Tickets>,
    ) -> Result<Unknown<'e>> {
        let mut board = self.lock();
        let loaded = board.ingest_tickets(tickets.set.tickets());
        self.account(env, &board);
        drop(board);
        loaded_js(env, loaded)
    }

    /// The scheme's period containing `asOf`.
    #[napi(catch_unwind)]
    pub fn period_at(
        &self,
        env: Env,
        #[napi(ts_arg_type = "Date | string | number")] as_of: When,
    ) -> Result<PeriodOut> {
        enter(&env, || {
            Ok(period_out(&self.lock().period_at(as_of.get()?)?))
        })
    }

    /// The ranking of every group at `asOf` (period: given, or the scheme's containing `asOf`).
    #[napi(catch_unwind, ts_return_type = "Standings")]
    pub fn standings<'e>(
        &self,
        env: &'e Env,
        #[napi(ts_arg_type = "Date | string | number")] as_of: When,
        #[napi(ts_arg_type = "PeriodInput | undefined | null")] period: Option<PeriodArg>,
    ) -> Result<Unknown<'e>> {
        let out = enter(env, || {
            let b = self.lock();
            let t = as_of.get()?;
            Ok(match &period {
                Some(p) => b.standings_in(&period_in(p)?, t)?,
                None => b.standings(t)?,
            })
        })?;
        json::plain(env, &out)
    }

    /// Full scores at `asOf` (the same as batch scoring of the board's tickets).
    #[napi(catch_unwind, ts_return_type = "Scores")]
    pub fn scores<'e>(
        &self,
        env: &'e Env,
        #[napi(ts_arg_type = "Date | string | number")] as_of: When,
        #[napi(ts_arg_type = "PeriodInput | undefined | null")] period: Option<PeriodArg>,
    ) -> Result<Unknown<'e>> {
        let out = enter(env, || {
            let b = self.lock();
            let t = as_of.get()?;
            Ok(match &period {
                Some(p) => b.scores_in(&period_in(p)?, t)?,
                None => b.scores(t)?,
            })
        })?;
        json::plain(env, &out)
    }

    /// A unit's scorecard and its explanation (the tickets behind every lost point).
    #[napi(
        catch_unwind,
        ts_return_type = "{ card: Scorecard; explanation: Explanation }"
    )]
    pub fn scorecard<'e>(
        &self,
        env: &'e Env,
        #[napi(ts_arg_type = "string")] unit: Text,
        #[napi(ts_arg_type = "Date | string | number")] as_of: When,
        #[napi(ts_arg_type = "PeriodInput | undefined | null")] period: Option<PeriodArg>,
    ) -> Result<Unknown<'e>> {
        let out = enter(env, || {
            let unit = unit.get("unit")?;
            let b = self.lock();
            let t = as_of.get()?;
            Ok(match &period {
                Some(p) => b.scorecard_in(&period_in(p)?, unit, t)?,
                None => b.scorecard(unit, t)?,
            })
        })?;
        json::plain(env, &out)
    }

    /// A unit's running clocks that are yellow (deadline near) or red (overdue) at `asOf`.
    #[napi(catch_unwind, ts_return_type = "Array<DeadlineStatus>")]
    pub fn deadline_statuses<'e>(
        &self,
        env: &'e Env,
        #[napi(ts_arg_type = "string")] unit: Text,
        #[napi(ts_arg_type = "Date | string | number")] as_of: When,
    ) -> Result<Unknown<'e>> {
        let out = enter(env, || {
            Ok(self
                .lock()
                .deadline_statuses(unit.get("unit")?, as_of.get()?)?)
        })?;
        json::plain(env, &out)
    }

    /// Period warnings at `asOf` (empty outside the warning window; `scheme_lacks` when the
    /// scheme has no `[warnings]`).
    #[napi(catch_unwind, ts_return_type = "Array<UnitWarning>")]
    pub fn warnings<'e>(
        &self,
        env: &'e Env,
        #[napi(ts_arg_type = "Date | string | number")] as_of: When,
        #[napi(ts_arg_type = "PeriodInput | undefined | null")] period: Option<PeriodArg>,
    ) -> Result<Unknown<'e>> {
        let out = enter(env, || {
            let b = self.lock();
            let t = as_of.get()?;
            Ok(match &period {
                Some(p) => b.warnings_in(&period_in(p)?, t)?,
                None => b.warnings(t)?,
            })
        })?;
        json::plain(env, &out)
    }

    /// The metrics table at `asOf` (period: given, or the scheme's containing `asOf`), in the
    /// argument order of `standings` and `scores`.
    #[napi(catch_unwind, ts_return_type = "Metrics")]
    pub fn metrics<'e>(
        &self,
        env: &'e Env,
        #[napi(ts_arg_type = "Date | string | number")] as_of: When,
        #[napi(ts_arg_type = "PeriodInput | undefined | null")] period: Option<PeriodArg>,
    ) -> Result<Unknown<'e>> {
        let out = enter(env, || self.metrics_at(&as_of, period.as_ref()))?;
        json::plain(env, &out)
    }

    /// `metrics`, as the core's JSON text: the exact bytes, also for units whose ids are digits
    /// (which a JavaScript object lists first, in numeric order).
    #[napi(catch_unwind)]
    pub fn metrics_json(
        &self,
        env: Env,
        #[napi(ts_arg_type = "Date | string | number")] as_of: When,
        #[napi(ts_arg_type = "PeriodInput | undefined | null")] period: Option<PeriodArg>,
    ) -> Result<String> {
        let out = enter(&env, || self.metrics_at(&as_of, period.as_ref()))?;
        json::text(&out)
    }

    /// Sets an external metric (declared in the scheme) of a unit for a period.
    #[napi(catch_unwind)]
    pub fn set_external(
        &self,
        env: Env,
        #[napi(ts_arg_type = "PeriodInput")] period: PeriodArg,
        #[napi(ts_arg_type = "string")] unit: Text,
        #[napi(ts_arg_type = "string")] name: Text,
        #[napi(ts_arg_type = "number | string")] value: JsonValue,
    ) -> Result<()> {
        enter(&env, || {
            let (unit, name) = (unit.get("unit")?, name.get("name")?);
            let d = decimal::from_json("value", "value", &value.0)?;
            Ok(self
                .lock()
                .set_external(&period_in(&period)?, unit, name, d)?)
        })
    }

    /// Adds a manual adjustment (人工加减分) to a period: `{ unit, metric, amount, reason,
    /// approver }`, its amount (a number or a decimal string) added to the unit's external
    /// metric `metric`, listed with its reason and approver on the scorecard and in the
    /// explanation.
    #[napi(catch_unwind)]
    pub fn add_adjustment(
        &self,
        env: Env,
        #[napi(ts_arg_type = "PeriodInput")] period: PeriodArg,
        #[napi(ts_arg_type = "Adjustment")] adjustment: JsonValue,
    ) -> Result<()> {
        enter(&env, || {
            let a: Adjustment = serde_json::from_value(adjustment.0)
                .map_err(|e| bad_arg("adjustment", format!("`adjustment`: {e}")))?;
            Ok(self.lock().add_adjustment(&period_in(&period)?, a)?)
        })
    }

    /// Closes a period scored at `asOf` (at or after its end): freezes its scores into the
    /// history and runs the sanctions ladder. Periods close in order and without gaps: after the
    /// first, a period starts where the last closed one ended.
    #[napi(
        catch_unwind,
        ts_return_type = "{ scores: Scores; sanctions: PeriodSanctions | null }"
    )]
    pub fn close_period<'e>(
        &self,
        env: &'e Env,
        #[napi(ts_arg_type = "PeriodInput")] period: PeriodArg,
        #[napi(ts_arg_type = "Date | string | number")] as_of: When,
    ) -> Result<Unknown<'e>> {
        let out = enter(env, || {
            Ok(self
                .lock()
                .close_period(&period_in(&period)?, as_of.get()?)?)
        })?;
        json::plain(env, &out)
    }

    /// The scores of every closed period, oldest first: the history the sanctions ladder reads.
    #[napi(catch_unwind, ts_return_type = "Array<Scores>")]
    pub fn history<'e>(&self, env: &'e Env) -> Result<Unknown<'e>> {
        let board = self.lock();
        json::plain(env, &board.history())
    }

    /// One ticket as the board holds it (header and events in time order, the core's JSON
    /// form), or `null` if it is not registered.
    #[napi(catch_unwind, ts_return_type = "TicketOut | null")]
    pub fn ticket<'e>(
        &self,
        env: &'e Env,
        #[napi(ts_arg_type = "string | number")] ticket_id: Arg<Id>,
    ) -> Result<Unknown<'e>> {
        let id = enter(env, || {
            let id = ticket_id.get("ticketId")?;
            id.0.get("ticketId").map(str::to_owned)
        })?;
        json::plain(env, &self.lock().ticket(&id))
    }

    /// Every ticket the board holds, in registration order, as a `Tickets` set (for batch
    /// scoring, explanations or an export).
    #[napi(catch_unwind)]
    pub fn tickets(&self, env: Env) -> Tickets {
        let held = self.lock().tickets().cloned().collect();
        Tickets::from_loaded(
            &env,
            hotline_score::ticket::Loaded {
                tickets: held,
                diagnostics: Vec::new(),
            },
        )
    }

    /// The sanctions of every closed period, oldest first (`scheme_lacks` when the scheme has no
    /// sanctions ladder).
    #[napi(catch_unwind, ts_return_type = "Array<PeriodSanctions>")]
    pub fn sanctions<'e>(&self, env: &'e Env) -> Result<Unknown<'e>> {
        let out = enter(env, || Ok(self.lock().sanctions()?))?;
        json::plain(env, &out)
    }

    /// The whole state as bytes (restore with `Board.restore`); off the JavaScript thread.
    #[napi(catch_unwind, ts_return_type = "Promise<Buffer>")]
    pub fn snapshot(&self) -> AsyncTask<Work<Vec<u8>>> {
        let turn = self.inner.turn();
        Work::new(
            move || Ok(turn.run(|board| board.snapshot())?),
            |env, bytes| Ok(BufferSlice::from_data(env, bytes)?.to_unknown()),
        )
        .spawn()
    }

    /// `snapshot` on the JavaScript thread.
    #[napi(catch_unwind)]
    pub fn snapshot_sync(&self, env: Env) -> Result<Buffer> {
        enter(&env, || Ok(Buffer::from(self.lock().snapshot()?)))
    }

    /// The whole state as JSON text (restore with `Board.restoreJson`); the text is written off
    /// the JavaScript thread.
    #[napi(catch_unwind, ts_return_type = "Promise<string>")]
    pub fn snapshot_json(&self) -> AsyncTask<Work<String>> {
        let turn = self.inner.turn();
        Work::new(
            move || {
                let text = turn.run(|board| board.snapshot_json())?;
                json::fitting(text, "snapshot(), the binary form")
            },
            |env, text| Ok(env.create_string(&text)?.to_unknown()),
        )
        .spawn()
    }

    /// `snapshotJson` on the JavaScript thread.
    #[napi(catch_unwind)]
    pub fn snapshot_json_sync(&self, env: Env) -> Result<String> {
        enter(&env, || {
            let text = self.lock().snapshot_json()?;
            json::fitting(text, "snapshot(), the binary form")
        })
    }

    /// The scheme the board scores with.
    #[napi(catch_unwind)]
    pub fn scheme(&self) -> Scheme {
        Scheme {
            inner: Arc::new(self.lock().scheme().clone()),
        }
    }

    /// The board's evaluator (calendar, policy and units), for batch evaluation of its tickets
    /// (`evaluator.partial(tickets, …)`, or comparing the board with batch scoring).
    #[napi(catch_unwind)]
    pub fn evaluator(&self) -> Evaluator {
        let board = self.lock();
        Evaluator {
            inner: Arc::new(board.evaluator().clone()),
            units: Arc::new(board.units().to_vec()),
        }
    }

    /// The units table (`unit`, `group`, `name`), in the board's order.
    #[napi(catch_unwind, ts_return_type = "Array<Unit>")]
    pub fn units<'e>(&self, env: &'e Env) -> Result<Unknown<'e>> {
        json::plain(env, &self.lock().units())
    }

    /// The period anchor of due-anchored counters: `'due_date'` or `'due_or_closed'`.
    #[napi(getter, catch_unwind, ts_return_type = "'due_date' | 'due_or_closed'")]
    pub fn due_anchor<'e>(&self, env: &'e Env) -> Result<Unknown<'e>> {
        json::plain(env, &self.lock().due_anchor())
    }

    /// The metrics table at `as_of` in `period` (default: the scheme's period containing it).
    fn metrics_at(&self, as_of: &When, period: Option<&PeriodArg>) -> Fallible<MetricsTable> {
        let b = self.lock();
        let t = as_of.get()?;
        let p = match period {
            Some(p) => period_in(p)?,
            None => b.period_at(t)?,
        };
        Ok(b.metrics(&p, t)?)
    }

    /// Sizes of the board's state: tickets, open tickets, events, index entries, heap bytes.
    #[napi(getter, catch_unwind, ts_return_type = "Record<string, number>")]
    pub fn stats<'e>(&self, env: &'e Env) -> Result<Unknown<'e>> {
        json::plain(env, &self.lock().stats())
    }

    /// The latest event instant held, if any.
    #[napi(getter, catch_unwind)]
    pub fn latest_event(&self) -> Option<i64> {
        self.lock().latest_event().map(|t| t.millis())
    }

    /// The end of the last closed period, if any.
    #[napi(getter, catch_unwind)]
    pub fn closed_through(&self) -> Option<i64> {
        self.lock().closed_through().map(|t| t.millis())
    }
}
