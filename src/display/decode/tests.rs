//! Unit tests of bounded payload decoding: each format, sniffing, limits and corrupt data.

use super::*;
use flate2::Compression;
use flate2::write::{DeflateEncoder, GzEncoder, ZlibEncoder};
use std::io::Write;

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn zlib_at(data: &[u8], level: u32) -> Vec<u8> {
    let mut e = ZlibEncoder::new(Vec::new(), Compression::new(level));
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn zlib(data: &[u8]) -> Vec<u8> {
    zlib_at(data, 6)
}

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut e = DeflateEncoder::new(Vec::new(), Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

const TEXT: &[u8] = br#"{"type":"trade","price":"1.50","items":[1,2,3],"note":"h\u00e9llo"}"#;

fn inflated(format: Format, bytes: &[u8]) -> Result<Decoded<'static>, DecodeError> {
    Ok(Decoded::Inflated {
        format,
        bytes: bytes.to_vec(),
    })
}

#[test]
fn each_format_inflates() {
    assert_eq!(
        decode(Decode::Gzip, &gzip(TEXT), 1 << 20),
        inflated(Format::Gzip, TEXT)
    );
    assert_eq!(
        decode(Decode::Zlib, &zlib(TEXT), 1 << 20),
        inflated(Format::Zlib, TEXT)
    );
    assert_eq!(
        decode(Decode::Deflate, &deflate(TEXT), 1 << 20),
        inflated(Format::Deflate, TEXT)
    );
    assert_eq!(
        decode(Decode::Gzip, &gzip(b""), 0),
        inflated(Format::Gzip, b"")
    );
    let z = zlib(TEXT);
    assert_eq!(
        decode(Decode::Zlib, &z, 1 << 20),
        inflated(Format::Zlib, TEXT)
    );
}

#[test]
fn auto_inflates_gzip_and_zlib_and_leaves_the_rest() {
    assert_eq!(
        decode(Decode::Auto, &gzip(TEXT), 1 << 20),
        inflated(Format::Gzip, TEXT)
    );
    for level in [0, 1, 6, 9] {
        let z = zlib_at(TEXT, level);
        assert_eq!(
            sniff(&z),
            Some(Format::Zlib),
            "level {level}: {:02x?}",
            &z[..2]
        );
        assert_eq!(
            decode(Decode::Auto, &z, 1 << 20),
            inflated(Format::Zlib, TEXT)
        );
    }
    let raw_deflate = deflate(TEXT);
    for unchanged in [
        TEXT,
        b"",
        b"x",
        b"hello",
        b"\x1f\x8b",
        b"\x00\x01\x02\x03",
        &raw_deflate,
        // Looks like a zlib header (0x78 0x5e), but is not a stream.
        b"x^ not compressed",
    ] {
        assert_eq!(
            decode(Decode::Auto, unchanged, 1 << 20),
            Ok(Decoded::Unchanged(unchanged)),
            "{unchanged:02x?}"
        );
    }
    assert_eq!(sniff(b"x^"), Some(Format::Zlib));
}

#[test]
fn a_bomb_stops_at_the_limit_without_growing_past_it() {
    let zeros = vec![0u8; 8 << 20];
    let bomb = gzip(&zeros);
    assert!(bomb.len() < 16 << 10, "{}", bomb.len());
    let max = 1 << 20;
    for kind in [Decode::Gzip, Decode::Auto] {
        assert_eq!(
            decode(kind, &bomb, max),
            Err(DecodeError::TooLarge {
                format: Format::Gzip,
                max
            })
        );
    }
    let mut out = Vec::new();
    let result = inflate_stream(Format::Gzip, Decompress::new_gzip(15), &bomb, max, &mut out);
    assert!(result.is_err());
    assert!(out.capacity() <= max + 1, "{}", out.capacity());
    let z = zlib(&zeros[..4096]);
    assert_eq!(
        decode(Decode::Auto, &z, 4096),
        inflated(Format::Zlib, &zeros[..4096])
    );
    assert_eq!(
        decode(Decode::Auto, &z, 4095),
        Err(DecodeError::TooLarge {
            format: Format::Zlib,
            max: 4095
        })
    );
}

#[test]
fn gzip_members_concatenate() {
    let mut two = gzip(b"first,");
    two.extend(gzip(b"second"));
    assert_eq!(
        decode(Decode::Gzip, &two, 100),
        inflated(Format::Gzip, b"first,second")
    );
    assert_eq!(
        decode(Decode::Gzip, &two, 10),
        Err(DecodeError::TooLarge {
            format: Format::Gzip,
            max: 10
        })
    );
}

#[test]
fn bytes_after_the_stream_are_an_error() {
    for (kind, format, mut stream) in [
        (Decode::Gzip, Format::Gzip, gzip(TEXT)),
        (Decode::Zlib, Format::Zlib, zlib(TEXT)),
        (Decode::Deflate, Format::Deflate, deflate(TEXT)),
    ] {
        let offset = stream.len();
        stream.extend_from_slice(b"junk");
        assert_eq!(
            decode(kind, &stream, 1 << 20),
            Err(DecodeError::TrailingData { format, offset })
        );
    }
    let mut gzip_then_zeros = gzip(TEXT);
    gzip_then_zeros.extend_from_slice(&[0; 8]);
    assert!(matches!(
        decode(Decode::Auto, &gzip_then_zeros, 1 << 20),
        Err(DecodeError::TrailingData { .. })
    ));
}

#[test]
fn every_truncation_is_reported() {
    for (kind, format, stream) in [
        (Decode::Gzip, Format::Gzip, gzip(TEXT)),
        (Decode::Zlib, Format::Zlib, zlib(TEXT)),
        (Decode::Deflate, Format::Deflate, deflate(TEXT)),
    ] {
        for cut in 0..stream.len() {
            assert_eq!(
                decode(kind, &stream[..cut], 1 << 20),
                Err(DecodeError::Truncated { format }),
                "{format:?} cut at {cut}"
            );
        }
    }
    let g = gzip(TEXT);
    assert_eq!(
        decode(Decode::Auto, &g[..g.len() - 3], 1 << 20),
        Err(DecodeError::Truncated {
            format: Format::Gzip
        })
    );
    let z = zlib(TEXT);
    let cut = &z[..z.len() - 3];
    assert_eq!(
        decode(Decode::Auto, cut, 1 << 20),
        Ok(Decoded::Unchanged(cut))
    );
}

#[test]
fn corrupt_streams_and_bad_checksums_are_reported() {
    let mut g = gzip(TEXT);
    let crc = g.len() - 8;
    g[crc] ^= 0xff;
    let mut z = zlib(TEXT);
    let adler = z.len() - 1;
    z[adler] ^= 0xff;
    let invalid_block = [0xff, 0xff, 0xff, 0xff];
    for (kind, bytes) in [
        (Decode::Gzip, &g[..]),
        (Decode::Zlib, &z[..]),
        (Decode::Deflate, &invalid_block[..]),
        (Decode::Gzip, b"\x1f\x8b\x09\x00\x00\x00\x00\x00\x00\x03"),
    ] {
        let result = decode(kind, bytes, 1 << 20);
        assert!(
            matches!(result, Err(DecodeError::Corrupt { .. })),
            "{kind:?}: {result:?}"
        );
    }
    let message = decode(Decode::Gzip, &g, 1 << 20).unwrap_err().to_string();
    assert!(
        message.starts_with("gzip: invalid compressed data: "),
        "{message}"
    );
    assert_eq!(
        decode(Decode::Auto, &z, 1 << 20),
        Ok(Decoded::Unchanged(&z[..]))
    );
}

#[test]
fn names_round_trip() {
    for name in Decode::NAMES {
        let kind: Decode = name.parse().unwrap();
        assert_eq!(format!("{kind:?}").to_lowercase(), name);
    }
    let e = "brotli".parse::<Decode>().unwrap_err();
    assert_eq!(
        e,
        "unknown decoding 'brotli' (expected one of: gzip, zlib, deflate, auto)"
    );
}
