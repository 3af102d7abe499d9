//! A minimal HTTP/1.1 client for the endpoint's admin routes in tests, on a
//! plain `TcpStream`: keeps reqwest's features out of the test build.

use std::io::{Read, Write};
use std::net::TcpStream;

/// Send one request (`Connection: close`) and return (status, body).
pub fn request(method: &str, url: &str, token: &str, body: Option<&str>) -> (u16, String) {
    let rest = url
        .strip_prefix("http://")
        .expect("admin URLs are plain http on loopback");
    let (host, path) = rest
        .split_once('/')
        .map(|(h, p)| (h, format!("/{p}")))
        .unwrap_or((rest, "/".into()));
    let mut stream = TcpStream::connect(host).expect("connecting to the endpoint");
    let body = body.unwrap_or("");
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream
        .write_all(head.as_bytes())
        .expect("sending the request");
    stream.write_all(body.as_bytes()).expect("sending the body");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("reading the answer");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = status_of(&text);
    let (headers, payload) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let payload = if headers
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(payload)
    } else {
        payload.to_owned()
    };
    (status, payload)
}

/// The status code of a raw HTTP/1.1 answer (0 when there was none).
pub fn status_of(answer: &str) -> u16 {
    answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        body = rest[n..].trim_start_matches("\r\n");
    }
    out
}
