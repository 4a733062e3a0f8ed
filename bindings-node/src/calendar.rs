//! `Calendar`: working-time calendars (SPEC §2) — construction options, data loading and every
//! operation of SPEC §2.3.

use std::path::Path;

use hotline_score::calendar::{CalendarData, DayCount, DeadlineAt, WeeklyTemplate as CoreTemplate};
use hotline_score::{Calendar as CoreCalendar, Instant};
use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::args::{Arg, Keys, Opts, optional};
use crate::errors::{Fallible, bad_arg, count, enter, named, whole};
use crate::instant::{Day, When, format_offset, opt_date, parse_date, parse_offset};
use crate::json::{JsonValue, TextOrObject};

/// A weekly template: working intervals (`"09:00-12:00"`, an interval may end at `24:00`) per
/// group of days or single day; single days apply after the groups. Read by the core's
/// template reader: any other key is an `unknown_calendar_key` error.
// Declares the TypeScript interface only: templates are read as JSON by the core's reader.
#[allow(dead_code)]
#[napi(object, object_to_js = false)]
#[derive(Clone, Default)]
pub struct WeeklyTemplate {
    /// Every day of the week.
    pub every_day: Option<Vec<String>>,
    /// Monday to Friday.
    pub weekdays: Option<Vec<String>>,
    /// Saturday and Sunday.
    pub weekend: Option<Vec<String>>,
    pub mon: Option<Vec<String>>,
    pub tue: Option<Vec<String>>,
    pub wed: Option<Vec<String>>,
    pub thu: Option<Vec<String>>,
    pub fri: Option<Vec<String>>,
    pub sat: Option<Vec<String>>,
    pub sun: Option<Vec<String>>,
    /// Hours of make-up workdays that fall on non-working weekdays (default: the first working
    /// weekday's hours).
    pub adjusted_workday: Option<Vec<String>>,
}

/// A template in force from a date on (summer and winter hours).
#[napi(object, object_to_js = false)]
#[derive(Clone)]
pub struct DatedTemplate {
    /// First date it applies (`YYYY-MM-DD`).
    pub from: String,
    /// The template.
    #[napi(ts_type = "WeeklyTemplate")]
    pub template: JsonValue,
}

impl Keys for DatedTemplate {
    const FIELD: &'static str = "datedTemplates";
    const KEYS: &'static [&'static str] = &["from", "template"];
}

/// How to build a calendar. Every option is optional; layers apply in this order: `prc`,
/// `data`, `dataFiles`.
#[napi(object, object_to_js = false)]
#[derive(Default)]
pub struct CalendarOptions {
    /// Fixed UTC offset, `+08:00` by default.
    pub offset: Option<String>,
    /// Include the built-in PRC national data (State Council notices 2017–2026).
    pub prc: Option<bool>,
    /// The weekly template (default Mon–Fri 09:00–12:00, 13:30–17:30).
    #[napi(ts_type = "WeeklyTemplate")]
    pub template: Option<JsonValue>,
    /// Templates in force from a date on.
    #[napi(ts_type = "Array<DatedTemplate>")]
    pub dated_templates: Option<Vec<Opts<DatedTemplate>>>,
    /// Calendar data layers: a data file's TOML or JSON text, or objects of the JSON form
    /// (`docs/calendar-data.md`).
    #[napi(ts_type = "Array<string | Record<string, unknown>>")]
    pub data: Option<Vec<TextOrObject>>,
    /// Calendar data files (`.toml` or `.json`), read at construction.
    pub data_files: Option<Vec<String>>,
    /// Build the calendar as known on this date (`YYYY-MM-DD`): later notices are ignored.
    pub as_known_on: Option<String>,
    /// Ignore make-up workdays (调休上班) on days the template does not work.
    pub ignore_adjusted_workdays: Option<bool>,
    /// Explicit coverage `[from, through]` (`YYYY-MM-DD`), replacing the data's years.
    #[napi(ts_type = "[string, string]")]
    pub coverage: Option<Vec<String>>,
    /// Predict dates after coverage from the weekly template (10 years, or through
    /// `predictThrough`); see `usesPrediction`.
    pub predict: Option<bool>,
    /// Predict mode through this date (`YYYY-MM-DD`).
    pub predict_through: Option<String>,
    /// Use the whole-day clock: working days 00:00–24:00.
    pub whole_day: Option<bool>,
}

