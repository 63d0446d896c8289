//! Unit tests of the permessage-deflate offer and answer: parsing, validation, every RFC 7692 rule.

use super::*;

fn browser() -> Params {
    Params::default()
}

fn ok(offer: &Params, answer: &str) -> Agreed {
    validate_answer(offer, [answer]).unwrap().unwrap()
}

fn err(offer: &Params, answer: &str) -> NegotiationError {
    validate_answer(offer, [answer]).unwrap_err()
}

#[test]
fn default_offer_is_what_browsers_send() {
    assert_eq!(
        browser().header_value(),
        "permessage-deflate; client_max_window_bits"
    );
}

#[test]
fn offers_write_every_parameter() {
    let p = Params {
        server_no_context_takeover: true,
        client_no_context_takeover: true,
        server_max_window_bits: Some(10),
        client_max_window_bits: ClientWindowBits::Limit(9),
    };
    assert_eq!(
        p.header_value(),
        "permessage-deflate; server_no_context_takeover; client_no_context_takeover; \
         server_max_window_bits=10; client_max_window_bits=9"
    );
    let parsed = parse_extensions([p.header_value().as_str()]).unwrap();
    assert_eq!(Params::from_extension(&parsed[0], Side::Offer).unwrap(), p);
    let bare = Params {
        client_max_window_bits: ClientWindowBits::Absent,
        ..browser()
    };
    assert_eq!(bare.header_value(), "permessage-deflate");
}

#[test]
fn no_answer_means_no_compression() {
    assert_eq!(validate_answer(&browser(), []).unwrap(), None);
    assert_eq!(validate_answer(&browser(), [""]).unwrap(), None);
}

#[test]
fn bare_answer_agrees_on_defaults() {
    assert_eq!(ok(&browser(), "permessage-deflate"), Agreed::default());
}

#[test]
fn every_valid_answer_form() {
    let a = ok(&browser(), "permessage-deflate; server_no_context_takeover");
    assert!(a.server_no_context_takeover && !a.client_no_context_takeover);
    let a = ok(&browser(), "permessage-deflate; client_no_context_takeover");
    assert!(a.client_no_context_takeover && !a.server_no_context_takeover);
    for n in 8..=15u8 {
        let a = ok(
            &browser(),
            &format!("permessage-deflate; server_max_window_bits={n}"),
        );
        assert_eq!(a.server_max_window_bits, n);
        let a = ok(
            &browser(),
            &format!("permessage-deflate; client_max_window_bits={n}"),
        );
        assert_eq!(a.client_max_window_bits, n);
    }
    let a = ok(
        &browser(),
        "permessage-deflate;client_max_window_bits=\"10\";server_max_window_bits=9;\
         client_no_context_takeover;server_no_context_takeover",
    );
    assert_eq!(
        a,
        Agreed {
            server_no_context_takeover: true,
            client_no_context_takeover: true,
            server_max_window_bits: 9,
            client_max_window_bits: 10,
        }
    );
}

#[test]
fn answers_split_over_header_lines_are_one_list() {
    let e = validate_answer(&browser(), ["permessage-deflate", "permessage-deflate"]).unwrap_err();
    assert!(e.problem.contains("accepted twice"), "{e}");
    assert_eq!(
        validate_answer(&browser(), ["", "permessage-deflate"]).unwrap(),
        Some(Agreed::default())
    );
}

#[test]
fn offered_limits_apply_when_the_answer_is_silent_and_bound_it_when_not() {
    let offer = Params {
        server_no_context_takeover: true,
        client_no_context_takeover: true,
        server_max_window_bits: Some(12),
        client_max_window_bits: ClientWindowBits::Limit(11),
    };
    let a = ok(
        &offer,
        "permessage-deflate; server_no_context_takeover; server_max_window_bits=10",
    );
    assert_eq!(a.client_max_window_bits, 11);
    assert_eq!(a.server_max_window_bits, 10);
    assert!(
        a.client_no_context_takeover,
        "offered by the client, so the client resets"
    );
    let a = ok(
        &offer,
        "permessage-deflate; server_no_context_takeover; server_max_window_bits=12; client_max_window_bits=8",
    );
    assert_eq!(a.client_max_window_bits, 8);
}

