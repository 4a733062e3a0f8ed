//! Async calls on big JavaScript arrays (`Tickets.fromObjects`, `Tickets.fromRows`): the arrays
//! become JSON on the JavaScript thread (only there can they be read), one slice of 4096
//! elements per turn of the event loop (`setImmediate`), so timers and I/O callbacks run in
//! between even for a million tickets; the core then works on the slices off the JavaScript
//! thread, as every other async call does.
//!
//! The promise is made by `new Promise(executor)`; its `resolve` and `reject`, and the arrays,
//! are kept in one holder object behind a reference until the promise is settled. Reading
//! succeeds by resolving with the promise of the core work (a libuv task, [`Work`]), which the
//! outer promise then follows.

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;

use napi::bindgen_prelude::*;

use crate::errors::{Failure, Fallible, bad_arg, failure_object};
use crate::json::{self, SLICE};
use crate::task::{Finish, Work};

/// What to do with the slices: one list of JSON arrays per array read.
type Job<T> = Box<dyn FnOnce(Vec<Vec<String>>) -> Fallible<T> + Send>;

/// Arrays being read, slice by slice.
struct Reading<T: Send + 'static> {
    /// `{ arrays, resolve, reject }`, referenced until the promise is settled.
    holder: Option<ObjectRef<false>>,
    /// Each array's argument name (for errors) and length when the call began.
    arrays: Vec<(&'static str, u32)>,
    /// The array being read and its first element not read yet.
    at: (usize, u32),
    /// One JSON array per slice read, per array.
    slices: Vec<Vec<String>>,
    /// The core work on the slices, and the conversion of its answer (taken when settled).
    then: Option<(Job<T>, Finish<T>)>,
}

type Shared<T> = Rc<RefCell<Reading<T>>>;

/// The promise of `job` on the JSON slices of `arrays` (each named by its argument), its answer
/// converted by `finish`: the first slice is read now, the others one per turn of the event
/// loop. The arrays must not change until the promise settles.
pub fn read_then<'e, T: Send + 'static>(
    env: &'e Env,
    arrays: Vec<(&'static str, Object<'_>)>,
    job: impl FnOnce(Vec<Vec<String>>) -> Fallible<T> + Send + 'static,
    finish: Finish<T>,
) -> Result<Unknown<'e>> {
    let mut list = env.create_array(u32::try_from(arrays.len()).unwrap_or(u32::MAX))?;
    let mut named = Vec::with_capacity(arrays.len());
    for (i, (name, array)) in (0u32..).zip(arrays) {
        named.push((name, array.get_array_length()?));
        list.set(i, array)?;
    }
    let mut holder = Object::new(env)?;
    holder.set_named_property("arrays", list)?;
    let reading: Shared<T> = Rc::new(RefCell::new(Reading {
        holder: Some(holder.create_ref()?),
        slices: vec![Vec::new(); named.len()],
        arrays: named,
        at: (0, 0),
        then: Some((Box::new(job), finish)),
    }));
    let executor: Function<'_, FnArgs<(Unknown<'_>, Unknown<'_>)>, ()> = env
        .create_function_from_closure("readSlices", move |ctx| {
            let mut holder = reading.borrow().holder(ctx.env)?;
            holder.set_named_property("resolve", ctx.get::<Unknown<'_>>(0)?)?;
            holder.set_named_property("reject", ctx.get::<Unknown<'_>>(1)?)?;
            step(ctx.env, &reading);
            Ok(())
        })?;
    // `new Promise(executor)`, as `Reflect.construct` (whose result outlives this function).
    let global = env.get_global()?;
    let promise = global.get_named_property::<Unknown<'_>>("Promise")?;
    let mut args = env.create_array(1)?;
    args.set(0, executor)?;
    let construct: Function<'e, FnArgs<(Unknown<'_>, Array<'_>)>, Unknown<'e>> = global
        .get_named_property::<Object<'_>>("Reflect")?
        .get_named_property("construct")?;
    construct.call(FnArgs::from((promise, args)))
}

/// A promise rejected with `failure`: what a function returning a `Promise` gives for arguments
/// it cannot use (it never throws them).
pub fn rejected<'e>(env: &'e Env, failure: &Failure) -> Result<Unknown<'e>> {
    let promise_class = env
        .get_global()?
        .get_named_property::<Unknown<'_>>("Promise")?;
    // SAFETY: `Promise` is a function, so an object.
    let reject: Function<'e, Object<'_>, Unknown<'e>> =
        unsafe { promise_class.cast::<Object<'_>>() }?.get_named_property("reject")?;
    reject.apply(promise_class, failure_object(env, failure)?)
}

