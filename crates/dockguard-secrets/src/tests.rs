//! Unit tests. Test values are written as templates expanded at run time (`{a36}` = 36 random
//! alphanumerics, …) and known prefixes are split with `@@`, so that this file itself contains no
//! string that a secret scanner would report.

use std::collections::HashSet;
use std::sync::LazyLock;

use super::*;

static SCANNER: LazyLock<Scanner> = LazyLock::new(Scanner::new);

struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

/// Expands `{cN}` (class `c`, `N` characters) and removes `@@`.
fn expand(template: &str, rng: &mut Lcg) -> String {
    const ALNUM: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after.find('}');
        let parsed = close.and_then(|close| {
            let spec = &after[..close];
            let class = spec.chars().next()?;
            let n: usize = spec[class.len_utf8()..].parse().ok()?;
            let alphabet = match class {
                'a' => ALNUM.to_string(),
                'h' => "0123456789abcdef".to_string(),
                'd' => "0123456789".to_string(),
                'U' => "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".to_string(),
                'B' => "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".to_string(),
                'b' => format!("{ALNUM}+/"),
                'u' => format!("{ALNUM}_-"),
                'l' => ALNUM[..52].to_string(),
                'c' => "abcdefghijklmnopqrstuvwxyz0123456789".to_string(),
                'z' => "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L".to_string(),
                _ => return None,
            };
            let alphabet = alphabet.as_bytes();
            let value: String = (0..n)
                .map(|_| alphabet[(rng.next() % alphabet.len() as u64) as usize] as char)
                .collect();
            Some((close, value))
        });
        match parsed {
            Some((close, value)) => {
                out.push_str(&value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out.replace("@@", "")
}

fn ids(content: &str) -> Vec<&'static str> {
    SCANNER
        .scan("test.txt", content.as_bytes())
        .iter()
        .map(|m| m.rule.id)
        .collect()
}

/// (rule id, true positive, near-miss negatives)
const CASES: &[(&str, &str, &[&str])] = &[
    (
        "aws-access-key-id",
        "aws_access_key_id = AK@@IA{B16}",
        &[
            "aws_access_key_id = AK@@IA{B15}",
            "AK@@IAIOSFODNN7EXAMPLE",
            "ak@@ia{B16}",
        ],
    ),
    (
        "aws-secret-access-key",
        "aws_secret_access_key = {b40}",
        &[
            "aws_secret_access_key = {b20}",
            "secret_access_key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "aws_secret_access_key = {b41}",
        ],
    ),
    (
        "gcp-service-account",
        r#"{"type": "service_@@account", "project_id": "demo"}"#,
        &[r#"{"type": "authorized_user", "service_account_email": "a@b"}"#],
    ),
    ("gcp-api-key", "key=AI@@za{u35}", &["key=AI@@za{u20}"]),
    (
        "gcp-oauth-client-secret",
        "GOC@@SPX-{u28}",
        &["GOC@@SPX-{u10}"],
    ),
    (
        "azure-storage-account-key",
        "DefaultEndpointsProtocol=https;AccountName=demo;Account@@Key={b86}==;EndpointSuffix=core.windows.net",
        &["Account@@Key={b40}=="],
    ),
    (
        "azure-client-secret",
        "AZURE_CLIENT_SECRET={a3}8Q@@~{a34}",
        &["AZURE_CLIENT_SECRET={a3}8Q@@~{a10}", "{a3}xQ@@~{a34}"],
    ),
    (
        "github-pat",
        "token: gh@@p_{a36}",
        &["gh@@p_{a30}", "gh@@q_{a36}"],
    ),
    ("github-oauth-token", "gh@@o_{a36}", &["gh@@o_{a20}"]),
    ("github-app-token", "gh@@s_{a36}", &["gh@@s_{a35}"]),
    ("github-refresh-token", "gh@@r_{a36}", &["gh@@r_{a12}"]),
    (
        "github-fine-grained-pat",
        "github_@@pat_{a22}_{a59}",
        &["github_@@pat_{a22}"],
    ),
    ("gitlab-pat", "gl@@pat-{a20}", &["gl@@pat-{a10}"]),
    ("gitlab-deploy-token", "gl@@dt-{a20}", &["gl@@dt-{a8}"]),
    ("gitlab-runner-token", "gl@@rt-{a20}", &["gl@@rt-{a8}"]),
    (
        "gitlab-pipeline-trigger-token",
        "gl@@ptt-{h40}",
        &["gl@@ptt-{h20}"],
    ),
    (
        "slack-bot-token",
        "xo@@xb-{d11}-{d12}-{a24}",
        &["xo@@xb-{d11}-{a24}"],
    ),
    (
        "slack-user-token",
        "xo@@xp-{d11}-{d11}-{d12}-{h32}",
        &["xo@@xp-{d11}-{h32}"],
    ),
    ("slack-legacy-token", "xo@@xr-{a40}", &["xo@@xr-{a8}"]),
    (
        "slack-app-token",
        "xa@@pp-1-A{U10}-{d13}-{h64}",
        &["xa@@pp-1-{U10}"],
    ),
    (
        "slack-webhook-url",
        "https://hooks.sl@@ack.com/services/T{U10}/B{U10}/{a24}",
        &["https://hooks.sl@@ack.com/services/T{U10}/"],
    ),
    (
        "discord-bot-token",
        "DISCORD_BOT=M{a23}.{a6}.{a27}",
        &["DISCORD_BOT=M{a23}.{a6}", "M{a23}.{a6}.{a27}"],
    ),
    (
        "discord-webhook-url",
        "https://disc@@ord.com/api/webhooks/{d18}/{u68}",
        &["https://disc@@ord.com/api/webhooks/{d18}"],
    ),
    (
        "telegram-bot-token",
        "TELEGRAM_BOT={d10}:A@@A{u33}",
        &["{d4}:A@@A{u33}", "{d10}:A@@A{u12}"],
    ),
    (
        "stripe-secret-key",
        "sk_@@live_{a24}",
        &["sk_test_{a24}", "sk_@@live_{a10}"],
    ),
    (
        "stripe-restricted-key",
        "rk_@@live_{a24}",
        &["rk_test_{a24}"],
    ),
    (
        "twilio-api-key",
        "TWILIO_API=S@@K{h32}",
        &["TWILIO_API=S@@K{h20}", "S@@K{h32}"],
    ),
    (
        "sendgrid-api-key",
        "S@@G.{a22}.{a43}",
        &["S@@G.{a22}.{a10}"],
    ),
    (
        "mailgun-api-key",
        "MAILGUN_API=ke@@y-{h32}",
        &["MAILGUN_API=ke@@y-{h16}", "ke@@y-{h32}"],
    ),
    ("mailchimp-api-key", "MC={h32}-u@@s14", &["MC={h20}-u@@s14"]),
    ("shopify-token", "shp@@at_{h32}", &["shp@@at_{h16}"]),
    ("square-access-token", "sq0@@atp-{a22}", &["sq0@@atp-{a10}"]),
    ("square-oauth-secret", "sq0@@csp-{a43}", &["sq0@@csp-{a10}"]),
    (
        "braintree-access-token",
        "access_token$prod@@uction${c16}${h32}",
        &["access_token$prod@@uction${c16}"],
    ),
    (
        "heroku-api-key",
        "HEROKU_API_KEY={h8}-{h4}-{h4}-{h4}-{h12}",
        &["HEROKU_APP_ID={h8}-{h4}-{h4}-{h4}-{h12}"],
    ),
    ("digitalocean-token", "do@@p_v1_{h64}", &["do@@p_v1_{h32}"]),
    ("atlassian-api-token", "ATA@@TT3{a180}", &["ATA@@TT3{a40}"]),
    ("databricks-token", "da@@pi{h32}", &["da@@pi{h16}"]),
    ("postman-api-key", "PM@@AK-{h24}-{h34}", &["PM@@AK-{h24}"]),
    ("linear-api-key", "lin_@@api_{a40}", &["lin_@@api_{a20}"]),
    ("newrelic-user-api-key", "NR@@AK-{U27}", &["NR@@AK-{U10}"]),
    ("dockerhub-pat", "dckr_@@pat_{a27}", &["dckr_@@pat_{a10}"]),
    (
        "docker-config-auth",
        r#"{"auths": {"registry.internal": {"au@@th": "Y2ktYm90OlpxOHZOM3JUdw=="}}}"#,
        &[
            r#"{"auths": {"registry.internal": {"au@@th": "bm9jb2xvbmhlcmU="}}}"#,
            r#"{"auths": {"registry.internal": {"au@@th": ""}}}"#,
        ],
    ),
    ("npm-token", "np@@m_{a36}", &["np@@m_{a20}"]),
    (
        "npmrc-auth-token",
        "//registry.npmjs.org/:_auth@@Token={a36}",
        &[
            "//registry.npmjs.org/:_auth@@Token=${NPM_TOKEN}",
            "//registry.npmjs.org/:_auth@@Token=aaaaaaaaaa",
        ],
    ),
    (
        "pypi-token",
        "pypi-AgEIcHlw@@aS5vcmc{u70}",
        &["pypi-AgEIcHlw@@aS5vcmc{u10}"],
    ),
    (
        "rubygems-api-key",
        "ruby@@gems_{h48}",
        &["ruby@@gems_{h20}"],
    ),
    ("nuget-api-key", "oy@@2{c43}", &["oy@@2{c20}"]),
    ("huggingface-token", "h@@f_{l34}", &["h@@f_{l20}"]),
    (
        "openai-api-key",
        "sk-@@proj-{a100}",
        &["sk-{a20}", "sk-@@proj-{a10}"],
    ),
    (
        "anthropic-api-key",
        "sk-@@ant-api03-{a93}AA",
        &["sk-@@ant-api03-{a20}"],
    ),
    ("vault-token", "VAULT_TOKEN=hv@@s.{a90}", &["hv@@s.{a10}"]),
    (
        "terraform-cloud-token",
        "{a14}.atlas@@v1.{a67}",
        &["{a14}.atlas@@v1.{a10}"],
    ),
    ("grafana-cloud-token", "gl@@c_{a60}", &["gl@@c_{a10}"]),
    (
        "grafana-service-account-token",
        "gl@@sa_{a32}_{h8}",
        &["gl@@sa_{a32}"],
    ),
    ("pulumi-token", "pu@@l-{h40}", &["pu@@l-{h20}"]),
    ("doppler-token", "dp.@@pt.{a43}", &["dp.@@pt.{a10}"]),
    ("netlify-token", "nf@@p_{a36}", &["nf@@p_{a20}"]),
    (
        "twitter-bearer-token",
        "AAAAAAAAAAAAAAAAA@@AAAA{a20}%2B{a40}",
        &["AAAAAAAAAAAAAAAAAAAA@@AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"],
    ),
    ("facebook-access-token", "EA@@AB{a120}", &["EA@@AB{a20}"]),
    (
        "private-key",
        "-----BEGIN RSA PRIVATE@@ KEY-----\nMIIE{b60}\n{b64}\n-----END RSA PRIVATE@@ KEY-----\n",
        &[
            "-----BEGIN PUBLIC KEY-----\nMIIB{b60}\n-----END PUBLIC KEY-----\n",
            "if line == \"-----BEGIN RSA PRIVATE@@ KEY-----\" {",
        ],
    ),
    (
        "age-secret-key",
        "AGE-SECRET-@@KEY-1{z58}",
        &["AGE-SECRET-@@KEY-1{z20}"],
    ),
    (
        "jwt",
        "Authorization: Bearer ey@@J{u20}.ey@@J{u40}.{u43}",
        &["ey@@J{u20}.ey@@J{u40}"],
    ),
    (
        "url-basic-auth",
        "DATABASE_URL=postgres://app:{a16}@db.internal:5432/app",
        &[
            "DATABASE_URL=postgres://app:${DB_PASSWORD}@db.internal/app",
            "https://user:password@host.internal/",
            "https://app:{a16}@registry.example.com/",
            "http://localhost:8080/path",
        ],
    ),
    (
        "generic-password",
        "db_password: \"{a12}\"",
        &[
            "password = \"${DB_PASSWORD}\"",
            "password: changeme",
            "password = hunter2",
            "password = os.getenv(\"DB\")",
            "password: self.password",
            "PASSWORD_FILE=/run/secrets/db",
            "password: DB_PASSWORD_FILE",
            "password: aaaaaaaaaaaa",
            "pub const SAM_PASSWORD_NOTIFY: windows_sys::core::PCSTR = s!(\"x\");",
            "pub type CHANGE_PASSWORD_FN_A = Option<unsafe extern \"system\" fn()>;",
            "    pub LmOwfPassword: super::super::PasswordManagement::LM_OWF_PASSWORD,",
            "&df205_chpasswd_used::ChpasswdUsed,",
            "-e MYSQL_ROOT_PASSWORD=\"test-$RANDOM-password\"",
        ],
    ),
    (
        "generic-secret",
        "client_secret: {a32}",
        &[
            "secret_name: my-kubernetes-secret-name",
            "token = {h8}",
            "secretKeyRef:\n  name: {a32}",
            "api_key: YOUR_API_KEY_GOES_HERE_PLEASE",
            "    let tokens = uncached_tokenize(content);",
            "    pub ApplyControlToken: SpApplyControlTokenFn,",
            "    brace_token: empty_brace_token,",
            "    let mut tokens = TokenStreamBuilder::new();",
            "    pub token_stream: __IncompleteArrayField<__u8>,",
            "pub const InheritPrivateKey: X509RequestInheritOptions = 3i32;",
        ],
    ),
];

#[test]
fn every_rule_has_a_case() {
    let cased: HashSet<&str> = CASES.iter().map(|c| c.0).collect();
    for rule in RULES {
        assert!(cased.contains(rule.id), "no test case for {}", rule.id);
    }
    assert_eq!(cased.len(), CASES.len(), "duplicate test case");
}

#[test]
fn positives_and_near_misses() {
    let mut rng = Lcg(42);
    for (id, positive, negatives) in CASES {
        for round in 0..3 {
            let text = expand(positive, &mut rng) + "\n";
            let found = ids(&text);
            assert!(
                found.contains(id),
                "{id} round {round}: missed in {text:?} (found {found:?})"
            );
        }
        for negative in *negatives {
            let text = expand(negative, &mut rng) + "\n";
            let found = ids(&text);
            assert!(!found.contains(id), "{id}: false positive on {text:?}");
        }
    }
}

#[test]
fn rule_ids_are_unique_with_keywords_and_secret_groups() {
    assert!(RULES.len() >= 40, "only {} rules", RULES.len());
    let mut seen = HashSet::new();
    for rule in RULES {
        assert!(seen.insert(rule.id), "duplicate rule id {}", rule.id);
        assert!(!rule.keywords.is_empty(), "{} has no keyword", rule.id);
        assert!(rule.keywords.iter().all(|k| !k.is_empty() && k.is_ascii()));
        assert!(!rule.title.is_empty() && !rule.description.is_empty());
        assert!(
            rule.regex.contains("(?P<secret>"),
            "{} has no `secret` group",
            rule.id
        );
    }
    // compiles every regex within the size limits
    let _ = &*SCANNER;
}

#[test]
fn example_values_are_suppressed() {
    assert!(ids("aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n").is_empty());
    assert!(ids("api_key = \"<your-api-key-here-0123456789>\"\n").is_empty());
    assert!(ids("token: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n").is_empty());
    assert!(is_placeholder(b"ChangeMe123"));
    assert!(!is_placeholder(b"Zq8vN3rTw"));
}

#[test]
fn location_span_and_mask() {
    let mut rng = Lcg(7);
    let token = expand("gh@@p_{a36}", &mut rng);
    let text = format!("# héllo\nexport GH=\"{token}\"\n");
    let found = SCANNER.scan("env.sh", text.as_bytes());
    assert_eq!(found.len(), 1, "{found:?}");
    let m = &found[0];
    assert_eq!(m.rule.id, "github-pat");
    assert_eq!(m.line, 2);
    assert_eq!(m.column, 12);
    assert_eq!(&text[m.span.clone()], token);
    assert_eq!(m.masked, format!("{}…", &token[..4]));

    // columns count characters, not bytes
    let text = format!("é = \"{token}\"\n");
    let found = SCANNER.scan("x", text.as_bytes());
    assert_eq!((found[0].line, found[0].column), (1, 6));
}

#[test]
fn private_key_is_reported_at_begin_line() {
    let mut rng = Lcg(3);
    let text = expand(
        "key:\n-----BEGIN OPENSSH PRIVATE@@ KEY-----\n{b70}\n-----END OPENSSH PRIVATE@@ KEY-----\n",
        &mut rng,
    );
    let found = SCANNER.scan("id_ed25519", text.as_bytes());
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].line, 2);
    assert_eq!(found[0].column, 1);
    assert!(text[found[0].span.clone()].starts_with("-----BEGIN OPENSSH"));

    // escaped in JSON, as in a GCP service-account key file
    let json = expand(
        r#"{"type": "service_@@account", "private_key": "-----BEGIN PRIVATE@@ KEY-----\n{b64}\n-----END PRIVATE@@ KEY-----\n"}"#,
        &mut rng,
    );
    let found = ids(&json);
    assert!(found.contains(&"private-key"), "{found:?}");
    assert!(found.contains(&"gcp-service-account"), "{found:?}");

    // PGP and encrypted PKCS#8
    for kind in ["PGP PRIVATE@@ KEY BLOCK", "ENCRYPTED PRIVATE@@ KEY"] {
        let text = expand(&format!("-----BEGIN {kind}-----\n\n{{b64}}\n"), &mut rng);
        assert!(ids(&text).contains(&"private-key"), "{text:?}");
    }
}

#[test]
fn specific_rule_shadows_generic() {
    let mut rng = Lcg(9);
    let text = expand("GITHUB_TOKEN=gh@@p_{a36}\n", &mut rng);
    assert_eq!(ids(&text), vec!["github-pat"]);
}

#[test]
fn keywords_are_case_insensitive_but_regexes_are_exact() {
    let mut rng = Lcg(11);
    let text = expand("Twilio_Key=S@@K{h32}\n", &mut rng);
    assert_eq!(ids(&text), vec!["twilio-api-key"]);
}

#[test]
fn skips_binary_and_large_files() {
    let mut binary = b"AKIA".to_vec();
    binary.push(0);
    assert_eq!(
        SCANNER.try_scan("a.bin", &binary).unwrap_err(),
        ScanSkip::Binary(BinaryReason::NulByte)
    );
    let control: Vec<u8> = (0..1000u32).map(|i| (i % 8) as u8 + 1).collect();
    assert_eq!(
        skip_reason(&control),
        Some(ScanSkip::Binary(BinaryReason::ControlBytes))
    );
    let big = vec![b'a'; MAX_FILE_SIZE + 1];
    assert_eq!(
        SCANNER.try_scan("big.txt", &big).unwrap_err(),
        ScanSkip::TooLarge {
            size: MAX_FILE_SIZE + 1,
            limit: MAX_FILE_SIZE
        }
    );
    assert!(SCANNER.scan("big.txt", &big).is_empty());
    assert!(
        !ScanSkip::Binary(BinaryReason::NulByte)
            .to_string()
            .is_empty()
    );
    // a NUL byte after the sniffed prefix does not make a file binary
    let mut late = vec![b'a'; BINARY_SNIFF_LEN + 10];
    late.push(0);
    assert_eq!(skip_reason(&late), None);
    assert_eq!(skip_reason(b""), None);
    assert_eq!(skip_reason("naïve text\twith tabs\r\n".as_bytes()), None);
}

#[test]
fn long_lines_are_searched_by_specific_rules_only() {
    let mut rng = Lcg(5);
    let token = expand("gh@@p_{a36}", &mut rng);
    let long = format!(
        "{}{token} password = 'Zq8#vLp2!rT6'\n",
        "a ".repeat(MAX_LINE_LEN)
    );
    let text = format!("{token}\n{long}x = {token}\n");
    let found = SCANNER.scan("bundle.js", text.as_bytes());
    let lines: Vec<(u32, &str)> = found.iter().map(|m| (m.line, m.rule.id)).collect();
    // The token on the long line is found; the generic password there is not.
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(
        lines.iter().all(|(_, id)| *id != "generic-password"),
        "{lines:?}"
    );
    assert_eq!(lines[1].0, 2);
    assert_eq!(found[2].column, 5);
    // a long last line without a newline
    let text = format!("{token}\n{}{token}", "b ".repeat(MAX_LINE_LEN));
    assert_eq!(SCANNER.scan("x", text.as_bytes()).len(), 2);
    let text = "c".repeat(MAX_LINE_LEN + 1);
    assert!(SCANNER.scan("x", text.as_bytes()).is_empty());
}

#[test]
fn segments_cover_short_lines_exactly() {
    let text = b"ab\ncd\n";
    assert_eq!(Segments::new(text).collect::<Vec<_>>(), vec![(0..6, false)]);
    let text = b"ab";
    assert_eq!(Segments::new(text).collect::<Vec<_>>(), vec![(0..2, false)]);
    assert!(Segments::new(b"").next().is_none());
    let long = "x".repeat(MAX_LINE_LEN + 1);
    let text = format!("ab\n{long}\ncd");
    let end = 3 + long.len();
    assert_eq!(
        Segments::new(text.as_bytes()).collect::<Vec<_>>(),
        vec![(0..3, false), (3..end, true), (end + 1..end + 3, false)]
    );
}

#[test]
fn compiled_python_is_scanned_through_its_strings() {
    let mut rng = Lcg(9);
    let token = expand("gh@@p_{a36}", &mut rng);
    let mut pyc = vec![0x55, 0x0d, 0x0d, 0x0a, 0, 0, 0, 0, 0xe3, 0, 0, 0];
    pyc.extend_from_slice(b"\x01\x00\x00\x00");
    pyc.extend_from_slice(token.as_bytes());
    pyc.extend_from_slice(&[0, 0xda, 0x03]);
    let found = SCANNER.scan("app/__pycache__/settings.cpython-311.pyc", &pyc);
    assert_eq!(found.len(), 1, "{found:?}");
    // Other binary files are still skipped.
    assert!(SCANNER.scan("app/settings.so", &pyc).is_empty());
    assert_eq!(
        printable_strings(b"\0abc\0abcdefg\x01hijklmn"),
        b"abcdefg\nhijklmn\n"
    );
}

#[test]
fn generic_identifiers_are_not_secrets() {
    for text in [
        "token_type = 'bare-quoted-string'\n",
        "base-passwd: no-debconf-config\n",
        "\"private_key_id\": \"3f1c9a7e5b2d4f6081a9c3e5b7d9f1a3c5e7b9d1\",\n",
        "password = self.config.getPassword\n",
        "API_TOKEN=process.env.API_TOKEN_V2\n",
    ] {
        let found = SCANNER.scan("x", text.as_bytes());
        assert!(found.is_empty(), "{text}: {found:?}");
    }
    let found = SCANNER.scan("x", b"DB_PASSWORD=JkMkPYtyr1E2.MMPvim\n");
    assert_eq!(found.len(), 1, "{found:?}");
}

#[test]
fn matches_per_file_are_capped() {
    let mut rng = Lcg(13);
    let mut text = String::new();
    for _ in 0..MAX_MATCHES_PER_FILE + 50 {
        text.push_str(&expand("gh@@p_{a36}\n", &mut rng));
    }
    assert_eq!(
        SCANNER.scan("many", text.as_bytes()).len(),
        MAX_MATCHES_PER_FILE
    );
}

#[test]
fn entropy_and_base64_helpers() {
    assert_eq!(shannon_entropy(b""), 0.0);
    assert_eq!(shannon_entropy(b"aaaa"), 0.0);
    assert!((shannon_entropy(b"abcd") - 2.0).abs() < 1e-9);
    assert_eq!(base64_decode(b"dXNlcjpwYXNz").unwrap(), b"user:pass");
    assert_eq!(base64_decode(b"YQ==").unwrap(), b"a");
    assert!(base64_decode(b"not base64!").is_none());
}

#[test]
fn arbitrary_bytes_never_panic() {
    let mut rng = Lcg(0x5eed);
    // bytes biased towards keyword and token characters so that rules actually run
    let alphabet: Vec<u8> = b"AKIAghp_xoxb-eyJ.:=\"' \n\t\r/@-----BEGIN PRIVATE KEY-----password\\auth{}0123456789abcdefXYZ+%\xc3\xa9\xff\x80"
        .to_vec();
    for round in 0..400 {
        let len = (rng.next() % 600) as usize;
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                if round % 4 == 0 {
                    rng.next() as u8
                } else {
                    alphabet[(rng.next() % alphabet.len() as u64) as usize]
                }
            })
            .collect();
        if let Ok(found) = SCANNER.try_scan("fuzz", &bytes) {
            for m in found {
                assert!(m.span.start < m.span.end && m.span.end <= bytes.len());
                assert!(m.line >= 1 && m.column >= 1);
            }
        }
    }
}

#[test]
fn generic_rules_accept_common_config_forms() {
    let mut rng = Lcg(17);
    for form in [
        "DB_PASSWORD={a12}",
        "export DB_PASSWORD='{a12}'",
        "password = \"{a12}\"  # production",
        "  \"password\": \"{a12}\",",
        "  password: {a12}",
        "spring.datasource.password={a12}",
        "db_pwd := \"{a12}\"",
    ] {
        let text = expand(form, &mut rng) + "\n";
        assert!(ids(&text).contains(&"generic-password"), "{text:?}");
    }
    for form in [
        "API_KEY={a24}",
        "  client_secret: \"{a24}\"",
        "\"apiKey\": \"{a24}\",",
        "auth_token = {a24} # rotate yearly",
    ] {
        let text = expand(form, &mut rng) + "\n";
        assert!(ids(&text).contains(&"generic-secret"), "{text:?}");
    }
}
