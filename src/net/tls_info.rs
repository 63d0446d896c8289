//! What `-v` says about the server's certificate: subject, issuer, validity, alternative names.
//!
//! native-tls hands out the peer certificate as DER; on systems where it is built on OpenSSL,
//! OpenSSL's own X.509 parser reads it. On macOS (Security.framework) only the fact that TLS
//! is up is shown.

/// A readable summary of a DER certificate, one item per line.
#[cfg(not(target_vendor = "apple"))]
pub(crate) fn describe(der: &[u8]) -> Vec<String> {
    use openssl::nid::Nid;
    use openssl::x509::{X509, X509NameRef};
    let Ok(cert) = X509::from_der(der) else {
        return vec!["certificate: could not be parsed".into()];
    };
    let name = |n: &X509NameRef| {
        n.entries()
            .filter_map(|e| {
                let key = e.object().nid().short_name().unwrap_or("?");
                let val = e.data().to_string().ok()?;
                Some(format!("{key}={val}"))
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = vec![
        format!("subject: {}", name(cert.subject_name())),
        format!("issuer: {}", name(cert.issuer_name())),
        format!("valid: {} to {}", cert.not_before(), cert.not_after()),
    ];
    if let Some(sans) = cert.subject_alt_names() {
        let list: Vec<String> = sans
            .iter()
            .filter_map(|g| {
                g.dnsname()
                    .map(|d| format!("DNS:{d}"))
                    .or_else(|| g.ipaddress().map(ip_text).map(|ip| format!("IP:{ip}")))
            })
            .collect();
        if !list.is_empty() {
            out.push(format!("alt names: {}", list.join(", ")));
        }
    }
    if out.len() < 4
        && cert
            .subject_name()
            .entries_by_nid(Nid::COMMONNAME)
            .next()
            .is_none()
    {
        out.push("alt names: none, and no common name".into());
    }
    out
}

#[cfg(not(target_vendor = "apple"))]
fn ip_text(b: &[u8]) -> String {
    match b.len() {
        4 => std::net::Ipv4Addr::new(b[0], b[1], b[2], b[3]).to_string(),
        16 => {
            let mut a = [0u8; 16];
            a.copy_from_slice(b);
            std::net::Ipv6Addr::from(a).to_string()
        }
        _ => crate::wire::frame::hex(b),
    }
}

#[cfg(target_vendor = "apple")]
pub fn describe(_der: &[u8]) -> Vec<String> {
    Vec::new()
}
