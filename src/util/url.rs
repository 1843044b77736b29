//! Source URLs: contributed links must be absolute http(s) URLs that a browser
//! can follow. The check is deliberately small (no URL crate): scheme, a
//! well-formed host (DNS name, IPv4, or bracketed IPv6), an optional numeric
//! port, and no characters that cannot appear in a URL.

/// Accepts absolute http(s) URLs with a well-formed host (a DNS name, an IPv4
/// address or a bracketed IPv6 address), an optional numeric port, and no
/// spaces or characters that cannot appear in a URL.
pub fn check_url(url: &str) -> Result<(), String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| format!("source URL `{url}` must start with http:// or https://"))?;
    if url.chars().any(|c| {
        c.is_whitespace()
            || c.is_control()
            || matches!(c, '"' | '<' | '>' | '\\' | '`' | '{' | '}' | '|' | '^')
    }) {
        return Err(format!(
            "source URL `{url}` contains spaces or characters that are not allowed in a URL"
        ));
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host_ok, port) = match host_port.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((addr, after)) => {
                let hex = |c: char| c.is_ascii_hexdigit() || c == ':' || c == '.';
                let port = (!after.is_empty()).then(|| after.strip_prefix(':').unwrap_or(after));
                (addr.contains(':') && addr.chars().all(hex), port)
            }
            None => (false, None),
        },
        None => {
            let (host, port) = match host_port.split_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (host_port, None),
            };
            let label_ok = |l: &str| {
                !l.is_empty()
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars()
                        .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
            };
            (!host.is_empty() && host.split('.').all(label_ok), port)
        }
    };
    if !host_ok {
        return Err(format!("source URL `{url}` has no valid host"));
    }
    if let Some(port) = port
        && (port.is_empty() || port.len() > 5 || !port.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(format!("source URL `{url}` has an invalid port `{port}`"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        for ok in [
            "https://git-scm.com/docs/git-push",
            "http://localhost:8080/x?y=1#z",
            "https://user@example.com/",
            "https://[::1]:443/",
            "https://192.168.0.1",
            "https://münchen.de/",
        ] {
            assert_eq!(check_url(ok), Ok(()), "{ok}");
        }
        for bad in [
            "ftp://example.com/",
            "javascript:alert(1)",
            "https://",
            "https:///path",
            "https://exa mple.com/",
            "https://example..com/",
            "https://-example.com/",
            "https://example.com:80a/",
            "https://example.com:/",
            "https://[zz]/",
            "https://example.com/a\"b",
            "//example.com/",
        ] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
    }
}
