//! Unit tests of the reassembler: packets made whole, in the user's form, within bounds.

use super::packet::{Limits, PacketError, SocketIoVersion};
use super::reassembler::{Reassembler, Received, SocketIoError};

const V5: SocketIoVersion = SocketIoVersion::V5;
const V4: SocketIoVersion = SocketIoVersion::V4;

#[test]
fn reassembler_puts_attachments_in_place_in_the_users_form() {
    let mut r = Reassembler::new(V5, Limits::default());
    let first =
        r#"52-/admin,["baz",{"_placeholder":true,"num":1},{"k":{"_placeholder":true,"num":0}}]"#;
    assert_eq!(r.text(first), Ok(None));
    assert_eq!(r.missing(), 2);
    assert_eq!(r.binary(vec![1, 2]), Ok(None));
    assert_eq!(r.missing(), 1);
    let got = r.binary(vec![3, 4]).unwrap().unwrap();
    assert_eq!(
        got,
        Received::Event {
            namespace: "/admin".into(),
            id: None,
            name: "baz".into(),
            json: r#"["baz",{"_binary":"AwQ="},{"k":{"_binary":"AQI="}}]"#.into(),
        }
    );
    assert_eq!(r.missing(), 0);
    // The sample session's BINARY_ACK.
    assert_eq!(
        r.text(r#"61-/admin,1[{"_placeholder":true,"num":0}]"#),
        Ok(None)
    );
    assert_eq!(
        r.binary(vec![0xff]).unwrap().unwrap(),
        Received::Ack {
            namespace: "/admin".into(),
            id: 1,
            json: r#"[{"_binary":"/w=="}]"#.into(),
        }
    );
    // Everything else as the server wrote it.
    let text = r#"2["hey", {"b": 1.50, "a": "\u00e9"}]"#;
    assert_eq!(
        r.text(text).unwrap().unwrap(),
        Received::Event {
            namespace: "/".into(),
            id: None,
            name: "hey".into(),
            json: text[1..].into(),
        }
    );
    let Received::Event { name, .. } = r.text("27[42]").unwrap().unwrap() else {
        panic!()
    };
    assert_eq!(name, "42");
}

#[test]
fn reassembler_connect_disconnect_and_refusals() {
    let mut r = Reassembler::new(V5, Limits::default());
    assert_eq!(
        r.text(r#"0{"sid":"wZX3oN0bSVIhsaknAAAI"}"#)
            .unwrap()
            .unwrap(),
        Received::Connect {
            namespace: "/".into(),
            data: Some(r#"{"sid":"wZX3oN0bSVIhsaknAAAI"}"#.into()),
        }
    );
    assert_eq!(
        r.text("1/admin,").unwrap().unwrap(),
        Received::Disconnect {
            namespace: "/admin".into()
        }
    );
    let refused = r
        .text(r#"4{"message":"Not authorized","data":{"code":7}}"#)
        .unwrap()
        .unwrap();
    assert!(
        matches!(&refused, Received::ConnectError { message, .. } if message == "Not authorized")
    );
    let refused = r.text(r#"4"plain""#).unwrap().unwrap();
    assert!(matches!(&refused, Received::ConnectError { message, .. } if message == "plain"));
    let refused = r.text(r#"4{"code":7}"#).unwrap().unwrap();
    assert!(
        matches!(&refused, Received::ConnectError { message, .. } if message == r#"{"code":7}"#)
    );
    let mut v4 = Reassembler::new(V4, Limits::default());
    let refused = v4.text("4").unwrap().unwrap();
    assert!(
        matches!(&refused, Received::ConnectError { message, data: None, .. } if message.contains("(ERROR)"))
    );
    let refused = v4.text("4/admin,17").unwrap().unwrap();
    assert!(
        matches!(&refused, Received::ConnectError { message, .. } if message.contains("(ERROR)"))
    );
}

#[test]
fn reassembler_refuses_what_breaks_the_sequence_and_its_bounds() {
    let limits = Limits {
        max_attachments: 3,
        max_attachment_bytes: 10,
    };
    let mut r = Reassembler::new(V5, limits);
    assert_eq!(r.binary(vec![1]), Err(SocketIoError::UnexpectedBinary));
    assert_eq!(
        r.text(r#"52-["a",{"_placeholder":true,"num":0}]"#),
        Ok(None)
    );
    let e = r.text(r#"2["b"]"#).unwrap_err();
    assert_eq!(
        e,
        SocketIoError::TextBeforeAttachments {
            kind: "BINARY_EVENT",
            missing: 2
        }
    );
    assert_eq!(
        e.to_string(),
        "a text packet came while 2 binary attachment(s) of a BINARY_EVENT were still expected"
    );
    assert_eq!(r.missing(), 0);
    assert!(matches!(
        r.text(r#"54-["a"]"#),
        Err(SocketIoError::Packet(
            PacketError::TooManyAttachments { .. }
        ))
    ));
    assert_eq!(r.text(r#"52-["a"]"#), Ok(None));
    assert_eq!(r.binary(vec![0; 6]), Ok(None));
    assert_eq!(
        r.binary(vec![0; 5]),
        Err(SocketIoError::AttachmentsTooLarge { limit: 10 })
    );
    assert_eq!(r.missing(), 0);
    assert_eq!(
        r.text(r#"51-["a",{"_placeholder":true,"num":1}]"#),
        Ok(None)
    );
    let e = r.binary(vec![9]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "in the packet's data, column 6: the placeholder for attachment 1 names none of the packet's 1 attachments"
    );
    // A placeholder that is not one is left as it is.
    assert_eq!(
        r.text(r#"51-["a",{"_placeholder":false,"num":0},{"_placeholder":true}]"#),
        Ok(None)
    );
    assert!(r.binary(vec![9]).is_err());
    assert!(matches!(
        r.text(""),
        Err(SocketIoError::Packet(PacketError::Empty))
    ));
}
