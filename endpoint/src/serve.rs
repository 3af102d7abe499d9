//! Serving connections: one task per TCP connection, HTTPS with rustls when
//! a certificate is given, and the protocol's time limits on every part of a
//! request. A connection that sends its headers too slowly is closed by
//! hyper's header read timeout; one that sends its body too slowly runs into
//! the whole-request timeout in `routes` (the body is read inside it).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::{crypto, ServerConfig};
use tokio_rustls::TlsAcceptor;

use crate::faults::FaultyListener;

/// Time limits of one request.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Headers, body and answer together (the protocol's 30 s). The TLS
    /// handshake and the headers each get this long too.
    pub request_timeout: Duration,
}

/// Load a PEM certificate chain and key into a TLS acceptor (TLS 1.2 and 1.3).
pub fn tls_acceptor(cert: &Path, key: &Path) -> Result<TlsAcceptor, String> {
    let certs = CertificateDer::pem_file_iter(cert)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|e| format!("cannot read --tls-cert {}: {e}", cert.display()))?;
    if certs.is_empty() {
        return Err(format!(
            "--tls-cert {} holds no PEM certificate",
            cert.display()
        ));
    }
    let key = PrivateKeyDer::from_pem_file(key)
        .map_err(|e| format!("cannot read --tls-key {}: {e}", key.display()))?;
    let config = ServerConfig::builder_with_provider(Arc::new(crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS set-up failed: {e}"))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| format!("--tls-cert and --tls-key do not make a usable pair: {e}"))?;
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// Accept connections for ever, each served on its own task.
pub async fn run(
    mut listener: FaultyListener,
    app: Router,
    tls: Option<TlsAcceptor>,
    limits: Limits,
) {
    use axum::serve::Listener;
    loop {
        let (stream, _) = listener.accept().await;
        let app = app.clone();
        let tls = tls.clone();
        tokio::spawn(async move {
            match tls {
                None => connection(stream, app, limits).await,
                Some(acceptor) => {
                    // A client that never finishes the handshake must not hold a task for ever.
                    match tokio::time::timeout(limits.request_timeout, acceptor.accept(stream))
                        .await
                    {
                        Ok(Ok(stream)) => connection(stream, app, limits).await,
                        Ok(Err(e)) => tracing::debug!(error = %e, "TLS handshake failed"),
                        Err(_) => tracing::debug!("TLS handshake timed out"),
                    }
                }
            }
        });
    }
}

async fn connection<S>(stream: S, app: Router, limits: Limits)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let served = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.request_timeout)
        .serve_connection(TokioIo::new(stream), TowerToHyperService::new(app))
        .await;
    if let Err(e) = served {
        tracing::debug!(error = %e, "connection ended with an error");
    }
}
