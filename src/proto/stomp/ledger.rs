//! What a STOMP client keeps between frames: its subscriptions (numbered 0, 1, …), the
//! received messages that wait for an ACK or NACK, the RECEIPTs asked for, and the open
//! transactions. Every list is bounded: a server that sends without end, or a user who never
//! acknowledges, cannot make it grow without limit (the oldest entries go first). Pure.

use super::encoder::{AckMode, AckTarget};
use std::collections::{BTreeMap, VecDeque};
use std::time::Instant;

/// How many received messages may wait for their acknowledgement, how many RECEIPTs may be
/// awaited, and how many subscriptions and transactions may be open.
const MAX_ENTRIES: usize = 10_000;

/// A subscription of this session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Subscription {
    pub destination: String,
    pub ack: AckMode,
}

/// A received message that waits for an ACK or NACK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unacked {
    /// What `/ack` names it by (its `ack` header in 1.2, its `message-id` before).
    pub id: String,
    pub target: AckTarget,
    /// The subscription's number.
    pub subscription: Option<u64>,
    pub ack: AckMode,
}

/// A frame that asked for a RECEIPT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Asked {
    pub at: Instant,
    /// What the frame was, in words (`SEND to /queue/a`).
    pub what: String,
}

#[derive(Debug, Default)]
pub(crate) struct Ledger {
    subscriptions: BTreeMap<u64, Subscription>,
    next_subscription: u64,
    unacked: VecDeque<Unacked>,
    receipts: BTreeMap<String, Asked>,
    transactions: Vec<String>,
    next_transaction: u64,
}

impl Ledger {
    /// A new subscription's number.
    pub(crate) fn subscribe(&mut self, s: Subscription) -> u64 {
        let id = self.next_subscription;
        self.next_subscription += 1;
        if self.subscriptions.len() >= MAX_ENTRIES {
            self.subscriptions.pop_first();
        }
        self.subscriptions.insert(id, s);
        id
    }

    /// The subscription a MESSAGE's `subscription` header names.
    pub(crate) fn subscription(&self, header: &str) -> Option<(u64, &Subscription)> {
        let id = header.parse().ok()?;
        self.subscriptions.get(&id).map(|s| (id, s))
    }

    /// Ends a subscription (and forgets its messages' acknowledgements).
    pub(crate) fn unsubscribe(&mut self, id: &str) -> Option<Subscription> {
        let n: u64 = id.parse().ok()?;
        let s = self.subscriptions.remove(&n)?;
        self.unacked.retain(|u| u.subscription != Some(n));
        Some(s)
    }

    /// The open subscriptions, for a message that names none of them.
    pub(crate) fn subscription_list(&self) -> String {
        list(self.subscriptions.keys().map(u64::to_string))
    }

    pub(crate) fn wait_for_ack(&mut self, u: Unacked) {
        if self.unacked.len() >= MAX_ENTRIES {
            self.unacked.pop_front();
        }
        self.unacked.push_back(u);
    }

    /// Takes the message `id` names, and in `client` mode every earlier one of its
    /// subscription too (an ACK there is cumulative).
    pub(crate) fn acknowledge(&mut self, id: &str) -> Option<Unacked> {
        let i = self.unacked.iter().position(|u| u.id == id)?;
        let found = self.unacked.remove(i)?;
        if found.ack == AckMode::Client {
            let mut k = 0;
            self.unacked.retain(|u| {
                k += 1;
                k > i || u.subscription != found.subscription
            });
        }
        Some(found)
    }

    /// The ack ids that wait, oldest first (at most a few, for a message).
    pub(crate) fn unacked_list(&self) -> String {
        list(self.unacked.iter().map(|u| u.id.clone()))
    }

    pub(crate) fn ask_receipt(&mut self, id: String, asked: Asked) {
        if self.receipts.len() >= MAX_ENTRIES {
            self.receipts.pop_first();
        }
        self.receipts.insert(id, asked);
    }

    pub(crate) fn receipt(&mut self, id: &str) -> Option<Asked> {
        self.receipts.remove(id)
    }

    pub(crate) fn receipts_awaited(&self) -> bool {
        !self.receipts.is_empty()
    }

    /// A transaction's name: the one given, else the next of tx-1, tx-2, … not in use.
    pub(crate) fn begin(&mut self, name: Option<String>) -> Result<String, String> {
        let name = match name {
            Some(n) if self.transactions.contains(&n) => {
                return Err(format!("transaction {n} is open already"));
            }
            Some(n) => n,
            None => loop {
                self.next_transaction += 1;
                let n = format!("tx-{}", self.next_transaction);
                if !self.transactions.contains(&n) {
                    break n;
                }
            },
        };
        if self.transactions.len() >= MAX_ENTRIES {
            self.transactions.remove(0);
        }
        self.transactions.push(name.clone());
        Ok(name)
    }

