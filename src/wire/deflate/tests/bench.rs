//! The cost of compression on realistic 1 KiB JSON messages, per zlib level: CPU time to
//! compress (outgoing, client role: unmask, deflate, mask) and to inflate (incoming, server
//! role), as thread CPU time, and the wire/message ratio, with and without context takeover. Run in release:
//! `cargo test --release --lib deflate_cost -- --ignored --nocapture`.

use super::frame;
use crate::wire::deflate::outgoing::Outgoing;
use crate::wire::deflate::{DeflateStats, Incoming, Overrides, Role};
use std::sync::Arc;

/// CPU time of this thread in microseconds: other processes on the machine do not count.
fn cpu_micros() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid timespec for the call to fill.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0);
    ts.tv_sec as f64 * 1e6 + ts.tv_nsec as f64 / 1e3
}

/// A ticker-feed message of about 1 KiB whose numbers change from one message to the next.
fn json_message(i: u64) -> Vec<u8> {
    let mut s = String::from("{\"type\":\"snapshot\",\"channel\":\"ticker\",\"sequence\":");
    s.push_str(&(9_000_000 + i * 7).to_string());
    s.push_str(",\"data\":[");
    let mut x = i.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    let mut first = true;
    while s.len() < 980 {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        if !first {
            s.push(',');
        }
        first = false;
        s.push_str(&format!(
            "{{\"product_id\":\"{}-USD\",\"price\":\"{}.{:02}\",\"volume_24h\":\"{}\",\"best_bid\":\"{}\",\"side\":\"{}\"}}",
            ["BTC", "ETH", "SOL", "ADA"][(x >> 60) as usize % 4],
            (x >> 40) % 100_000,
            (x >> 20) % 100,
            (x >> 8) % 10_000_000,
            (x >> 16) % 100_000,
            if x & 1 == 0 { "buy" } else { "sell" }
        ));
    }
    s.push_str("]}");
    s.into_bytes()
}

#[test]
#[ignore = "a measurement: run in release with --ignored --nocapture"]
fn deflate_cost() {
    const N: u64 = 20_000;
    let inputs: Vec<Vec<u8>> = (0..N)
        .map(|i| {
            frame(
                true,
                false,
                1,
                Some([1, 2, 3, (i % 251) as u8]),
                &json_message(i),
            )
        })
        .collect();
    let avg_len = inputs.iter().map(Vec::len).sum::<usize>() as f64 / N as f64;
    println!("messages: {N}, average frame {avg_len:.0} bytes");

    // The plain path for comparison: a plain frame handed over in place.
    let plain: Vec<Vec<u8>> = (0..N)
        .map(|i| frame(true, false, 1, None, &json_message(i)))
        .collect();
    let mut inc = Incoming::new(
        Role::Client,
        15,
        false,
        1 << 20,
        Arc::new(DeflateStats::default()),
    );
    let t = cpu_micros();
    let mut passed = 0;
    for f in &plain {
        passed += inc.pass_in_place(f);
    }
    assert_eq!(passed, plain.iter().map(Vec::len).sum::<usize>());
    println!(
        "uncompressed pass-through: {:.3} µs/message",
        (cpu_micros() - t) / N as f64
    );

    for reset in [false, true] {
        for level in 0..=6u32 {
            let stats = Arc::new(DeflateStats::default());
            let mut out = Outgoing::new(
                15,
                reset,
                level,
                stats.clone(),
                Arc::new(Overrides::default()),
            );
            let mut wire = Vec::with_capacity(inputs.len());
            let t = cpu_micros();
            for f in &inputs {
                assert_eq!(out.accept(f).unwrap(), f.len());
                wire.push(out.pending().to_vec());
                let n = out.pending().len();
                out.consume(n);
            }
            let compress = (cpu_micros() - t) / N as f64;

            let mut inc = Incoming::new(Role::Server, 15, reset, 1 << 20, stats.clone());
            let t = cpu_micros();
            let mut got = 0;
            for w in &wire {
                inc.push(w);
                let n = inc.output().unwrap().len();
                got += n;
                inc.consume(n);
            }
            let inflate = (cpu_micros() - t) / N as f64;
            assert!(got > 0);
            let totals = stats.totals(crate::wire::deflate::Direction::Out);
            println!(
                "level {level} {}: compress {compress:.2} µs, inflate {inflate:.2} µs, total {:.2} µs/message, wire/message {:.3}",
                if reset { "no takeover" } else { "takeover   " },
                compress + inflate,
                totals.ratio()
            );
        }
    }
}
