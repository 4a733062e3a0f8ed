//! Shared inputs for the criterion benchmarks in `benches/benches/`.

use hotline_score::clocks::TicketBatch;
use hotline_score::synthetic::{CityConfig, CityGenerator};
use hotline_score::{Instant, Result, Unit};

/// The batch-scoring workload of SPEC §12: one quarter (2026-Q1) of a synthetic city with
/// 300 units and about 1,000,000 tickets.
pub fn million_ticket_config() -> CityConfig {
    CityConfig {
        seed: 2026,
        units: 300,
        days: 90,
        // Q1 2026 yields about 0.98 of the nominal count (weekends and the Spring Festival are
        // quieter): 11,341 a day gives about 1,000,000.
        tickets_per_day: 11_341,
        ..CityConfig::default()
    }
}

/// A synthetic city streamed straight into a compact [`TicketBatch`] (the tickets are never
/// all held as `Ticket` values): its units, the batch and the snapshot instant.
pub fn city_batch(config: &CityConfig) -> Result<(Vec<Unit>, TicketBatch, Instant)> {
    let generator = CityGenerator::new(config)?;
    let mut batch = TicketBatch::new();
    for t in generator.tickets() {
        batch.push(&t);
    }
    Ok((generator.units().to_vec(), batch, generator.as_of()))
}

/// Events per ticket of `batch`, for reports.
pub fn events_per_ticket(batch: &TicketBatch) -> f64 {
    #[allow(clippy::cast_precision_loss)]
    let r = batch.event_count() as f64 / batch.len().max(1) as f64;
    r
}