    /// Ends transaction `name` (the one begun last when None).
    pub(crate) fn end_transaction(&mut self, name: Option<&str>) -> Result<String, String> {
        let i = match name {
            Some(n) => self.transactions.iter().position(|t| t == n),
            None => self.transactions.len().checked_sub(1),
        };
        match i {
            Some(i) => Ok(self.transactions.remove(i)),
            None => Err(match name {
                Some(n) => format!(
                    "transaction {n} is not open (open: {})",
                    list(self.transactions.iter().cloned())
                ),
                None => "no transaction is open (/begin starts one)".to_string(),
            }),
        }
    }

    /// The transaction SENDs, ACKs and NACKs go in: the one begun last.
    pub(crate) fn transaction(&self) -> Option<&str> {
        self.transactions.last().map(String::as_str)
    }

    pub(crate) fn open_transactions(&self) -> &[String] {
        &self.transactions
    }
}

/// A few items for a message: `a, b, c` and how many more; `none` when empty.
fn list(items: impl Iterator<Item = String>) -> String {
    const SHOWN: usize = 5;
    let items: Vec<String> = items.collect();
    if items.is_empty() {
        return "none".into();
    }
    let mut s = items[..items.len().min(SHOWN)].join(", ");
    if items.len() > SHOWN {
        s.push_str(&format!(" and {} more", items.len() - SHOWN));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unacked(id: &str, subscription: u64, ack: AckMode) -> Unacked {
        Unacked {
            id: id.into(),
            target: AckTarget {
                id: id.into(),
                subscription: Some(subscription.to_string()),
            },
            subscription: Some(subscription),
            ack,
        }
    }

    #[test]
    fn an_ack_in_client_mode_takes_the_earlier_messages_of_its_subscription() {
        let mut l = Ledger::default();
        for id in ["a1", "a2", "a3"] {
            l.wait_for_ack(unacked(id, 0, AckMode::Client));
        }
        l.wait_for_ack(unacked("b1", 1, AckMode::ClientIndividual));
        assert_eq!(l.acknowledge("a2").map(|u| u.id), Some("a2".into()));
        assert_eq!(l.unacked_list(), "a3, b1");
        assert!(l.acknowledge("a1").is_none());
        assert_eq!(l.acknowledge("b1").map(|u| u.id), Some("b1".into()));
        assert_eq!(l.unacked_list(), "a3");
    }

    #[test]
    fn subscriptions_receipts_and_transactions() {
        let mut l = Ledger::default();
        let sub = |d: &str| Subscription {
            destination: d.into(),
            ack: AckMode::Auto,
        };
        assert_eq!(l.subscribe(sub("/a")), 0);
        assert_eq!(l.subscribe(sub("/b")), 1);
        assert_eq!(
            l.subscription("1")
                .map(|(n, s)| (n, s.destination.as_str())),
            Some((1, "/b"))
        );
        assert_eq!(l.unsubscribe("0").map(|s| s.destination), Some("/a".into()));
        assert!(l.unsubscribe("0").is_none() && l.unsubscribe("x").is_none());
        assert_eq!(l.subscription_list(), "1");

        let at = Instant::now();
        l.ask_receipt(
            "r1".into(),
            Asked {
                at,
                what: "SEND to /a".into(),
            },
        );
        assert!(l.receipts_awaited());
        assert_eq!(l.receipt("r1").map(|a| a.what), Some("SEND to /a".into()));
        assert!(!l.receipts_awaited() && l.receipt("r1").is_none());

        assert_eq!(l.begin(None), Ok("tx-1".into()));
        assert_eq!(l.begin(Some("tx-2".into())), Ok("tx-2".into()));
        assert_eq!(l.begin(None), Ok("tx-3".into()));
        assert!(l.begin(Some("tx-1".into())).is_err());
        assert_eq!(l.transaction(), Some("tx-3"));
        assert_eq!(l.end_transaction(None), Ok("tx-3".into()));
        assert_eq!(l.end_transaction(Some("tx-1")), Ok("tx-1".into()));
        assert_eq!(
            l.end_transaction(Some("nope")),
            Err("transaction nope is not open (open: tx-2)".into())
        );
        assert_eq!(l.open_transactions(), ["tx-2"]);
        assert_eq!(
            list((0..7).map(|i| i.to_string())),
            "0, 1, 2, 3, 4 and 2 more"
        );
    }
}
