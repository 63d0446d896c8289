//! What travels on the WebSocket connection below tungstenite: today the permessage-deflate
//! layer (RFC 7692), which sits between the frame tap and tungstenite.

pub mod deflate;
