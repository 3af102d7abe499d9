//! AU-11 (retention): custody history is append-only. No code of the desk, the
//! shell or the endpoint deletes or rewrites a sync event, an audit record,
//! a hold, a claim or an incident; the only change ever made to a stored event
//! is its `delivered` mark (docs/adr/0011), which is not part of its hash.
//!
//! This reads the sources as text: a new `DELETE FROM audit` anywhere fails
//! here before it can reach a desk.

use std::path::{Path, PathBuf};

fn rust_sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Test modules may tamper on purpose (that is how verify is tested).
fn is_test_source(path: &Path) -> bool {
    let name = path.file_name().unwrap().to_string_lossy();
    name == "tests.rs" || name.ends_with("_tests.rs")
}

#[test]
fn no_code_deletes_or_rewrites_custody_history() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut files = Vec::new();
    for dir in ["core/src", "src-tauri/src", "endpoint/src"] {
        rust_sources(&root.join(dir), &mut files);
    }
    assert!(files.len() > 50, "the sources were found: {}", files.len());
    let forbidden = [
        "DELETE FROM event",
        "DELETE FROM audit",
        "UPDATE audit",
        "DELETE FROM hold",
        "DELETE FROM claim",
        "DELETE FROM incident",
        "DROP TABLE event",
        "DROP TABLE audit",
    ];
    let mut found = Vec::new();
    for file in files.iter().filter(|f| !is_test_source(f)) {
        let text = std::fs::read_to_string(file).unwrap();
        // Only code before a file's `#[cfg(test)]` module is the desk's.
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for (n, line) in code.lines().enumerate() {
            let upper = line.to_uppercase();
            for f in forbidden {
                if upper.contains(f) {
                    found.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
                }
            }
            // The delivered mark is the one permitted change to an event.
            if upper.contains("UPDATE EVENT") && !upper.contains("SET DELIVERED") {
                found.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "history rewritten in: {found:#?}");
}
