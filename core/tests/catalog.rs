//! Integrity of the compiled catalog: completeness, depth of the key entries, links and serialization.

use iothub_errors::{Error, Source, by_name, entries, lookup, resolve};

/// The codes the article treats at length; their entries must carry the same depth.
const DEEP: [u32; 22] = [
    401003, 403002, 403004, 403006, 404001, 404103, 404104, 409001, 409002, 412002, 429000, 429001, 429002,
    429003, 429004, 429005, 500001, 500008, 504101, 400027, 400029, 400030,
];

#[test]
fn catalog_holds_the_article_the_codeless_rows_and_the_sdk_codes() {
    let article = entries().iter().filter(|e| e.source == Source::Article && e.code.is_some()).count();
    let codeless: Vec<&str> = entries().iter().filter(|e| e.code.is_none()).map(|e| e.name).collect();
    let sdk: Vec<u32> = entries().iter().filter(|e| e.source == Source::Sdk).filter_map(|e| e.code).collect();
    assert_eq!(article, 161, "every numbered article row (404102 lives on as DeviceNotOnline 404103)");
    assert_eq!(codeless, ["ServiceUnavailable", "InternalServerError"]);
    assert_eq!(sdk, [408000, 500002, 500009, 503003]);
}

#[test]
fn every_entry_is_complete_and_reachable() {
    for entry in entries() {
        let label = format!("{:?} {}", entry.code, entry.name);
        assert!(entry.summary.len() > 20, "{label}: summary too thin");
        assert!(!entry.causes.is_empty() && !entry.fixes.is_empty(), "{label}: causes and fixes");
        assert!(entry.doc_url.starts_with("https://learn.microsoft.com/"), "{label}: {}", entry.doc_url);
        if let Some(code) = entry.code {
            assert_eq!(lookup(code).unwrap(), entry, "{label}: lookup by code");
            assert_eq!(resolve(&code.to_string()).unwrap().entry, Some(entry), "{label}: resolve");
        }
        for &alias in entry.alias_codes {
            assert_eq!(lookup(alias).unwrap(), entry, "{label}: alias code {alias}");
        }
        for &related in entry.related {
            assert!(lookup(related).is_ok(), "{label}: related {related} is not in the catalog");
        }
        for name in std::iter::once(entry.name).chain(entry.aliases) {
            let found = by_name(name).unwrap();
            // The one shared name (ServiceUnavailable) belongs to the code-less entry.
            assert!(found == entry || found.code.is_none(), "{label}: name {name} finds {}", found.name);
        }
        if entry.class.status() != 408 && entry.code.is_some() {
            assert!(entry.family.is_some(), "{label}: no family");
        }
    }
}

#[test]
fn the_entries_the_article_treats_at_length_are_deep() {
    for code in DEEP {
        let entry = lookup(code).unwrap();
        assert!(!entry.symptoms.is_empty(), "{code}: symptoms");
        assert!(!entry.diagnosis.is_empty(), "{code}: how to tell causes apart");
        assert!(entry.fixes.len() >= 2, "{code}: ordered fixes");
    }
    let unauthorized = lookup(401003).unwrap();
    assert!(unauthorized.messages.len() >= 6, "the six service messages of 401003");
    assert!(unauthorized.related.contains(&404104) && lookup(404104).unwrap().related.contains(&401003));
    assert!(lookup(409002).unwrap().related.contains(&404104));
    for code in [401003, 412002, 403006, 403004] {
        assert!(!lookup(code).unwrap().limits.is_empty(), "{code}: limits");
    }
}

#[test]
fn device_not_online_is_404103_and_explains_404102() {
    let entry = lookup(404102).unwrap();
    assert_eq!((entry.code, entry.name), (Some(404103), "DeviceNotOnline"));
    assert!(entry.decision.is_some_and(|d| d.contains("404102")));
    assert!(entry.doc_url.ends_with("#404103-devicenotonline-error"));
}

#[test]
fn amqp_mqtt_only_codes_have_no_http_status() {
    for code in [400027, 409002, 412002] {
        let entry = lookup(code).unwrap();
        assert!(entry.amqp_mqtt_only && entry.http_status.is_none(), "{code}");
    }
    assert_eq!(lookup(401003).unwrap().http_status, Some(401));
}

