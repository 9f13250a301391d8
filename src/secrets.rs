//! The one place secrets are scrubbed from text. Every credential this process holds (the
//! seat token, the comment token, the App's JWT and installation tokens, the App's private
//! key) is registered here when it is created; `redact` replaces each of them, any PEM
//! private-key block and anything shaped like a GitHub token with `***`. The client runs
//! every text it hands out through it (answer bodies, error excerpts, quoted headers, log
//! lines), and so do the last printing points (errors, the job summary, the comment), so
//! that a server that echoes a secret back cannot make us print it.

use std::borrow::Cow;
use std::sync::{Mutex, PoisonError};

/// Shorter values are not registered: scrubbing them would mangle ordinary text, and no
/// GitHub credential is that short.
const MIN_SECRET_LEN: usize = 8;
/// Prefixes of GitHub's token formats (classic, OAuth, user-to-server, server-to-server,
/// refresh, fine-grained).
const TOKEN_PREFIXES: [&str; 6] = ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"];
const MASK: &str = "***";

static KNOWN: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Remembers a secret so that `redact` scrubs it from then on.
pub fn register(secret: &str) {
    let secret = secret.trim();
    if secret.len() < MIN_SECRET_LEN {
        return;
    }
    let mut known = KNOWN.lock().unwrap_or_else(PoisonError::into_inner);
    if !known.iter().any(|k| k == secret) {
        known.push(secret.to_string());
        // Longest first, so that a secret containing another is scrubbed whole.
        known.sort_by_key(|k| std::cmp::Reverse(k.len()));
    }
}

/// Remembers a PEM private key: each of its base64 lines, so that a partial echo is
/// scrubbed too.
pub fn register_pem(pem: &str) {
    for line in pem.lines().map(str::trim) {
        if !line.starts_with("-----") {
            register(line);
        }
    }
}

/// `text` with every registered secret, PEM private-key block and GitHub-token-shaped word
/// replaced by `***`.
pub fn redact(text: &str) -> Cow<'_, str> {
    let mut out = Cow::Borrowed(text);
    {
        let known = KNOWN.lock().unwrap_or_else(PoisonError::into_inner);
        for secret in known.iter() {
            if out.contains(secret.as_str()) {
                out = Cow::Owned(out.replace(secret.as_str(), MASK));
            }
        }
    }
    if out.contains("PRIVATE KEY-----") {
        out = Cow::Owned(pem_blocks(&out));
    }
    if TOKEN_PREFIXES.iter().any(|p| out.contains(p)) {
        out = Cow::Owned(token_shapes(&out));
    }
    out
}

/// Replaces `-----BEGIN … PRIVATE KEY-----` through its `-----END … PRIVATE KEY-----`
/// (or the end of the text, for a cut-off block).
fn pem_blocks(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("-----BEGIN") {
        let Some(header_end) = rest[start..].find("PRIVATE KEY-----") else {
            break;
        };
        out.push_str(&rest[..start]);
        out.push_str(MASK);
        let after_header = start + header_end + "PRIVATE KEY-----".len();
        rest = match rest[after_header..].find("-----END") {
            Some(end) => {
                let end = after_header + end;
                match rest[end..].find("PRIVATE KEY-----") {
                    Some(tail) => &rest[end + tail + "PRIVATE KEY-----".len()..],
                    None => "",
                }
            }
            None => "",
        };
    }
    out.push_str(rest);
    out
}

/// Replaces words that start with a GitHub token prefix and go on for at least 16
/// characters of the token alphabet.
fn token_shapes(text: &str) -> String {
    let token_char = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    'scan: while !rest.is_empty() {
        for (index, _) in rest.char_indices() {
            let tail = &rest[index..];
            let starts_word = rest[..index]
                .chars()
                .next_back()
                .is_none_or(|c| !token_char(c));
            let Some(prefix) = TOKEN_PREFIXES.iter().find(|p| tail.starts_with(**p)) else {
                continue;
            };
            if !starts_word {
                continue;
            }
            let body_len = tail[prefix.len()..]
                .find(|c: char| !token_char(c))
                .unwrap_or(tail.len() - prefix.len());
            if body_len >= 16 {
                out.push_str(&rest[..index]);
                out.push_str(MASK);
                rest = &tail[prefix.len() + body_len..];
                continue 'scan;
            }
        }
        out.push_str(rest);
        break;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registered_secrets_are_scrubbed_and_short_values_are_not_registered() {
        register("s3cr3t-value-for-a-test");
        register("short");
        assert_eq!(
            redact("token s3cr3t-value-for-a-test echoed, short stays"),
            "token *** echoed, short stays"
        );
        assert!(matches!(redact("nothing here"), Cow::Borrowed(_)));
    }

    #[test]
    fn pem_blocks_and_their_lines_are_scrubbed() {
        let pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAtestkeyline\n-----END RSA PRIVATE KEY-----\n";
        assert_eq!(redact(&format!("key: {pem}done")), "key: ***\ndone");
        assert_eq!(
            redact("-----BEGIN PRIVATE KEY-----\nMIIcut"),
            "***",
            "a cut-off block goes to the end"
        );
        register_pem(pem);
        assert_eq!(redact("echo MIIEowIBAAKCAQEAtestkeyline"), "echo ***");
    }

    #[test]
    fn github_token_shapes_are_scrubbed_but_not_ordinary_words() {
        assert_eq!(
            redact(
                "Bad credentials: ghp_abcdefghijklmnop0123 (and github_pat_11AAAAAAAAAAAAAAAAAAAA_x)"
            ),
            "Bad credentials: *** (and ***)"
        );
        assert_eq!(
            redact("ghs_short and xghp_abcdefghijklmnopqrs"),
            "ghs_short and xghp_abcdefghijklmnopqrs"
        );
    }
}
