//! `wscope serve`'s options validated into the server's settings ([`ServeConfig`]): where to
//! listen, what each connection gets, and whom to serve.

use crate::cli::ServeArgs;
use crate::error::Error;
use crate::serve::{Listen, OriginPolicy, ServeConfig, Serving};
use std::net::SocketAddr;

/// Validates the options of `wscope serve`.
pub(crate) fn serve(args: &ServeArgs) -> Result<ServeConfig, Error> {
    let origins = OriginPolicy::new(&args.allow_origin, args.coproc.is_some())?;
    let listen = match &args.unix_socket {
        Some(path) => Listen::Unix(path.clone()),
        None => Listen::Tcp(listen_addr(&args.listen)?),
    };
    let serving = match (&args.coproc, args.broadcast) {
        (Some(command), _) => Serving::Coproc(command.clone()),
        (None, true) => Serving::Broadcast,
        (None, false) => Serving::Echo,
    };
    Ok(ServeConfig {
        listen,
        serving,
        max_clients: args.max_clients,
        origins,
    })
}

/// `--listen`: an address, or a port on loopback.
fn listen_addr(addr: &str) -> Result<SocketAddr, Error> {
    addr.parse()
        .or_else(|_| format!("127.0.0.1:{addr}").parse())
        .map_err(|_| {
            Error::usage(format!(
                "--listen '{addr}' is not an address like 127.0.0.1:9001"
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listen_address_may_be_a_port_on_loopback() {
        let local: SocketAddr = "127.0.0.1:9001".parse().expect("addr");
        assert_eq!(listen_addr("9001").expect("port"), local);
        assert_eq!(listen_addr("127.0.0.1:9001").expect("addr"), local);
        assert!(listen_addr("nowhere").is_err());
    }
}
