//! Corporate networks: GitHub behind HTTPS with a CA this machine does not know (a
//! TLS-inspecting proxy's), trusted through `SSL_CERT_FILE`; `HTTPS_PROXY` through a
//! CONNECT proxy on loopback, and `NO_PROXY`. The CA is made at test time (rcgen) and
//! thrown away with the test.

use crate::support::{FakeGitHub, State, Workspace, stderr, stdout};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

const FILE: &str = "org: acme\nusers: [alice, bob]\n";

fn org() -> State {
    let mut state = State::new("acme");
    state.with_direct_seats(&["alice"]);
    state.add_members(&["bob"]);
    state
}

/// A throwaway CA's PEM, and a TLS server config for `localhost` signed by it.
fn throwaway_ca() -> (String, ServerConfig) {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
    let ca_key = KeyPair::generate().expect("CA key");
    let mut ca = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "copilot-seats test proxy CA");
    let ca = ca.self_signed(&ca_key).expect("CA certificate");
    let leaf_key = KeyPair::generate().expect("leaf key");
    let leaf = CertificateParams::new(vec!["localhost".to_string()])
        .expect("leaf params")
        .signed_by(&leaf_key, &ca, &ca_key)
        .expect("leaf certificate");
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("protocols")
        .with_no_client_auth()
        .with_single_cert(vec![CertificateDer::from(leaf.der().to_vec())], key)
        .expect("server config");
    (ca.pem(), config)
}

/// Runs `serve` on a loopback listener in a thread of its own; returns the port.
fn spawn_server<F, Fut>(serve: F) -> u16
where
    F: FnOnce(TcpListener) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()>,
{
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.set_nonblocking(true).expect("nonblocking");
    let port = listener.local_addr().expect("address").port();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async move {
            serve(TcpListener::from_std(listener).expect("listener")).await;
        });
    });
    port
}

/// HTTPS on `localhost` in front of the fake GitHub (plain HTTP on `backend`).
fn tls_front(config: ServerConfig, backend: String) -> u16 {
    spawn_server(move |listener| async move {
        let acceptor = TlsAcceptor::from(Arc::new(config));
        while let Ok((stream, _)) = listener.accept().await {
            let (acceptor, backend) = (acceptor.clone(), backend.clone());
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(stream).await else {
                    return;
                };
                if let Ok(mut upstream) = TcpStream::connect(&backend).await {
                    let _ = tokio::io::copy_bidirectional(&mut tls, &mut upstream).await;
                }
            });
        }
    })
}

/// A request's head, up to the blank line, read byte by byte so that nothing after it is
/// consumed; `None` when the client goes away first.
async fn read_head(client: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 16384 {
        client.read_exact(&mut byte).await.ok()?;
        head.push(byte[0]);
    }
    Some(String::from_utf8_lossy(&head).to_string())
}

/// A CONNECT proxy; `seen` gets each tunnel's target.
fn connect_proxy(seen: Arc<Mutex<Vec<String>>>) -> u16 {
    spawn_server(move |listener| async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let seen = seen.clone();
            tokio::spawn(async move {
                let Some(head) = read_head(&mut client).await else {
                    return;
                };
                let Some(target) = head
                    .strip_prefix("CONNECT ")
                    .and_then(|rest| rest.split_whitespace().next())
                else {
                    let _ = client
                        .write_all(b"HTTP/1.1 405 Method Not Allowed\r\n\r\n")
                        .await;
                    return;
                };
                seen.lock().expect("lock").push(target.to_string());
                let Ok(mut upstream) = TcpStream::connect(target).await else {
                    let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\n\r\n").await;
                    return;
                };
                let _ = client
                    .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                    .await;
                let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
            });
        }
    })
}

struct Https {
    fake: FakeGitHub,
    url: String,
    ws: Workspace,
}

fn https() -> Https {
    let fake = FakeGitHub::start(org());
    let (ca, config) = throwaway_ca();
    let backend = fake.url.trim_start_matches("http://").to_string();
    let port = tls_front(config, backend);
    let ws = Workspace::new(FILE);
    ws.write("proxy-ca.pem", &ca);
    Https {
        fake,
        url: format!("https://localhost:{port}"),
        ws,
    }
}

#[test]
fn an_unknown_ca_is_a_certificate_error_that_says_how_to_add_it() {
    let server = https();
    let output = server.ws.run(&server.url, &["plan"]);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains("certificate") && text.contains("SSL_CERT_FILE"),
        "{text}"
    );
    assert!(!text.contains("check --api-url"), "{text}");
}