impl Keys for CalendarOptions {
    const FIELD: &'static str = "options";
    const KEYS: &'static [&'static str] = &[
        "offset",
        "prc",
        "template",
        "datedTemplates",
        "data",
        "dataFiles",
        "asKnownOn",
        "ignoreAdjustedWorkdays",
        "coverage",
        "predict",
        "predictThrough",
        "wholeDay",
    ];
}

/// Options of `workingDaysDeadline`.
#[napi(object, object_to_js = false)]
#[derive(Clone, Default)]
pub struct DayCountOptions {
    /// Count the start day as day 1 when it is a working day (含本数). Default false (次日起算).
    pub count_start_day: Option<bool>,
    /// Where the limit ends on its last day. Default `end_of_office_hours`.
    #[napi(ts_type = "'end_of_office_hours' | 'midnight'")]
    pub deadline_at: Option<String>,
}

impl Keys for DayCountOptions {
    const FIELD: &'static str = "options";
    const KEYS: &'static [&'static str] = &["countStartDay", "deadlineAt"];
}

/// A template object, read by the core (unknown keys and bad hours are its errors); the
/// camelCase keys of `WeeklyTemplate` (`everyDay`, `adjustedWorkday`) are the core's snake_case
/// ones.
fn template(t: &JsonValue) -> Fallible<CoreTemplate> {
    let mut value = t.0.clone();
    if let serde_json::Value::Object(map) = &mut value {
        for (js, core) in [
            ("everyDay", "every_day"),
            ("adjustedWorkday", "adjusted_workday"),
        ] {
            if let Some(hours) = map.remove(js) {
                map.insert(core.to_owned(), hours);
            }
        }
    }
    Ok(CoreTemplate::from_value(&value)?)
}

/// A data layer: an object of the JSON form, or a data file's text, JSON when it starts with
/// `{` and TOML otherwise (as the Python binding reads `data` text).
fn data_layer(layer: &TextOrObject) -> Fallible<CalendarData> {
    Ok(match layer {
        TextOrObject::Text(text) if text.trim_start().starts_with('{') => {
            CalendarData::from_json(text)?
        }
        TextOrObject::Text(toml) => CalendarData::from_toml(toml)?,
        TextOrObject::Object(json) => CalendarData::from_value(json)?,
    })
}

/// Builds a calendar from `opts` and an extra data layer on top.
pub fn build(
    opts: Option<&Opts<CalendarOptions>>,
    extra: Option<CalendarData>,
) -> Fallible<CoreCalendar> {
    let default = CalendarOptions::default();
    let opts = optional(opts)?.unwrap_or(&default);
    let mut b = CoreCalendar::builder();
    if let Some(o) = &opts.offset {
        b = b.offset(parse_offset(o)?);
    }
    if let Some(t) = &opts.template {
        b = b.template(template(t)?);
    }
    for d in opts.dated_templates.iter().flatten() {
        let d = d.get()?;
        b = b.template_from(parse_date(&d.from)?, template(&d.template)?);
    }
    if opts.prc == Some(true) {
        b = b.prc_data();
    }
    for layer in opts.data.iter().flatten() {
        b = b.data(data_layer(layer)?);
    }
    for file in opts.data_files.iter().flatten() {
        b = b.data(CalendarData::from_path(Path::new(file))?);
    }
    if let Some(extra) = extra {
        b = b.data(extra);
    }
    if let Some(d) = opt_date(opts.as_known_on.as_ref())? {
        b = b.as_known_on(d);
    }
    if let Some(c) = &opts.coverage {
        let [from, through] = c.as_slice() else {
            return Err(bad_arg(
                "coverage",
                "`coverage` must be [from, through] (two YYYY-MM-DD dates)",
            ));
        };
        b = b.coverage(parse_date(from)?, parse_date(through)?);
    }
    if opts.predict == Some(false) && opts.predict_through.is_some() {
        return Err(bad_arg(
            "predictThrough",
            "`predictThrough` turns predict mode on, and `predict: false` turns it off: give one",
        ));
    }
    if let Some(d) = opt_date(opts.predict_through.as_ref())? {
        b = b.predict_through(d);
    } else if let Some(on) = opts.predict {
        b = b.predict(on);
    }
    let cal = b
        .ignore_adjusted_workdays(opts.ignore_adjusted_workdays.unwrap_or(false))
        .build()?;
    Ok(if opts.whole_day == Some(true) {
        cal.whole_day()
    } else {
        cal
    })
}