#[test]
fn every_invalid_answer_names_the_parameter_and_rule() {
    let cases: &[(&Params, &str, &str, &str)] = &[
        (
            &browser(),
            "permessage-deflate; foo",
            "foo",
            "unknown parameter",
        ),
        (
            &browser(),
            "permessage-deflate; foo=1",
            "foo=1",
            "unknown parameter",
        ),
        (
            &browser(),
            "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
            "server_no_context_takeover",
            "appears twice",
        ),
        (
            &browser(),
            "permessage-deflate; server_max_window_bits=10; server_max_window_bits=11",
            "server_max_window_bits=11",
            "appears twice",
        ),
        (
            &browser(),
            "permessage-deflate; server_max_window_bits=7",
            "server_max_window_bits=7",
            "8 to 15",
        ),
        (
            &browser(),
            "permessage-deflate; server_max_window_bits=16",
            "server_max_window_bits=16",
            "8 to 15",
        ),
        (
            &browser(),
            "permessage-deflate; server_max_window_bits=09",
            "server_max_window_bits=09",
            "leading zeros",
        ),
        (
            &browser(),
            "permessage-deflate; server_max_window_bits=x",
            "server_max_window_bits=x",
            "8 to 15",
        ),
        (
            &browser(),
            "permessage-deflate; server_max_window_bits",
            "server_max_window_bits",
            "needs a value",
        ),
        (
            &browser(),
            "permessage-deflate; client_max_window_bits=0",
            "client_max_window_bits=0",
            "8 to 15",
        ),
        (
            &browser(),
            "permessage-deflate; client_max_window_bits",
            "client_max_window_bits",
            "needs a value",
        ),
        (
            &browser(),
            "permessage-deflate; server_no_context_takeover=1",
            "server_no_context_takeover=1",
            "takes no value",
        ),
        (
            &browser(),
            "permessage-deflate; client_no_context_takeover=\"\"",
            "client_no_context_takeover=",
            "takes no value",
        ),
        (
            &Params {
                client_max_window_bits: ClientWindowBits::Absent,
                ..browser()
            },
            "permessage-deflate; client_max_window_bits=10",
            "client_max_window_bits=10",
            "not in the offer",
        ),
        (
            &Params {
                client_max_window_bits: ClientWindowBits::Limit(10),
                ..browser()
            },
            "permessage-deflate; client_max_window_bits=11",
            "client_max_window_bits=11",
            "larger than the offered 10",
        ),
        (
            &Params {
                server_max_window_bits: Some(10),
                ..browser()
            },
            "permessage-deflate; server_max_window_bits=12",
            "server_max_window_bits=12",
            "larger than the offered 10",
        ),
        (
            &Params {
                server_max_window_bits: Some(10),
                ..browser()
            },
            "permessage-deflate",
            "server_max_window_bits",
            "missing from the answer",
        ),
        (
            &Params {
                server_no_context_takeover: true,
                ..browser()
            },
            "permessage-deflate",
            "server_no_context_takeover",
            "missing from the answer",
        ),
        (
            &browser(),
            "x-webkit-deflate-frame",
            "x-webkit-deflate-frame",
            "not offered",
        ),
        (
            &browser(),
            "permessage-deflate, permessage-deflate",
            "permessage-deflate",
            "accepted twice",
        ),
        (&browser(), "permessage-deflate, foo", "foo", "not offered"),
    ];
    for (offer, answer, subject, problem) in cases {
        let e = err(offer, answer);
        assert_eq!(e.subject, *subject, "{answer}: {e}");
        assert!(e.problem.contains(problem), "{answer}: {e}");
        assert!(e.problem.contains("RFC"), "{answer}: {e}");
    }
}

#[test]
fn description_says_windows_and_takeover() {
    let a = Agreed {
        client_no_context_takeover: true,
        client_max_window_bits: 8,
        ..Agreed::default()
    };
    assert_eq!(
        a.describe(),
        "server→client: 15-bit window (32 KiB), context kept across messages; \
         client→server: 8-bit window (256 B), reset after each message"
    );
}
