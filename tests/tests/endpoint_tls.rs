//! The reference endpoint serves HTTPS itself (rustls) when given a
//! certificate and key, on any address; the desk trusts an agency's own CA
//! through its CA file setting (`--ca-file`), and without it refuses the
//! unknown certificate. The CA and certificate are made here (rcgen).

use std::path::PathBuf;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use wso_tests::{DeskFixture, EndpointOptions, EndpointProcess};

/// Write an agency CA and a server certificate for 127.0.0.1 signed by it:
/// (ca.pem, server.pem, server.key).
fn agency_ca(dir: &std::path::Path) -> (PathBuf, PathBuf, PathBuf) {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "Test Sheriff's Office CA");
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let server_key = KeyPair::generate().unwrap();
    let server = CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
        .unwrap()
        .signed_by(&server_key, &ca_cert, &ca_key)
        .unwrap();
    let paths = (
        dir.join("ca.pem"),
        dir.join("server.pem"),
        dir.join("server.key"),
    );
    std::fs::write(&paths.0, ca_cert.pem()).unwrap();
    std::fs::write(&paths.1, server.pem()).unwrap();
    std::fs::write(&paths.2, server_key.serialize_pem()).unwrap();
    paths
}

fn https_with_an_agency_ca_on_any_address() {
    let desk = DeskFixture::new(2);
    let (ca, cert, key) = agency_ca(desk.dir.path());
    // Not loopback: allowed because it is TLS.
    let ep = EndpointProcess::start(
        desk.dir.path(),
        &EndpointOptions {
            listen: "0.0.0.0:0".into(),
            tls: Some((cert, key)),
            ..Default::default()
        },
    );
    let port = ep.url.rsplit(':').next().unwrap().to_owned();
    assert!(ep.url.starts_with("https://"), "{}", ep.url);
    let url = format!("https://127.0.0.1:{port}");

    // The public roots do not know the agency's CA: nothing is sent.
    let untrusted = desk.sync(&url, 2);
    assert_eq!(untrusted.code(), 5, "{}", untrusted.stderr());
    assert_eq!(desk.status().events_waiting, 2);

    let mut args = desk.sync_args(&url, 20);
    args.extend(["--ca-file".to_owned(), ca.to_string_lossy().into_owned()]);
    let out = wso_tests::Run(desk.command().args(&args).output().unwrap()).success();
    assert_eq!(out.json()["status"]["events_waiting"], 0);
    assert_eq!(desk.status().acked_seq, 2);

    // Plain HTTP to the TLS port gets no protocol answer.
    let (status, _) = wso_tests::http::request(
        "GET",
        &format!("http://127.0.0.1:{port}/v1/health"),
        "x",
        None,
    );
    assert_ne!(status, 200);
}

wso_tests::on_both_stores!(https_with_an_agency_ca_on_any_address,);
