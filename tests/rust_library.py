"""Rust written for these tests, shaped like the large libraries svixsync was tried on (a runtime with cfg-gated
platform code, channel types with several impls, item-defining macros, 2015-edition bodies): not upstream code."""

# A module of a file-walking library: cfg-gated alternatives of one fn, two inherent impls of one generic type, a
# repeated macro, a trait impl whose members a header change would carry along, and test code in every form.
WALKER_RS = """use std::fs;
use std::io;

/// A directory entry as the walker yields it.
pub struct Entry<T> {
    path: T,
    depth: usize,
}

impl<T: AsRef<str>> Entry<T> {
    pub fn depth(&self) -> usize {
        self.depth
    }

    #[cfg(unix)]
    pub fn from_os(ent: &fs::DirEntry, depth: usize) -> io::Result<Entry<String>> {
        let ino = ent.ino();
        Ok(Entry { path: format!("{ino}"), depth })
    }

    #[cfg(windows)]
    pub fn from_os(ent: &fs::DirEntry, depth: usize) -> io::Result<Entry<String>> {
        let meta = ent.metadata()?;
        Ok(Entry { path: format!("{}", meta.len()), depth })
    }
}

impl<T> Entry<T> {
    pub fn into_path(self) -> T {
        self.path
    }
}

impl<T> Entry<T> {
    pub fn is_root(&self) -> bool {
        self.depth == 0
    }
}

impl_visit!(Walker);
impl_visit!(Walker);

impl<T> Visit for Entry<T> {
    fn visit(&self, depth: usize) -> bool {
        depth <= self.depth
    }

    fn leave(&self) {}
}

#[cfg(test)]
fn helper() -> Entry<&'static str> {
    Entry { path: "/", depth: 0 }
}

#[cfg(all(test, not(loom)))]
mod tests {
    #[test]
    fn walks() {}
}

#[cfg(not(test))]
fn only_in_builds() {}
"""

# A runtime module whose public API is written inside item-level macros, as async runtimes gate theirs.
RUNTIME_RS = """use crate::task::JoinHandle;

cfg_rt! {
    /// Spawns a task on the current runtime.
    pub fn spawn<F: Future>(future: F) -> JoinHandle<F::Output> {
        let handle = Handle::current();
        handle.spawn(future)
    }

    impl Runtime {
        /// Runs a future to completion.
        pub fn block_on<F: Future>(&self, future: F) -> F::Output {
            self.handle.enter(|| self.scheduler.block_on(future))
        }
    }

    cfg_net! {
        pub fn bind_default() -> io::Result<()> {
            Ok(())
        }
    }
}

cfg_not_rt! {
    pub fn spawn<F: Future>(_future: F) -> JoinHandle<F::Output> {
        panic!("the runtime is disabled")
    }
}

kv_def!(RuntimeKey, Runtime);
thread_local!(static CURRENT: Cell<u8> = Cell::new(0));

mod shutdown {
    kv_def!(ShutdownKey, Shutdown);

    pub fn shutdown_now() {}
}
"""