impl<T: Send + 'static> Reading<T> {
    /// The holder object (an error once the promise is settled).
    fn holder<'e>(&self, env: &'e Env) -> Result<Object<'e>> {
        match &self.holder {
            Some(holder) => holder.get_value(env),
            None => Err(Error::new(Status::GenericFailure, "already settled")),
        }
    }

    /// The name of the array being read.
    fn field(&self) -> &'static str {
        self.arrays.get(self.at.0).map_or("", |(name, _)| name)
    }
}

/// Reads the next slice, then schedules the one after or settles the promise. Never unwinds
/// into N-API: a panic rejects the promise with code `internal`.
fn step<T: Send + 'static>(env: &Env, reading: &Shared<T>) {
    let outcome =
        catch_unwind(AssertUnwindSafe(|| read_slice(env, reading))).unwrap_or_else(|_| {
            Err(Failure::Binding {
                code: "internal",
                message: "panic in hotline-score while reading an array".to_owned(),
            })
        });
    match outcome {
        Ok(true) => settle(env, reading, Ok(())),
        Ok(false) => {
            if let Err(e) = schedule(env, reading) {
                let field = reading.borrow().field();
                settle(env, reading, Err(bad_arg(field, e.reason.clone())));
            }
        }
        Err(failure) => settle(env, reading, Err(failure)),
    }
}

/// `JSON.stringify` of the next slice (an empty array gives one slice, `[]`); whether it was
/// the last of the last array.
fn read_slice<T: Send + 'static>(env: &Env, reading: &Shared<T>) -> Fallible<bool> {
    let mut r = reading.borrow_mut();
    let field = r.field();
    let (k, start) = r.at;
    let len = r.arrays.get(k).map_or(0, |(_, len)| *len);
    let end = start.saturating_add(SLICE).min(len);
    let array = r
        .holder(env)
        .and_then(|holder| holder.get_named_property::<Object<'_>>("arrays"))
        .and_then(|arrays| arrays.get_element::<Object<'_>>(u32::try_from(k).unwrap_or(u32::MAX)))
        .map_err(|e| bad_arg(field, e.reason.clone()))?;
    // Elements added or removed between slices would be read twice or never (a concurrency
    // audit: an array shortened after the call loaded 4096 of 5979 tickets without a word).
    let now = array
        .get_array_length()
        .map_err(|e| bad_arg(field, e.reason.clone()))?;
    if now != len {
        return Err(bad_arg(
            field,
            format!(
                "`{field}` changed while it was read (from {len} to {now} elements): do not \
                 change it until the promise settles"
            ),
        ));
    }
    let text = json::stringify_range(env, &array, start, end)
        .map_err(|e| bad_arg(field, e.reason.clone()))?;
    if let Some(slices) = r.slices.get_mut(k) {
        slices.push(text);
    }
    r.at = if end < len {
        (k, end)
    } else {
        (k.saturating_add(1), 0)
    };
    Ok(r.at.0 >= r.arrays.len())
}

/// Asks the event loop to read the next slice on its next turn.
fn schedule<T: Send + 'static>(env: &Env, reading: &Shared<T>) -> Result<()> {
    let next = reading.clone();
    let callback: Function<'_, (), ()> =
        env.create_function_from_closure("readSlice", move |ctx| {
            step(ctx.env, &next);
            Ok(())
        })?;
    let set_immediate: Function<'_, Function<'_, (), ()>, Unknown<'_>> =
        env.get_global()?.get_named_property("setImmediate")?;
    set_immediate.call(callback)?;
    Ok(())
}

/// Resolves the promise with the core work on the slices read, or rejects it with `failure`;
/// then lets the holder go.
fn settle<T: Send + 'static>(env: &Env, reading: &Shared<T>, outcome: Fallible<()>) {
    let (holder, slices, (job, finish)) = {
        let mut r = reading.borrow_mut();
        let (Some(holder), Some(then)) = (r.holder.take(), r.then.take()) else {
            return;
        };
        (holder, std::mem::take(&mut r.slices), then)
    };
    let settled = holder.get_value(env).and_then(|h| match outcome {
        Ok(()) => {
            let promise = env
                .spawn(Work::new(move || job(slices), finish))?
                .promise_object();
            let resolve: Function<'_, PromiseRaw<'_, Unknown<'_>>, Unknown<'_>> =
                h.get_named_property("resolve")?;
            resolve.call(promise).map(drop)
        }
        Err(failure) => {
            let reject: Function<'_, Object<'_>, Unknown<'_>> = h.get_named_property("reject")?;
            reject.call(failure_object(env, &failure)?).map(drop)
        }
    });
    // Nothing is left to tell if N-API itself fails here; the reference goes either way.
    drop(settled);
    drop(holder.unref(env));
}
