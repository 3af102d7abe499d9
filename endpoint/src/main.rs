//! `wso-endpoint`: the reference ICE endpoint (see the library for the parts).

fn main() -> std::process::ExitCode {
    wso_endpoint::cli::main()
}
