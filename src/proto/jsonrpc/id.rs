//! Request ids: the key that matches a response to its call, and the allocator of the ids
//! wscope assigns.
//!
//! An id is a string, a number or null, and the server echoes it. Ids are kept as written
//! (what is shown is what was sent) and compared by value: `"a"` and `"\u0061"` are the
//! same id, so are `1`, `1.0` and `1e0` (a server in JavaScript echoes `1.0` as `1`).

/// An id compared by value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum IdKey {
    Str(String),
    /// A number in one spelling: integers as digits, others as the shortest float.
    Num(String),
    Null,
}

impl IdKey {
    /// The key of an id as written; None when it is not a string, a number or null.
    pub(crate) fn of(raw: &str) -> Option<IdKey> {
        let raw = raw.trim();
        match raw.as_bytes().first()? {
            b'"' => serde_json::from_str::<String>(raw).ok().map(IdKey::Str),
            b'n' => (raw == "null").then_some(IdKey::Null),
            b'-' | b'0'..=b'9' => number_key(raw).map(IdKey::Num),
            _ => None,
        }
    }
}

fn number_key(raw: &str) -> Option<String> {
    let digits = raw.strip_prefix('-').unwrap_or(raw);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        // A JSON integer has no leading zeros: its spelling is its value (but for -0).
        serde_json::from_str::<serde_json::Number>(raw).ok()?;
        return Some(if digits == "0" {
            "0".into()
        } else {
            raw.into()
        });
    }
    let f: f64 = serde_json::from_str::<serde_json::Number>(raw)
        .ok()?
        .as_f64()?;
    if f.fract() == 0.0 && f.abs() < 1e15 {
        return Some(format!("{}", f as i64));
    }
    Some(format!("{f}"))
}

/// Gives increasing integer ids from a start (1 by default: some servers never answer id 0),
/// skipping any still in use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdAllocator {
    next: u64,
}

impl Default for IdAllocator {
    fn default() -> Self {
        IdAllocator::new(1)
    }
}

impl IdAllocator {
    pub(crate) fn new(start: u64) -> Self {
        IdAllocator { next: start }
    }

    /// The next id for which `taken` is false.
    pub(crate) fn next_free(&mut self, taken: impl Fn(&IdKey) -> bool) -> u64 {
        loop {
            let id = self.next;
            self.next = self.next.wrapping_add(1);
            if !taken(&IdKey::Num(id.to_string())) {
                return id;
            }
        }
    }
}
