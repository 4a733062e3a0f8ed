//! `hotline_score.Calendar`: the core's compiled working-time calendar (SPEC §2).
//!
//! Instants in: timezone-aware `datetime`, RFC 3339 string with offset, or epoch milliseconds.
//! Instants out: epoch milliseconds (`int`). Durations: milliseconds (`int`). Dates:
//! `datetime.date` in, `datetime.date` out (or `YYYY-MM-DD` strings in).

use hotline_score::calendar::{CalendarData, DayCount, DeadlineAt, WeeklyTemplate};
use hotline_score::{Calendar as CoreCalendar, Instant};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

use crate::convert::{date_in, date_out, int_in, json_config, offset_in, offset_out, path_in};
use crate::errors::{enter, enter_hinted, input_error};
use crate::instant;
use crate::vector::{self, OnError};

/// A compiled working-time calendar (immutable, thread-safe; cheap to share).
#[pyclass(module = "hotline_score", frozen)]
pub struct Calendar {
    pub inner: CoreCalendar,
}

/// The builder options, read from keyword arguments.
struct Options<'py> {
    prc: bool,
    template: Option<Bound<'py, PyAny>>,
    dated_templates: Option<Bound<'py, PyAny>>,
    data: Option<Bound<'py, PyAny>>,
    data_files: Option<Bound<'py, PyAny>>,
    as_known_on: Option<Bound<'py, PyAny>>,
    ignore_adjusted_workdays: bool,
    coverage: Option<Bound<'py, PyAny>>,
    predict: Option<Bound<'py, PyAny>>,
    offset: &'py str,
    whole_day: bool,
}

fn template_in(py: Python<'_>, value: &Bound<'_, PyAny>, what: &str) -> PyResult<WeeklyTemplate> {
    let value = json_config(py, value, what)?;
    enter(py, || WeeklyTemplate::from_value(&value))
}

