//! Replays every input under fuzz/regressions/ (seeds, and any crash the fuzzers ever found)
//! through the same code the fuzz targets exercise, so a fixed crash stays fixed in a plain
//! `cargo test`.

use std::path::Path;

use authdeck_core::internals::callback::{self, Expected};
use authdeck_core::internals::{http, token_response};

fn inputs(target: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions").join(target);
    let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert!(!files.is_empty());
    files.into_iter().map(|f| std::fs::read(f).unwrap()).collect()
}

#[test]
fn callback_url_regressions() {
    let expected = Expected {
        redirect_uri: "dev.authdeck.app:/oauth/callback",
        issuer: Some("http://127.0.0.1:4000"),
        iss_required: true,
        tenant_template: false,
    };
    let mut genuine = 0;
    for input in inputs("callback_url") {
        let text = String::from_utf8_lossy(&input);
        if let Ok(answer) = callback::parse(&text)
            && callback::check(answer, expected).is_ok()
        {
            genuine += 1;
        }
    }
    assert_eq!(genuine, 1, "only the genuine seed passes the checks");
}

#[test]
fn token_response_regressions() {
    for input in inputs("token_response") {
        let _ = token_response::parse(&input);
        let (_, body) = input.split_first().unwrap();
        let response = ::oauth2::http::Response::builder()
            .status(200)
            .header("content-type", "application/json")
            .body(body.to_vec())
            .unwrap();
        if let Ok(shaped) = http::shape_token_answer("fuzz.example", response) {
            token_response::parse(shaped.body()).expect("a shaped answer parses");
        }
    }
}

#[test]
fn provider_file_regressions() {
    let mut added = 0;
    for input in inputs("provider_file") {
        if let Ok(file) = authdeck_core::ProviderFile::parse(&input)
            && file.to_config(&file.suggested_name()).is_ok()
        {
            added += 1;
        }
        if let Ok(file) = authdeck_core::ProviderFile::from_link(&String::from_utf8_lossy(&input)) {
            file.to_config("linked").expect("the seed link is a good provider");
            added += 1;
        }
    }
    assert_eq!(added, 2, "only the genuine file and the link are accepted");
}
