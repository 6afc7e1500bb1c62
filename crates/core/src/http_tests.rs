//! Tests of how [`http`](super) shapes token-endpoint answers (status, content type, body).

use super::*;

fn answer(status: u16, content_type: &str, body: &str) -> HttpResponse {
    let mut builder = http::Response::builder().status(status);
    if !content_type.is_empty() {
        builder = builder.header(header::CONTENT_TYPE, content_type);
    }
    builder.body(body.as_bytes().to_vec()).unwrap()
}

fn shaped(status: u16, content_type: &str, body: &str) -> Result<(u16, Value), String> {
    shape_token_answer("id.example", answer(status, content_type, body))
        .map(|r| (r.status().as_u16(), serde_json::from_slice(r.body()).unwrap()))
        .map_err(|e| e.to_string())
}

#[test]
fn good_answers_pass_through_as_json() {
    let (status, json) =
        shaped(200, "application/json; charset=utf-8", r#"{"access_token":"a","expires_in":"60"}"#)
            .unwrap();
    assert_eq!((status, json["access_token"].as_str()), (200, Some("a")));
    let (status, json) =
        shaped(200, "application/x-www-form-urlencoded", "access_token=a&token_type=bearer")
            .unwrap();
    assert_eq!((status, json["token_type"].as_str()), (200, Some("bearer")));
    // No content type but JSON: tolerated.
    assert!(shaped(200, "", r#"{"access_token":"a"}"#).is_ok());
}

#[test]
fn oauth_errors_become_standard_error_answers() {
    let (status, json) =
        shaped(200, "application/json", r#"{"error":"bad_verification_code"}"#).unwrap();
    assert_eq!((status, json["error"].as_str()), (400, Some("bad_verification_code")));
    let (status, _) = shaped(400, "application/json", r#"{"error":"invalid_grant"}"#).unwrap();
    assert_eq!(status, 400);
    let (status, _) = shaped(401, "application/json", r#"{"error":"invalid_client"}"#).unwrap();
    assert_eq!(status, 401);
}

#[test]
fn broken_answers_become_one_plain_sentence() {
    let cases = [
        (500, "application/json", r#"{"error":"server_error"}"#, "is unavailable right now"),
        (502, "text/html", "<html><body>Bad gateway</body></html>", "is unavailable right now"),
        (503, "", "", "is unavailable right now"),
        (429, "application/json", "{}", "is busy right now"),
        (400, "text/html", "<h1>oops</h1>", "could not handle the request"),
        (200, "text/html", "<!doctype html><p>login</p>", "sent a web page"),
        (200, "application/json", r#"{"access_token": "abc"#, "sent a damaged answer"),
        (200, "application/json", "", "sent an empty answer"),
        (200, "application/json", r#"{"token_type":"Bearer"}"#, "without an access token"),
        (200, "application/json", "[1,2]", "damaged answer"),
        (302, "text/plain", "", "sent a redirect"),
    ];
    for (status, content_type, body, expected) in cases {
        let message = shaped(status, content_type, body).unwrap_err();
        assert!(message.contains(expected), "{status} {body:?}: {message}");
        assert!(message.starts_with("id.example"), "{message}");
        assert!(!message.contains('<'), "{message}");
    }
}