/// Calendar data: a dict (the JSON form), or the text of a TOML or JSON data file (JSON when
/// it starts with `{`), read as `Calendar.from_file` reads a file's text.
fn data_in(py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<CalendarData> {
    if value.is_instance_of::<PyString>() {
        let text: String = value.extract()?;
        return enter(py, || {
            if text.trim_start().starts_with('{') {
                CalendarData::from_json(&text)
            } else {
                CalendarData::from_toml(&text)
            }
        });
    }
    let value = json_config(py, value, "data")?;
    enter(py, || CalendarData::from_value(&value))
}

fn build(py: Python<'_>, o: Options<'_>) -> PyResult<CoreCalendar> {
    let mut b = CoreCalendar::builder().offset(offset_in(py, o.offset, "offset")?);
    if let Some(t) = &o.template {
        b = b.template(template_in(py, t, "template")?);
    }
    if let Some(list) = &o.dated_templates {
        for item in list.try_iter()? {
            let item = item?;
            let (from, template) = match item.cast::<PyDict>() {
                Ok(d) => (
                    d.get_item("from")?
                        .ok_or_else(|| missing(py, "dated_templates", "from"))?,
                    d.get_item("template")?
                        .ok_or_else(|| missing(py, "dated_templates", "template"))?,
                ),
                Err(_) => {
                    let pair: Vec<Bound<'_, PyAny>> = item.try_iter()?.collect::<PyResult<_>>()?;
                    match <[Bound<'_, PyAny>; 2]>::try_from(pair) {
                        Ok([from, template]) => (from, template),
                        Err(_) => return Err(missing(py, "dated_templates", "from")),
                    }
                }
            };
            b = b.template_from(
                date_in(py, &from, "from")?,
                template_in(py, &template, "dated_templates")?,
            );
        }
    }
    if o.prc {
        b = b.prc_data();
    }
    if let Some(data) = &o.data {
        // One dict or text, or a list of them (layered in order).
        if data.is_instance_of::<PyDict>() || data.is_instance_of::<PyString>() {
            b = b.data(data_in(py, data)?);
        } else {
            for item in data.try_iter()? {
                b = b.data(data_in(py, &item?)?);
            }
        }
    }
    if let Some(files) = &o.data_files {
        // One path (`str` / `os.PathLike`), or a list of them (layered in order).
        let paths: Vec<std::path::PathBuf> = if is_path(py, files)? {
            vec![path_in(files)?]
        } else {
            let items = files.try_iter().map_err(|_| {
                input_error(
                    py,
                    "invalid_option",
                    "data_files",
                    "`data_files` must be a path or a list of paths".to_owned(),
                )
            })?;
            let mut paths = Vec::new();
            for item in items {
                let item = item?;
                paths.push(path_in(&item).map_err(|_| {
                    input_error(
                        py,
                        "invalid_option",
                        "data_files",
                        "`data_files` must be a path or a list of paths".to_owned(),
                    )
                })?);
            }
            paths
        };
        for path in paths {
            // The core's error, its message prefixed with the file it is about.
            let data = enter_hinted(
                py,
                || CalendarData::from_path(&path),
                |e| {
                    let message = e.to_string();
                    let name = path.display().to_string();
                    (!message.contains(&name)).then(|| format!("{name}: {message}"))
                },
            )?;
            b = b.data(data);
        }
    }
    if let Some(d) = &o.as_known_on {
        b = b.as_known_on(date_in(py, d, "as_known_on")?);
    }
    if let Some(c) = &o.coverage {
        let pair: Vec<Bound<'_, PyAny>> = c.try_iter()?.collect::<PyResult<_>>()?;
        let [from, through] = pair.as_slice() else {
            return Err(input_error(
                py,
                "invalid_option",
                "coverage",
                "`coverage` must be a pair (first date, last date)".to_owned(),
            ));
        };
        b = b.coverage(
            date_in(py, from, "coverage")?,
            date_in(py, through, "coverage")?,
        );
    }
    if let Some(p) = &o.predict {
        if let Ok(on) = p.extract::<bool>() {
            b = b.predict(on);
        } else {
            b = b.predict_through(date_in(py, p, "predict")?);
        }
    }
    let b = b.ignore_adjusted_workdays(o.ignore_adjusted_workdays);
    let cal = enter(py, || b.build())?;
    Ok(if o.whole_day { cal.whole_day() } else { cal })
}

/// Whether `value` is one path (`str`, `bytes` or `os.PathLike`) rather than a list of them.
fn is_path(py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<bool> {
    Ok(value.is_instance_of::<PyString>()
        || value.is_instance_of::<pyo3::types::PyBytes>()
        || value.is_instance(&py.import("os")?.getattr("PathLike")?)?)
}

fn missing(py: Python<'_>, arg: &str, key: &str) -> PyErr {
    input_error(
        py,
        "missing_key",
        arg,
        format!("each entry of `{arg}` needs a `{key}` key"),
    )
}

fn deadline_at_in(py: Python<'_>, text: &str) -> PyResult<DeadlineAt> {
    match text {
        "end_of_office_hours" => Ok(DeadlineAt::EndOfOfficeHours),
        "midnight" => Ok(DeadlineAt::Midnight),
        other => Err(input_error(
            py,
            "invalid_option",
            "deadline_at",
            format!(
                "`deadline_at` must be one of {{\"end_of_office_hours\", \"midnight\"}}, got {other:?}"
            ),
        )),
    }
}

fn day_count(py: Python<'_>, count_start_day: bool, deadline_at: &str) -> PyResult<DayCount> {
    Ok(DayCount {
        count_start_day,
        deadline_at: deadline_at_in(py, deadline_at)?,
    })
}

#[pymethods]
impl Calendar {
    /// Builds a calendar. By default: the built-in PRC national data (2017–2026), offset
    /// +08:00, office hours Monday–Friday 09:00–12:00 and 13:30–17:30. `data`: calendar data
    /// as a dict, or a data file's TOML or JSON text, or a list of them (layered in order).
    #[new]
    #[pyo3(signature = (*, prc=true, template=None, dated_templates=None, data=None, data_files=None,
        as_known_on=None, ignore_adjusted_workdays=false, coverage=None, predict=None,
        offset="+08:00", whole_day=false))]
    #[allow(clippy::too_many_arguments)]
    fn new<'py>(
        py: Python<'py>,
        prc: bool,
        template: Option<Bound<'py, PyAny>>,
        dated_templates: Option<Bound<'py, PyAny>>,
        data: Option<Bound<'py, PyAny>>,
        data_files: Option<Bound<'py, PyAny>>,
        as_known_on: Option<Bound<'py, PyAny>>,
        ignore_adjusted_workdays: bool,
        coverage: Option<Bound<'py, PyAny>>,
        predict: Option<Bound<'py, PyAny>>,
        offset: &'py str,
        whole_day: bool,
    ) -> PyResult<Self> {
        let options = Options {
            prc,
            template,
            dated_templates,
            data,
            data_files,
            as_known_on,
            ignore_adjusted_workdays,
            coverage,
            predict,
            offset,
            whole_day,
        };
        Ok(Calendar {
            inner: build(py, options)?,
        })
    }

    /// The built-in PRC national calendar (shared, compiled once per process).
    #[staticmethod]
    fn prc(py: Python<'_>) -> PyResult<Self> {
        Ok(Calendar {
            inner: enter(py, CoreCalendar::prc)?,
        })
    }

    /// A calendar from one data file (`.toml` or `.json`, the format of
    /// `docs/calendar-data.md`); `prc=True` layers it on the national data. Other keywords as
    /// for the constructor.
    #[staticmethod]
    #[pyo3(signature = (path, *, prc=false, template=None, as_known_on=None,
        ignore_adjusted_workdays=false, coverage=None, predict=None, offset="+08:00"))]
    #[allow(clippy::too_many_arguments)]
    fn from_file<'py>(
        py: Python<'py>,
        path: Bound<'py, PyAny>,
        prc: bool,
        template: Option<Bound<'py, PyAny>>,
        as_known_on: Option<Bound<'py, PyAny>>,
        ignore_adjusted_workdays: bool,
        coverage: Option<Bound<'py, PyAny>>,
        predict: Option<Bound<'py, PyAny>>,
        offset: &'py str,
    ) -> PyResult<Self> {
        let files = PyList::new(py, [path])?.into_any();
        let options = Options {
            prc,
            template,
            dated_templates: None,
            data: None,
            data_files: Some(files),
            as_known_on,
            ignore_adjusted_workdays,
            coverage,
            predict,
            offset,
            whole_day: false,
        };
        Ok(Calendar {
            inner: build(py, options)?,
        })
    }

    /// A calendar from calendar data given as a dict (the JSON form of the data format);
    /// `prc=True` layers it on the national data.
    #[staticmethod]
    #[pyo3(signature = (data, *, prc=false, template=None, as_known_on=None,
        ignore_adjusted_workdays=false, coverage=None, predict=None, offset="+08:00"))]
    #[allow(clippy::too_many_arguments)]
    fn from_dict<'py>(
        py: Python<'py>,
        data: Bound<'py, PyAny>,
        prc: bool,
        template: Option<Bound<'py, PyAny>>,
        as_known_on: Option<Bound<'py, PyAny>>,
        ignore_adjusted_workdays: bool,
        coverage: Option<Bound<'py, PyAny>>,
        predict: Option<Bound<'py, PyAny>>,
        offset: &'py str,
    ) -> PyResult<Self> {
        if data.is_instance_of::<PyString>() {
            return Err(pyo3::exceptions::PyTypeError::new_err(
                "`data` must be a dict; for a file use Calendar.from_file(path), for a file's \
                 text Calendar(data=text)",
            ));
        }
        let list = PyList::new(py, [data])?.into_any();
        let options = Options {
            prc,
            template,
            dated_templates: None,
            data: Some(list),
            data_files: None,
            as_known_on,
            ignore_adjusted_workdays,
            coverage,
            predict,
            offset,
            whole_day: false,
        };
        Ok(Calendar {
            inner: build(py, options)?,
        })
    }

    /// The whole-day clock of this calendar: the same days, each working day worked 00:00–24:00.
    fn whole_day(&self) -> Self {
        Calendar {
            inner: self.inner.whole_day(),
        }
    }

    /// The calendar's fixed UTC offset, e.g. `"+08:00"`.
    #[getter]
    fn offset(&self) -> String {
        offset_out(self.inner.offset())
    }

    /// The first date covered.
    #[getter]
    fn first_date<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        date_out(py, self.inner.first_date())
    }

    /// The last date covered (known or predicted).
    #[getter]
    fn last_date<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        date_out(py, self.inner.last_date())
    }

    /// The first predicted date (predict mode), or `None`.
    #[getter]
    fn predicted_from<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.inner
            .predicted_from()
            .map(|d| date_out(py, d))
            .transpose()
    }

    /// Whether `date` is predicted from the weekly template rather than known from data.
    fn is_predicted(&self, py: Python<'_>, date: Bound<'_, PyAny>) -> PyResult<bool> {
        Ok(self.inner.is_predicted(date_in(py, &date, "date")?))
    }

    /// Whether a result computed over `[a, b)` used predicted days.
    fn uses_prediction(
        &self,
        py: Python<'_>,
        a: Bound<'_, PyAny>,
        b: Bound<'_, PyAny>,
    ) -> PyResult<bool> {
        let (a, b) = (instant::extract(py, &a)?, instant::extract(py, &b)?);
        Ok(self.inner.uses_prediction(a, b))
    }

    /// Working time in `[a, b)` in milliseconds; negative when `b < a`.
    fn working_between(
        &self,
        py: Python<'_>,
        a: Bound<'_, PyAny>,
        b: Bound<'_, PyAny>,
    ) -> PyResult<i64> {
        let (a, b) = (instant::extract(py, &a)?, instant::extract(py, &b)?);
        enter(py, || self.inner.working_between(a, b))
    }

    /// The earliest instant (epoch ms) with `ms` working time after `t`.
    fn add_working(
        &self,
        py: Python<'_>,
        t: Bound<'_, PyAny>,
        ms: Bound<'_, PyAny>,
    ) -> PyResult<i64> {
        let t = instant::extract(py, &t)?;
        let ms: i64 = int_in(py, &ms, "ms")?;
        enter(py, || self.inner.add_working(t, ms)).map(Instant::millis)
    }

    /// The latest instant (epoch ms) with `ms` working time before `t`.
    fn sub_working(
        &self,
        py: Python<'_>,
        t: Bound<'_, PyAny>,
        ms: Bound<'_, PyAny>,
    ) -> PyResult<i64> {
        let t = instant::extract(py, &t)?;
        let ms: i64 = int_in(py, &ms, "ms")?;
        enter(py, || self.inner.sub_working(t, ms)).map(Instant::millis)
    }

    /// `t` if inside working hours, else the start of the next working interval (epoch ms).
    fn next_working_instant(&self, py: Python<'_>, t: Bound<'_, PyAny>) -> PyResult<i64> {
        let t = instant::extract(py, &t)?;
        enter(py, || self.inner.next_working_instant(t)).map(Instant::millis)
    }

    /// The kind of `date`: `workday`, `weekend`, `holiday`, `in_lieu` or `adjusted_workday`.
    fn day_kind(&self, py: Python<'_>, date: Bound<'_, PyAny>) -> PyResult<&'static str> {
        let d = date_in(py, &date, "date")?;
        enter(py, || self.inner.day_kind(d)).map(|k| k.name())
    }

    /// Whether `date` has working time.
    fn is_workday(&self, py: Python<'_>, date: Bound<'_, PyAny>) -> PyResult<bool> {
        let d = date_in(py, &date, "date")?;
        enter(py, || self.inner.is_workday(d))
    }

    /// The `n`-th working day after `date` (before it when `n < 0`; `date` when `n == 0`).
    fn add_working_days<'py>(
        &self,
        py: Python<'py>,
        date: Bound<'py, PyAny>,
        n: Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let d = date_in(py, &date, "date")?;
        let n: i64 = int_in(py, &n, "n")?;
        let out = enter(py, || self.inner.add_working_days(d, n))?;
        date_out(py, out)
    }

    /// Working days in `[a, b)`; negative when `b < a`.
    fn working_days_between(
        &self,
        py: Python<'_>,
        a: Bound<'_, PyAny>,
        b: Bound<'_, PyAny>,
    ) -> PyResult<i64> {
        let (a, b) = (date_in(py, &a, "a")?, date_in(py, &b, "b")?);
        enter(py, || self.inner.working_days_between(a, b))
    }

    /// Resolves an "N working days" limit started at `start` to an instant (epoch ms).
    #[pyo3(signature = (start, n, *, count_start_day=false, deadline_at="end_of_office_hours"))]
    fn working_days_deadline(
        &self,
        py: Python<'_>,
        start: Bound<'_, PyAny>,
        n: Bound<'_, PyAny>,
        count_start_day: bool,
        deadline_at: &str,
    ) -> PyResult<i64> {
        let start = instant::extract(py, &start)?;
        let n: u32 = int_in(py, &n, "n")?;
        let opts = day_count(py, count_start_day, deadline_at)?;
        enter(py, || self.inner.working_days_deadline(start, n, opts)).map(Instant::millis)
    }

    // --- vectorised forms ---------------------------------------------------------------

    /// `working_between` over arrays (or lists) of instants.
    #[pyo3(signature = (a, b, *, errors="raise"))]
    fn working_between_array<'py>(
        &self,
        py: Python<'py>,
        a: Bound<'py, PyAny>,
        b: Bound<'py, PyAny>,
        errors: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let on_error = OnError::parse(py, errors)?;
        let (xs, shape, _) = vector::instants_in(py, &a, "a")?;
        let (ys, _, _) = vector::instants_in(py, &b, "b")?;
        vector::same_len(py, xs.len(), ys.len(), "b")?;
        let cal = &self.inner;
        let out = enter(py, || {
            vector::map2(&xs, &ys, on_error, |a, b| {
                Ok(Some(cal.working_between(a?, b?)?))
            })
        })?;
        vector::durations_out(py, out, shape)
    }

    /// `add_working` over an array of instants; `ms` is an int or an array of ints.
    #[pyo3(signature = (t, ms, *, errors="raise"))]
    fn add_working_array<'py>(
        &self,
        py: Python<'py>,
        t: Bound<'py, PyAny>,
        ms: Bound<'py, PyAny>,
        errors: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.shift_array(py, t, ms, errors, true)
    }

    /// `sub_working` over an array of instants; `ms` is an int or an array of ints.
    #[pyo3(signature = (t, ms, *, errors="raise"))]
    fn sub_working_array<'py>(
        &self,
        py: Python<'py>,
        t: Bound<'py, PyAny>,
        ms: Bound<'py, PyAny>,
        errors: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.shift_array(py, t, ms, errors, false)
    }

    /// `next_working_instant` over an array of instants.
    #[pyo3(signature = (t, *, errors="raise"))]
    fn next_working_instant_array<'py>(
        &self,
        py: Python<'py>,
        t: Bound<'py, PyAny>,
        errors: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let on_error = OnError::parse(py, errors)?;
        let (ts, shape, zone) = vector::instants_in(py, &t, "t")?;
        let cal = &self.inner;
        let out = enter(py, || {
            vector::map1(&ts, on_error, |t| {
                Ok(Some(cal.next_working_instant(t?)?.millis()))
            })
        })?;
        vector::instants_out(py, out, shape, &zone.unwrap_or_else(|| self.offset()))
    }

    /// `working_days_deadline` over an array of start instants.
    #[pyo3(signature = (start, n, *, count_start_day=false, deadline_at="end_of_office_hours",
        errors="raise"))]
    fn working_days_deadline_array<'py>(
        &self,
        py: Python<'py>,
        start: Bound<'py, PyAny>,
        n: Bound<'py, PyAny>,
        count_start_day: bool,
        deadline_at: &str,
        errors: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let on_error = OnError::parse(py, errors)?;
        let n: u32 = int_in(py, &n, "n")?;
        let opts = day_count(py, count_start_day, deadline_at)?;
        let (ts, shape, zone) = vector::instants_in(py, &start, "start")?;
        let cal = &self.inner;
        let out = enter(py, || {
            vector::map1(&ts, on_error, |t| {
                Ok(Some(cal.working_days_deadline(t?, n, opts)?.millis()))
            })
        })?;
        vector::instants_out(py, out, shape, &zone.unwrap_or_else(|| self.offset()))
    }

    fn __repr__(&self) -> String {
        format!(
            "<hotline_score.Calendar {} {}..{}{}>",
            self.offset(),
            self.inner.first_date(),
            self.inner.last_date(),
            self.inner
                .predicted_from()
                .map(|d| format!(" (predicted from {d})"))
                .unwrap_or_default()
        )
    }
}

impl Calendar {
    fn shift_array<'py>(
        &self,
        py: Python<'py>,
        t: Bound<'py, PyAny>,
        ms: Bound<'py, PyAny>,
        errors: &str,
        add: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let on_error = OnError::parse(py, errors)?;
        let (ts, shape, zone) = vector::instants_in(py, &t, "t")?;
        let amounts = vector::ints_in(py, &ms, "ms", ts.len())?;
        let cal = &self.inner;
        let out = enter(py, || {
            vector::map_shift(&ts, &amounts, on_error, |t, ms| {
                let r = if add {
                    cal.add_working(t?, ms)?
                } else {
                    cal.sub_working(t?, ms)?
                };
                Ok(Some(r.millis()))
            })
        })?;
        vector::instants_out(py, out, shape, &zone.unwrap_or_else(|| self.offset()))
    }
}