#[test]
fn entry_json_has_the_documented_fields() {
    let json = serde_json::to_value(lookup(401003).unwrap()).unwrap();
    for key in [
        "code",
        "name",
        "aliases",
        "family",
        "class",
        "http_status",
        "transient",
        "retry",
        "actor",
        "severity",
        "summary",
        "causes",
        "fixes",
        "related",
        "doc_url",
        "sdk_views",
    ] {
        assert!(json.get(key).is_some(), "missing {key}");
    }
    assert_eq!(json["code"], 401003);
    assert_eq!(json["family"], "401xxx Unauthorized");
    assert_eq!(json["class"], "Unauthorized");
    assert_eq!(json["retry"]["kind"], "reconnect-with-new-token");
    assert_eq!(json["sdk_views"].as_array().unwrap().len(), 7);
    let codeless = serde_json::to_value(by_name("InternalServerError").unwrap()).unwrap();
    assert!(codeless["code"].is_null());
}

#[test]
fn sdk_views_follow_each_sdks_rules() {
    let views = |code| iothub_errors::classify(code).unwrap().sdk_views;
    let view = |code, sdk: &str| *views(code).iter().find(|v| v.sdk.as_str() == sdk).unwrap();
    // .NET v1 deems every 403 transient; v2 only the quota.
    assert_eq!(view(403004, "csharp-service-v1").transient, Some(true));
    assert_eq!(view(403004, "csharp-service-v2").transient, Some(false));
    assert_eq!(view(403002, "csharp-service-v2").transient, Some(true));
    // 404103 is transient in v2, a DeviceNotFoundException in v1.
    assert_eq!(view(404103, "csharp-service-v2").transient, Some(true));
    assert_eq!(view(404103, "csharp-service-v1").surfaces_as, "DeviceNotFoundException");
    // 504: v2 does not retry GatewayTimeout, v1 retries any unmapped status, Node does not.
    assert_eq!(view(504101, "csharp-service-v2").transient, Some(false));
    assert_eq!(view(504101, "csharp-service-v1").transient, Some(true));
    assert_eq!(view(504101, "node").transient, Some(false));
    assert_eq!(view(429001, "node").surfaces_as, "ThrottlingError");
    assert!(view(429001, "csharp-service-v2").knows_code);
    assert!(!view(404104, "csharp-service-v2").knows_code);
    // An unlisted throttling code is still transient for v2 (it falls back on the 429 status).
    assert_eq!(view(429999, "csharp-service-v2").transient, Some(true));
}

#[test]
fn malformed_input_gets_typed_errors_not_panics() {
    let long = "9".repeat(iothub_errors::MAX_QUERY_LEN + 1);
    assert!(matches!(resolve(&long), Err(Error::InputTooLong { .. })));
    assert!(matches!(by_name(&long), Err(Error::InputTooLong { .. })));
    assert!(matches!(iothub_errors::search(&long), Err(Error::InputTooLong { .. })));
    for code in [0, 1, 99_999, 1_000_000, u32::MAX] {
        assert!(matches!(lookup(code), Err(Error::InvalidCode { .. })), "{code}");
        assert!(matches!(iothub_errors::classify(code), Err(Error::InvalidCode { .. })), "{code}");
    }
    // Every code-shaped number: a typed answer for each, and no panic.
    for code in 100_000..=999_999 {
        let _ = iothub_errors::classify(code);
    }
}

#[test]
fn arbitrary_text_never_panics() {
    let pieces = [
        "",
        " ",
        "4",
        "401003",
        "Error",
        "ErrorCode:",
        ";",
        "#",
        "aka.ms/iothub",
        "https://",
        "é",
        "\u{0}",
        "-",
        "(",
        "ü401003",
        "\u{FEFF}",
        "𝄞",
        "\t\n",
        "iothub-errorcode",
        "Exception",
        "9999999999",
        ".",
        "/",
        "*",
    ];
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..20_000 {
        let mut text = String::new();
        for _ in 0..(seed % 7) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            text.push_str(pieces[(seed % pieces.len() as u64) as usize]);
        }
        let _ = resolve(&text);
        let _ = by_name(&text);
        let _ = iothub_errors::search(&text);
    }
}
