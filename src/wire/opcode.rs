//! The frame opcode (RFC 6455 §5.2, §11.8): the low four bits of a frame's first byte, as one
//! type for everything that reads or writes frames (the tap and its scanner, the violation
//! checks, compression, rendering, the probe). Reserved values are kept, not refused: a broken
//! server sends them, and a probe sends them on purpose. Pure.

use std::fmt;

/// What a frame carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Opcode {
    /// 0x0: the next fragment of the message in progress.
    Continuation,
    /// 0x1: the first frame of a text message.
    Text,
    /// 0x2: the first frame of a binary message.
    Binary,
    /// 0x8
    Close,
    /// 0x9
    Ping,
    /// 0xA
    Pong,
    /// 0x3 to 0x7 (reserved data frames) or 0xB to 0xF (reserved control frames).
    Reserved(Reserved),
}

/// A reserved opcode; only [`Opcode::from`] makes one, so it is always one of 0x3-0x7, 0xB-0xF.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Reserved(u8);

impl Reserved {
    pub fn bits(self) -> u8 {
        self.0
    }
}

/// The names `-x` shows, by value.
const NAMES: [&str; 16] = [
    "CONT", "TEXT", "BIN", "OP3", "OP4", "OP5", "OP6", "OP7", "CLOSE", "PING", "PONG", "OP11",
    "OP12", "OP13", "OP14", "OP15",
];

impl Opcode {
    /// The opcode of a frame's first byte (its low four bits; the rest is ignored).
    pub const fn of_first_byte(b0: u8) -> Opcode {
        match b0 & 0x0f {
            0x0 => Opcode::Continuation,
            0x1 => Opcode::Text,
            0x2 => Opcode::Binary,
            0x8 => Opcode::Close,
            0x9 => Opcode::Ping,
            0xA => Opcode::Pong,
            n => Opcode::Reserved(Reserved(n)),
        }
    }

    /// The four bits as they go on the wire.
    pub const fn bits(self) -> u8 {
        match self {
            Opcode::Continuation => 0x0,
            Opcode::Text => 0x1,
            Opcode::Binary => 0x2,
            Opcode::Close => 0x8,
            Opcode::Ping => 0x9,
            Opcode::Pong => 0xA,
            Opcode::Reserved(r) => r.0,
        }
    }

    /// Close, Ping, Pong and the reserved 0xB-0xF: the high bit of the four (RFC 6455 §5.5).
    pub const fn is_control(self) -> bool {
        self.bits() & 0x08 != 0
    }

    /// 0x3-0x7 and 0xB-0xF: nothing is defined for them without an extension.
    pub const fn is_reserved(self) -> bool {
        matches!(self, Opcode::Reserved(_))
    }

    /// Continuation, Text or Binary: a frame of a data message.
    pub const fn is_data(self) -> bool {
        matches!(self, Opcode::Continuation | Opcode::Text | Opcode::Binary)
    }

    /// `TEXT`, `BIN`, `CLOSE`..., or `OP<n>` for a reserved one.
    pub fn name(self) -> &'static str {
        NAMES[usize::from(self.bits())]
    }
}

impl From<u8> for Opcode {
    /// The low four bits, as [`Opcode::of_first_byte`].
    fn from(bits: u8) -> Self {
        Opcode::of_first_byte(bits)
    }
}

impl From<Opcode> for u8 {
    fn from(op: Opcode) -> u8 {
        op.bits()
    }
}

impl fmt::Display for Opcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_goes_there_and_back() {
        for bits in 0..16u8 {
            let op = Opcode::from(bits);
            assert_eq!(u8::from(op), bits);
            assert_eq!(Opcode::of_first_byte(0xf0 | bits), op, "high bits ignored");
            assert_eq!(op.is_control(), bits >= 8, "{op}");
            assert_eq!(op.is_reserved(), matches!(bits, 3..=7 | 11..=15), "{op}");
            assert_eq!(op.is_data(), bits <= 2, "{op}");
        }
    }

    #[test]
    fn names_are_the_dumps() {
        let names: Vec<&str> = [0u8, 1, 2, 8, 9, 10, 3, 11]
            .into_iter()
            .map(|b| Opcode::from(b).name())
            .collect();
        assert_eq!(
            names,
            [
                "CONT", "TEXT", "BIN", "CLOSE", "PING", "PONG", "OP3", "OP11"
            ]
        );
        assert_eq!(Opcode::Reserved(Reserved(15)).to_string(), "OP15");
    }
}
