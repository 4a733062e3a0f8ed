//! The async `Tickets.fromObjects`: the objects become JSON on the JavaScript thread (only there
//! can they be read), one slice of 4096 per turn of the event loop (`setImmediate`), so timers
//! and I/O callbacks run in between even for a million tickets; the slices are then read and
//! checked off the JavaScript thread, on every core (`load_json_arrays`).
//!
//! The promise is made by `new Promise(executor)`; its `resolve` and `reject`, and the array,
//! are kept in one holder object behind a reference until the promise is settled. Reading
//! succeeds by resolving with the promise of the core work (the libuv task every other async
//! call uses), which the outer promise then follows.

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;

use napi::bindgen_prelude::*;

use crate::errors::{Failure, Fallible, bad_arg, failure_object};
use crate::json::{self, SLICE};
use crate::task::Work;
use crate::ticket::{Load, Tickets, load_slices};

/// An array of ticket objects being read, slice by slice.
struct Reading {
    /// `{ array, resolve, reject }`, referenced until the promise is settled.
    holder: Option<ObjectRef<false>>,
    /// The array's length when the call began.
    len: u32,
    /// The first element not read yet.
    next: u32,
    /// One JSON array per slice read.
    slices: Vec<String>,
    /// The options of the call (taken when the promise is settled).
    load: Option<Load>,
}

type Shared = Rc<RefCell<Reading>>;

/// The promise of `fromObjects(array, options)`: the first slice is read now, the others one
/// per turn of the event loop. Do not modify the array until the promise settles.
pub fn from_objects<'e>(env: &'e Env, array: Object<'_>, load: Load) -> Result<Unknown<'e>> {
    let len = array.get_array_length()?;
    let mut holder = Object::new(env)?;
    holder.set_named_property("array", array)?;
    let reading: Shared = Rc::new(RefCell::new(Reading {
        holder: Some(holder.create_ref()?),
        len,
        next: 0,
        slices: Vec::with_capacity(len.div_ceil(SLICE) as usize),
        load: Some(load),
    }));
    let executor: Function<'_, FnArgs<(Unknown<'_>, Unknown<'_>)>, ()> = env
        .create_function_from_closure("fromObjects", move |ctx| {
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

impl Reading {
    /// The holder object (an error once the promise is settled).
    fn holder<'e>(&self, env: &'e Env) -> Result<Object<'e>> {
        match &self.holder {
            Some(holder) => holder.get_value(env),
            None => Err(Error::new(Status::GenericFailure, "already settled")),
        }
    }
}

/// Reads the next slice, then schedules the one after or settles the promise. Never unwinds
/// into N-API: a panic rejects the promise with code `internal`.
fn step(env: &Env, reading: &Shared) {
    let outcome =
        catch_unwind(AssertUnwindSafe(|| read_slice(env, reading))).unwrap_or_else(|_| {
            Err(Failure::Binding {
                code: "internal",
                message: "panic in hotline-score while reading ticket objects".to_owned(),
            })
        });
    match outcome {
        Ok(true) => settle(env, reading, Ok(())),
        Ok(false) => {
            if let Err(e) = schedule(env, reading) {
                settle(env, reading, Err(bad_arg("tickets", e.reason.clone())));
            }
        }
        Err(failure) => settle(env, reading, Err(failure)),
    }
}

/// `JSON.stringify` of the next slice; whether it was the last.
fn read_slice(env: &Env, reading: &Shared) -> Fallible<bool> {
    let mut r = reading.borrow_mut();
    let holder = r
        .holder(env)
        .map_err(|e| bad_arg("tickets", e.reason.clone()))?;
    let text = holder
        .get_named_property::<Object<'_>>("array")
        .and_then(|array| {
            let end = r.next.saturating_add(SLICE).min(r.len);
            json::stringify_range(env, &array, r.next, end)
        })
        .map_err(|e| bad_arg("tickets", e.reason.clone()))?;
    r.slices.push(text);
    r.next = r.next.saturating_add(SLICE).min(r.len);
    Ok(r.next >= r.len)
}

/// Asks the event loop to read the next slice on its next turn.
fn schedule(env: &Env, reading: &Shared) -> Result<()> {
    let next = reading.clone();
    let callback: Function<'_, (), ()> =
        env.create_function_from_closure("fromObjectsSlice", move |ctx| {
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
fn settle(env: &Env, reading: &Shared, outcome: Fallible<()>) {
    let (holder, slices, load) = {
        let mut r = reading.borrow_mut();
        let (Some(holder), Some(load)) = (r.holder.take(), r.load.take()) else {
            return;
        };
        (holder, std::mem::take(&mut r.slices), load)
    };
    let settled = holder.get_value(env).and_then(|h| match outcome {
        Ok(()) => {
            let work = Work::new(move || load_slices(&slices, &load), Tickets::into_js);
            let promise = env.spawn(work)?.promise_object();
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
