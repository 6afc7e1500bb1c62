//! Token endpoint answers are untrusted bytes: shaping them (status, content type, body) and
//! parsing them must never panic.
#![no_main]

use authdeck_core::internals::{http, token_response};
use libfuzzer_sys::fuzz_target;

const TYPES: [&str; 5] =
    ["application/json", "application/x-www-form-urlencoded", "text/html", "", "text/plain"];

fuzz_target!(|data: &[u8]| {
    let _ = token_response::parse(data);
    let Some((&selector, body)) = data.split_first() else { return };
    let status = [200u16, 400, 401, 403, 429, 500, 502, 302][usize::from(selector % 8)];
    let content_type = TYPES[usize::from(selector / 8 % 5)];
    let mut response = ::http::Response::builder().status(status);
    if !content_type.is_empty() {
        response = response.header("content-type", content_type);
    }
    let response = response.body(body.to_vec()).expect("valid status and header");
    if let Ok(shaped) = http::shape_token_answer("fuzz.example", response) {
        let _ = token_response::parse(shaped.body());
    }
});