/// A compiled working-time calendar. Instants in: `Date`, RFC 3339 strings with an offset, or
/// epoch milliseconds; instants out: epoch milliseconds. Dates in: `YYYY-MM-DD` or an instant
/// (its date in the calendar's offset); dates out: `YYYY-MM-DD`. Durations: milliseconds.
#[napi]
pub struct Calendar {
    pub(crate) inner: CoreCalendar,
}

impl Calendar {
    fn wrap(inner: CoreCalendar) -> Self {
        Calendar { inner }
    }
}

#[napi]
impl Calendar {
    /// A calendar built from `options` (no data by default: give `prc: true`, `data`,
    /// `dataFiles` or `coverage`).
    #[napi(constructor, catch_unwind)]
    pub fn new(
        env: Env,
        #[napi(ts_arg_type = "CalendarOptions | undefined | null")] options: Option<
            Opts<CalendarOptions>,
        >,
    ) -> Result<Self> {
        enter(&env, || build(options.as_ref(), None).map(Self::wrap))
    }

    /// The built-in PRC national calendar: +08:00, Mon–Fri 09:00–12:00 and 13:30–17:30, State
    /// Council notices 2017–2026 with their revisions.
    #[napi(factory, catch_unwind)]
    pub fn prc(env: Env) -> Result<Self> {
        enter(&env, || Ok(Self::wrap(CoreCalendar::prc()?)))
    }

    /// A calendar whose data is TOML text (the format of `docs/calendar-data.md`), layered
    /// after the options' layers (give `prc: true` to extend the national data).
    #[napi(factory, catch_unwind)]
    pub fn from_toml(
        env: Env,
        #[napi(ts_arg_type = "string")] text: Arg<String>,
        #[napi(ts_arg_type = "CalendarOptions | undefined | null")] options: Option<
            Opts<CalendarOptions>,
        >,
    ) -> Result<Self> {
        enter(&env, || {
            let data = CalendarData::from_toml(&text.get("text")?)?;
            build(options.as_ref(), Some(data)).map(Self::wrap)
        })
    }

    /// As `fromToml`, with JSON text.
    #[napi(factory, catch_unwind)]
    pub fn from_json(
        env: Env,
        #[napi(ts_arg_type = "string")] text: Arg<String>,
        #[napi(ts_arg_type = "CalendarOptions | undefined | null")] options: Option<
            Opts<CalendarOptions>,
        >,
    ) -> Result<Self> {
        enter(&env, || {
            let data = CalendarData::from_json(&text.get("text")?)?;
            build(options.as_ref(), Some(data)).map(Self::wrap)
        })
    }

    /// As `fromToml`, reading a `.toml` or `.json` file.
    #[napi(factory, catch_unwind)]
    pub fn from_file(
        env: Env,
        #[napi(ts_arg_type = "string")] path: Arg<String>,
        #[napi(ts_arg_type = "CalendarOptions | undefined | null")] options: Option<
            Opts<CalendarOptions>,
        >,
    ) -> Result<Self> {
        enter(&env, || {
            let data = CalendarData::from_path(Path::new(&path.get("path")?))?;
            build(options.as_ref(), Some(data)).map(Self::wrap)
        })
    }

