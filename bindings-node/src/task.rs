//! Async variants: core work on the libuv thread pool, conversion back on the JavaScript thread.
//!
//! `compute` runs the work inside [`guarded`], so neither a core error nor a panic can abort the
//! process; `resolve` converts the answer (or throws the error) where JavaScript objects can be
//! made.

use napi::ScopedTask;
use napi::bindgen_prelude::*;

use crate::errors::{Fallible, Outcome, guarded};

type Job<T> = Box<dyn FnOnce() -> Fallible<T> + Send>;
/// The conversion of a piece of work's answer, on the JavaScript thread.
pub type Finish<T> = for<'e> fn(&'e Env, T) -> Result<Unknown<'e>>;

/// One piece of core work and the conversion of its answer.
pub struct Work<T: Send + 'static> {
    job: Option<Job<T>>,
    finish: Finish<T>,
}

impl<T: Send + 'static> Work<T> {
    /// `job` off the JavaScript thread, then `finish` on it.
    pub fn new(job: impl FnOnce() -> Fallible<T> + Send + 'static, finish: Finish<T>) -> Self {
        Work {
            job: Some(Box::new(job)),
            finish,
        }
    }

    /// `job` on what the JavaScript thread `prepared` (its arguments, checked and converted), or
    /// a promise rejected with the failure `prepared` is: a function returning a `Promise`
    /// rejects on bad arguments instead of throwing.
    pub fn after<P: Send + 'static>(
        prepared: Fallible<P>,
        job: impl FnOnce(P) -> Fallible<T> + Send + 'static,
        finish: Finish<T>,
    ) -> Self {
        Work::new(move || job(prepared?), finish)
    }

    /// The promise of the work.
    pub fn spawn(self) -> AsyncTask<Self> {
        AsyncTask::new(self)
    }
}

impl<'task, T: Send + 'static> ScopedTask<'task> for Work<T> {
    type Output = Outcome<T>;
    type JsValue = Unknown<'task>;

    fn compute(&mut self) -> Result<Self::Output> {
        Ok(match self.job.take() {
            Some(job) => guarded(job),
            None => Outcome::Panicked("the task ran twice".to_owned()),
        })
    }

    fn resolve(&mut self, env: &'task Env, output: Self::Output) -> Result<Self::JsValue> {
        let value = output.into_result(env)?;
        (self.finish)(env, value)
    }
}

/// Threads for the core's big jobs (reading a large columnar table, evaluating a large batch):
/// every core this process may use.
pub fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}
