//! Where rendered output goes: stdout and stderr written by a thread of their own, so a slow
//! reader never stalls the event loop.

pub mod thread;