    /// The calendar's UTC offset (`+08:00`).
    #[napi(getter, catch_unwind)]
    pub fn offset(&self) -> String {
        format_offset(self.inner.offset())
    }

    /// First covered date (`YYYY-MM-DD`).
    #[napi(getter, catch_unwind)]
    pub fn first_date(&self) -> String {
        self.inner.first_date().to_string()
    }

    /// Last covered date, including predicted dates (`YYYY-MM-DD`).
    #[napi(getter, catch_unwind)]
    pub fn last_date(&self) -> String {
        self.inner.last_date().to_string()
    }

    /// First predicted date, if predict mode added any.
    #[napi(getter, catch_unwind)]
    pub fn predicted_from(&self) -> Option<String> {
        self.inner.predicted_from().map(|d| d.to_string())
    }

    /// Working time in `[a, b)`, in milliseconds (negative when `b < a`).
    #[napi(catch_unwind)]
    pub fn working_between(
        &self,
        env: Env,
        #[napi(ts_arg_type = "Date | string | number")] a: When,
        #[napi(ts_arg_type = "Date | string | number")] b: When,
    ) -> Result<i64> {
        enter(&env, || {
            Ok(self.inner.working_between(a.get()?, b.get()?)?)
        })
    }

    /// The earliest instant with `ms` working milliseconds after `t` (`addWorking(t, 0) == t`).
    #[napi(catch_unwind)]
    pub fn add_working(
        &self,
        env: Env,
        #[napi(ts_arg_type = "Date | string | number")] t: When,
        #[napi(ts_arg_type = "number")] ms: Arg<f64>,
    ) -> Result<i64> {
        enter(&env, || {
            let ms = whole("ms", ms.get("ms")?)?;
            Ok(self.inner.add_working(t.get()?, ms)?.millis())
        })
    }

    /// The latest instant with `ms` working milliseconds before `t`.
    #[napi(catch_unwind)]
    pub fn sub_working(
        &self,
        env: Env,
        #[napi(ts_arg_type = "Date | string | number")] t: When,
        #[napi(ts_arg_type = "number")] ms: Arg<f64>,
    ) -> Result<i64> {
        enter(&env, || {
            let ms = whole("ms", ms.get("ms")?)?;
            Ok(self.inner.sub_working(t.get()?, ms)?.millis())
        })
    }

    /// The first instant at or after `t` that is inside working time.
    #[napi(catch_unwind)]
    pub fn next_working_instant(
        &self,
        env: Env,
        #[napi(ts_arg_type = "Date | string | number")] t: When,
    ) -> Result<i64> {
        enter(&env, || {
            Ok(self.inner.next_working_instant(t.get()?)?.millis())
        })
    }

    /// Whether the date has working time (`workday` or `adjusted_workday`).
    #[napi(catch_unwind)]
    pub fn is_workday(
        &self,
        env: Env,
        #[napi(ts_arg_type = "string | Date | number")] date: Day,
    ) -> Result<bool> {
        enter(&env, || {
            Ok(self.inner.is_workday(date.get(self.inner.offset())?)?)
        })
    }

