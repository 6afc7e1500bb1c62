//! The `refresh` benchmark: per-refresh time of each method, in interleaved rounds so that
//! machine noise hits every method alike, written as JSON for bench/bench.py.

use std::path::PathBuf;

use serde_json::json;

use crate::Res;
use crate::browser::Browser;
use crate::costs;
use authdeck_core::DeckConfig;

use crate::methods::{
    Connected, CoreHttp, Grant, Method, OauthLib, Raw, RawThenWrite, memory_store,
};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The provider's issuer URL.
    #[arg(long)]
    issuer: String,
    /// Unmeasured refreshes per method first (connections, key cache, page cache).
    #[arg(long, default_value_t = 20)]
    warmup: usize,
    /// Rounds; each round runs every method, in a rotating order.
    #[arg(long, default_value_t = 10)]
    rounds: usize,
    /// Refreshes per method per round.
    #[arg(long, default_value_t = 50)]
    per_round: usize,
    /// Python with requests-oauthlib installed (the baseline is skipped without it).
    #[arg(long)]
    python: Option<PathBuf>,
    /// Repetitions of each cost in the breakdown.
    #[arg(long, default_value_t = 200)]
    cost_reps: usize,
    /// Where to write the results (JSON).
    #[arg(long)]
    out: PathBuf,
}

/// A method with the name the report uses, its samples and the keychain calls (reads,
/// writes) its measured refreshes made, when they are counted.
struct Measured {
    key: &'static str,
    label: &'static str,
    method: Method,
    samples: Vec<u64>,
    keychain: Option<(u64, u64)>,
}

async fn methods(args: &Args, browser: &mut Browser) -> Res<Vec<Measured>> {
    let issuer = args.issuer.as_str();
    let measured =
        |key, label, method| Measured { key, label, method, samples: Vec::new(), keychain: None };
    let mut list = vec![
        measured("raw", "raw HTTP round trip (reqwest, kept alive)", {
            Method::Raw(Raw::new(&Grant::new(issuer, "bench-raw", browser).await?)?)
        }),
        measured("raw_write", "raw round trip, then one keychain write (the floor)", {
            let grant = Grant::new(issuer, "bench-floor", browser).await?;
            Method::RawThenWrite(Box::new(RawThenWrite::new(&grant)?))
        }),
        measured("core_http", "AuthDeck HTTP path only (oauth2 + core Http)", {
            Method::CoreHttp(Box::new(CoreHttp::new(
                &Grant::new(issuer, "bench-core-http", browser).await?,
            )?))
        }),
        measured("deck_os", "AuthDeck Deck::refresh, OS keychain, as the CLI runs it", {
            let config = DeckConfig::default();
            Method::Deck(Box::new(
                Connected::on_os_keychain(issuer, "bench-os", config, browser).await?,
            ))
        }),
        measured("deck_app", "AuthDeck Deck::refresh, OS keychain, warm, as the app runs it", {
            let config = DeckConfig::default().long_lived();
            Method::Deck(Box::new(
                Connected::on_os_keychain(issuer, "bench-app", config, browser).await?,
            ))
        }),
        measured("deck_memory", "AuthDeck Deck::refresh, in-memory store", {
            Method::Deck(Box::new(
                Connected::new(issuer, "bench-memory", memory_store, browser).await?,
            ))
        }),
    ];
    if let Some(python) = &args.python {
        let grant = Grant::new(issuer, "bench-oauthlib", browser).await?;
        let lib = Method::OauthLib(OauthLib::new(python, &grant)?);
        list.push(measured("oauthlib", "requests-oauthlib OAuth2Session.refresh_token", lib));
    }
    Ok(list)
}

/// The Deck on the OS keychain, whose account the cost breakdown uses.
fn deck_os(list: &[Measured]) -> Option<&Connected> {
    list.iter().find_map(|m| match &m.method {
        Method::Deck(connected) if m.key == "deck_os" => Some(connected.as_ref()),
        _ => None,
    })
}

/// `refresh`.
pub async fn run(args: Args) -> Res<()> {
    let mut browser = Browser::start()?;
    let mut list = methods(&args, &mut browser).await?;
    drop(browser);
    for m in &mut list {
        m.method.batch(args.warmup).await?;
    }
    let count = list.len();
    for round in 0..args.rounds {
        for k in 0..count {
            let m = &mut list[(round + k) % count];
            let before = m.method.keychain_counts();
            let samples = m.method.batch(args.per_round).await?;
            m.samples.extend(samples);
            if let (Some((r0, w0)), Some((r1, w1))) = (before, m.method.keychain_counts()) {
                let (reads, writes) = m.keychain.unwrap_or_default();
                m.keychain = Some((reads + r1 - r0, writes + w1 - w0));
            }
        }
    }
    let costs = match deck_os(&list) {
        Some(connected) => costs::measure(connected, args.cost_reps).await?,
        None => json!([]),
    };
    let methods: Vec<_> = list
        .iter()
        .map(|m| {
            let keychain =
                m.keychain.map(|(reads, writes)| json!({"reads": reads, "writes": writes}));
            json!({ "key": m.key, "label": m.label, "samples_ns": m.samples, "keychain": keychain })
        })
        .collect();
    let report = json!({
        "warmup": args.warmup,
        "rounds": args.rounds,
        "per_round": args.per_round,
        "methods": methods,
        "costs": costs,
    });
    std::fs::write(&args.out, serde_json::to_vec_pretty(&report)?)?;
    Ok(())
}