#[test]
fn ssl_cert_file_or_ssl_cert_dir_adds_the_proxy_ca() {
    let server = https();
    std::fs::create_dir(server.ws.path("certs")).expect("mkdir");
    std::fs::copy(
        server.ws.path("proxy-ca.pem"),
        server.ws.path("certs/proxy-ca.pem"),
    )
    .expect("copy");
    for (variable, value) in [
        ("SSL_CERT_FILE", server.ws.path("proxy-ca.pem")),
        ("SSL_CERT_DIR", server.ws.path("certs")),
    ] {
        let output = server
            .ws
            .cmd(&server.url)
            .env(variable, &value)
            .arg("plan")
            .output()
            .expect("run");
        assert_eq!(
            output.status.code(),
            Some(0),
            "{variable}: {}",
            stderr(&output)
        );
        assert!(
            stdout(&output).contains("+ user bob"),
            "{}",
            stdout(&output)
        );
    }
    assert!(!server.fake.state().requests.is_empty());
}

/// A forward proxy for plain HTTP (`HTTP_PROXY`): takes `GET http://host:port/path`,
/// sends `GET /path` to the host; `seen` gets each request line.
fn http_proxy(seen: Arc<Mutex<Vec<String>>>) -> u16 {
    spawn_server(move |listener| async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let seen = seen.clone();
            tokio::spawn(async move {
                let Some(head) = read_head(&mut client).await else {
                    return;
                };
                let mut lines = head.split("\r\n");
                let request_line = lines.next().unwrap_or_default().to_string();
                seen.lock().expect("lock").push(request_line.clone());
                let mut parts = request_line.split_whitespace();
                let (Some(method), Some(target), Some(version)) =
                    (parts.next(), parts.next(), parts.next())
                else {
                    return;
                };
                let Some(rest) = target.strip_prefix("http://") else {
                    return;
                };
                let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
                let Ok(mut upstream) = TcpStream::connect(host).await else {
                    let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\n\r\n").await;
                    return;
                };
                // One request per connection, so that every request shows here.
                let mut forwarded = format!("{method} /{path} {version}\r\n");
                for line in lines.filter(|l| !l.is_empty()) {
                    if !line.to_ascii_lowercase().starts_with("connection:")
                        && !line.to_ascii_lowercase().starts_with("proxy-")
                    {
                        forwarded.push_str(line);
                        forwarded.push_str("\r\n");
                    }
                }
                forwarded.push_str("Connection: close\r\n\r\n");
                if upstream.write_all(forwarded.as_bytes()).await.is_err() {
                    return;
                }
                let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
            });
        }
    })
}

#[test]
fn http_proxy_carries_calls_to_a_plain_http_api_root() {
    let fake = FakeGitHub::start(org());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let proxy = format!("http://127.0.0.1:{}", http_proxy(seen.clone()));
    let ws = Workspace::new(FILE);
    let output = ws
        .cmd(&fake.url)
        .env("HTTP_PROXY", &proxy)
        .arg("plan")
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("+ user bob"),
        "{}",
        stdout(&output)
    );
    let lines = seen.lock().expect("lock").clone();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with(&format!("GET {}/orgs/acme/copilot/billing", fake.url))),
        "{lines:?}"
    );
}

#[test]
fn https_proxy_carries_the_calls_and_no_proxy_bypasses_it() {
    let server = https();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let proxy = format!("http://127.0.0.1:{}", connect_proxy(seen.clone()));
    let run = |no_proxy: Option<&str>| {
        let mut cmd = server.ws.cmd(&server.url);
        cmd.env("SSL_CERT_FILE", server.ws.path("proxy-ca.pem"))
            .env("HTTPS_PROXY", &proxy);
        if let Some(no_proxy) = no_proxy {
            cmd.env("NO_PROXY", no_proxy);
        }
        cmd.arg("plan").output().expect("run")
    };
    let output = run(None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let port = server
        .url
        .rsplit(':')
        .next()
        .unwrap_or_default()
        .to_string();
    let tunnels = seen.lock().expect("lock").clone();
    assert!(
        !tunnels.is_empty() && tunnels.iter().all(|t| *t == format!("localhost:{port}")),
        "{tunnels:?}"
    );
    seen.lock().expect("lock").clear();
    let output = run(Some("localhost"));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        seen.lock().expect("lock").is_empty(),
        "NO_PROXY bypasses the proxy"
    );
}

#[test]
fn a_proxy_that_refuses_is_reported_with_its_cause() {
    let server = https();
    // Nothing listens on this port: the proxy cannot be reached.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = closed.local_addr().expect("address").port();
    drop(closed);
    let output = server
        .ws
        .cmd(&server.url)
        .env("HTTPS_PROXY", format!("http://127.0.0.1:{port}"))
        .arg("plan")
        .output()
        .expect("run");
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.contains("HTTPS_PROXY"), "{text}");
    assert!(!text.contains("error sending request"), "{text}");
}