    /// The kind of the date.
    #[napi(
        catch_unwind,
        ts_return_type = "'workday' | 'weekend' | 'holiday' | 'in_lieu' | 'adjusted_workday'"
    )]
    pub fn day_kind(
        &self,
        env: Env,
        #[napi(ts_arg_type = "string | Date | number")] date: Day,
    ) -> Result<String> {
        enter(&env, || {
            let kind = self.inner.day_kind(date.get(self.inner.offset())?)?;
            Ok(kind.name().to_owned())
        })
    }

    /// The `n`-th working day after the date (`n > 0`), before it (`n < 0`), or the date itself
    /// (`n == 0`); the date itself is not counted.
    #[napi(catch_unwind)]
    pub fn add_working_days(
        &self,
        env: Env,
        #[napi(ts_arg_type = "string | Date | number")] date: Day,
        #[napi(ts_arg_type = "number")] n: Arg<f64>,
    ) -> Result<String> {
        enter(&env, || {
            let n = whole("n", n.get("n")?)?;
            let d = date.get(self.inner.offset())?;
            Ok(self.inner.add_working_days(d, n)?.to_string())
        })
    }

    /// Working days in `[a, b)` (negative when `b < a`).
    #[napi(catch_unwind)]
    pub fn working_days_between(
        &self,
        env: Env,
        #[napi(ts_arg_type = "string | Date | number")] a: Day,
        #[napi(ts_arg_type = "string | Date | number")] b: Day,
    ) -> Result<i64> {
        enter(&env, || {
            let off = self.inner.offset();
            Ok(self.inner.working_days_between(a.get(off)?, b.get(off)?)?)
        })
    }

    /// The instant an "`n` working days" limit started at `start` ends (SPEC §2.3).
    #[napi(catch_unwind)]
    pub fn working_days_deadline(
        &self,
        env: Env,
        #[napi(ts_arg_type = "Date | string | number")] start: When,
        #[napi(ts_arg_type = "number")] n: Arg<f64>,
        #[napi(ts_arg_type = "DayCountOptions | undefined | null")] options: Option<
            Opts<DayCountOptions>,
        >,
    ) -> Result<i64> {
        enter(&env, || {
            let n = count("n", n.get("n")?)?;
            let default = DayCountOptions::default();
            let o = optional(options.as_ref())?.unwrap_or(&default);
            let deadline_at = match &o.deadline_at {
                Some(s) => named::<DeadlineAt>("deadlineAt", s)?,
                None => DeadlineAt::default(),
            };
            let opts = DayCount {
                count_start_day: o.count_start_day.unwrap_or(false),
                deadline_at,
            };
            Ok(self
                .inner
                .working_days_deadline(start.get()?, n, opts)?
                .millis())
        })
    }

    /// Whether a computation over `[a, b)` used predicted days (predict mode).
    #[napi(catch_unwind)]
    pub fn uses_prediction(
        &self,
        env: Env,
        #[napi(ts_arg_type = "Date | string | number")] a: When,
        #[napi(ts_arg_type = "Date | string | number")] b: When,
    ) -> Result<bool> {
        enter(&env, || Ok(self.inner.uses_prediction(a.get()?, b.get()?)))
    }

    /// Whether the date is predicted from the weekly template (predict mode).
    #[napi(catch_unwind)]
    pub fn is_predicted(
        &self,
        env: Env,
        #[napi(ts_arg_type = "string | Date | number")] date: Day,
    ) -> Result<bool> {
        enter(&env, || {
            Ok(self.inner.is_predicted(date.get(self.inner.offset())?))
        })
    }

    /// The same calendar viewed as "working days, 00:00–24:00" (the whole-day clock).
    #[napi(catch_unwind)]
    pub fn whole_day(&self) -> Calendar {
        Self::wrap(self.inner.whole_day())
    }

    /// RFC 3339 text of an instant in the calendar's offset.
    #[napi(catch_unwind)]
    pub fn format(
        &self,
        env: Env,
        #[napi(ts_arg_type = "Date | string | number")] t: When,
    ) -> Result<String> {
        enter(&env, || Ok(t.get()?.format(self.inner.offset())))
    }

    /// Epoch milliseconds of a local timestamp without offset (`2026-02-13T16:30:00`), read in
    /// the calendar's offset.
    #[napi(catch_unwind)]
    pub fn parse_local(
        &self,
        env: Env,
        #[napi(ts_arg_type = "string")] text: Arg<String>,
    ) -> Result<i64> {
        enter(&env, || {
            let text = text.get("text")?;
            Ok(Instant::parse_local(&text, self.inner.offset())?.millis())
        })
    }
}
