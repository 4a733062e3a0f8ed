//! `generate`: writes the synthetic city as the three flat tables of SPEC §3.2a —
//! `tickets.csv`, `events.csv`, `units.csv` (or `.json` arrays of rows) — streaming, so a
//! million tickets never sit in memory at once.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use hotline_score::synthetic::{CityConfig, CityGenerator};
use hotline_score::ticket::{EventRow, TicketRow};
use serde::Serialize;

use crate::fail::{CliResult, Failure};
use crate::input::parse_date;
use crate::progress::Progress;

/// File format of `generate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DataFormat {
    /// `tickets.csv`, `events.csv`, `units.csv`.
    Csv,
    /// `tickets.json`, `events.json`, `units.json`: arrays of row objects.
    Json,
}

/// Options of `generate`.
#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// Directory to write the files into (created if missing).
    #[arg(long, short, value_name = "DIR")]
    pub out: PathBuf,
    /// File format.
    #[arg(long, value_enum, default_value_t = DataFormat::Csv)]
    pub format: DataFormat,
    /// Seed (same seed and options, same files).
    #[arg(long, default_value_t = 12345)]
    pub seed: u64,
    /// First day (YYYY-MM-DD).
    #[arg(long, default_value = "2026-01-01")]
    pub start: String,
    /// Number of days.
    #[arg(long, default_value_t = 90, value_parser = clap::value_parser!(u32).range(1..=i64::from(CityConfig::MAX_DAYS)))]
    pub days: u32,
    /// Average tickets a day.
    #[arg(long, default_value_t = 900, value_parser = clap::value_parser!(u32).range(1..=i64::from(CityConfig::MAX_TICKETS_PER_DAY)))]
    pub tickets_per_day: u32,
    /// Number of units (groups keep Sanmenxia's 8 : 44 : 8 proportions).
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u32).range(1..=CityConfig::MAX_UNITS as i64))]
    pub units: u32,
    /// Stop after this many tickets (the first N of the city).
    #[arg(long, value_name = "N")]
    pub limit: Option<u64>,
}

/// Runs `generate`.
pub fn run(args: &GenerateArgs, progress: Progress) -> CliResult<()> {
    let config = CityConfig {
        seed: args.seed,
        start: parse_date(&args.start)?,
        days: args.days,
        units: args.units as usize,
        tickets_per_day: args.tickets_per_day,
        ..CityConfig::default()
    };
    let city = CityGenerator::new(&config)?;
    std::fs::create_dir_all(&args.out)
        .map_err(|e| Failure::usage(format!("cannot create {}: {e}", args.out.display())))?;
    let n = args.limit.map_or(city.len(), |l| l.min(city.len()));
    let ext = match args.format {
        DataFormat::Csv => "csv",
        DataFormat::Json => "json",
    };
    let path = |name: &str| args.out.join(format!("{name}.{ext}"));
    let mut units = Sink::create(&path("units"), args.format)?;
    units.header(&["unit", "group", "name"])?;
    for u in city.units() {
        units.row(u, &[u.id.as_str(), &u.group, &u.name])?;
    }
    units.finish()?;

    // Attribute columns: every attribute the generator writes, whether or not the first tickets
    // carry it (they were read off the first 10,000 tickets: a city without a repeated call
    // among them had no `repeat` column, and a later one's was dropped).
    let attributes = hotline_score::synthetic::ATTRIBUTES;
    let mut ticket_cols: Vec<&str> = TicketRow::COLUMNS.to_vec();
    ticket_cols.extend(attributes);
    let mut tickets = Sink::create(&path("tickets"), args.format)?;
    tickets.header(&ticket_cols)?;
    let mut events = Sink::create(&path("events"), args.format)?;
    events.header(&EventRow::COLUMNS)?;
    let bar = progress.items("generating", n, "tickets");
    let mut event_count = 0u64;
    for (i, t) in city.range(0, n).enumerate() {
        let (row, event_rows) = t.to_rows();
        let mut cells: Vec<&str> = vec![
            &row.ticket_id,
            &row.kind,
            row.urgency.as_deref().unwrap_or(""),
            row.channel.as_deref().unwrap_or(""),
            &row.received_at,
        ];
        cells.extend(
            attributes
                .iter()
                .map(|a| row.attributes.get(*a).map_or("", String::as_str)),
        );
        tickets.row(&row, &cells)?;
        for e in &event_rows {
            fn o(v: &Option<String>) -> &str {
                v.as_deref().unwrap_or("")
            }
            events.row(
                e,
                &[
                    &e.ticket_id,
                    &e.at,
                    &e.event_type,
                    o(&e.unit),
                    o(&e.role),
                    o(&e.reason),
                    o(&e.accepted),
                    o(&e.approved),
                    o(&e.amount),
                    o(&e.passed),
                    o(&e.satisfaction),
                    o(&e.resolved),
                    o(&e.event_id),
                ],
            )?;
        }
        event_count += event_rows.len() as u64;
        if i % 4096 == 0 {
            bar.set_position(i as u64);
        }
    }
    bar.finish_and_clear();
    tickets.finish()?;
    events.finish()?;
    eprintln!(
        "wrote {} units, {n} tickets and {event_count} events to {}",
        city.units().len(),
        args.out.display()
    );
    Ok(())
}

/// One output table: CSV records, or a JSON array of row objects.
enum Sink {
    Csv(Box<csv::Writer<BufWriter<File>>>, String),
    Json(BufWriter<File>, String, bool),
}

impl Sink {
    fn create(path: &Path, format: DataFormat) -> CliResult<Sink> {
        let file = File::create(path)
            .map_err(|e| Failure::usage(format!("cannot write {}: {e}", path.display())))?;
        let w = BufWriter::with_capacity(1 << 20, file);
        let name = path.display().to_string();
        Ok(match format {
            DataFormat::Csv => Sink::Csv(Box::new(csv::Writer::from_writer(w)), name),
            DataFormat::Json => Sink::Json(w, name, true),
        })
    }

    fn io(name: &str, e: impl std::fmt::Display) -> Failure {
        Failure::data(format!("cannot write {name}: {e}"))
    }

    fn header(&mut self, cols: &[&str]) -> CliResult<()> {
        match self {
            Sink::Csv(w, name) => w.write_record(cols).map_err(|e| Self::io(name, e)),
            Sink::Json(w, name, _) => w.write_all(b"[").map_err(|e| Self::io(name, e)),
        }
    }

    /// Writes one row: `cells` in CSV, `value` (same columns) in JSON.
    fn row<T: Serialize>(&mut self, value: &T, cells: &[&str]) -> CliResult<()> {
        match self {
            Sink::Csv(w, name) => w.write_record(cells).map_err(|e| Self::io(name, e)),
            Sink::Json(w, name, first) => {
                let sep: &[u8] = if *first { b"\n" } else { b",\n" };
                *first = false;
                w.write_all(sep).map_err(|e| Self::io(name, e))?;
                serde_json::to_writer(&mut *w, value).map_err(|e| Self::io(name, e))
            }
        }
    }

    fn finish(self) -> CliResult<()> {
        match self {
            Sink::Csv(mut w, name) => w.flush().map_err(|e| Self::io(&name, e)),
            Sink::Json(mut w, name, _) => {
                w.write_all(b"\n]\n").map_err(|e| Self::io(&name, e))?;
                w.flush().map_err(|e| Self::io(&name, e))
            }
        }
    }
}
