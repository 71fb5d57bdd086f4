//! The built-in secret rules.
//!
//! Patterns are written from the token formats that the providers document (prefixes, alphabets
//! and lengths). Regexes are compiled with `regex::bytes` and Unicode off, so `\b`, `\s`, `\d` and
//! `(?i)` are ASCII-only. Every pattern has a capture group named `secret`: the reported span.
//! Context separators use `[ \t]*`, never `\s*`, so that a match never runs into the next line.

use crate::{SecretRule, Severity, base64_decode};

const fn rule(
    id: &'static str,
    title: &'static str,
    severity: Severity,
    keywords: &'static [&'static str],
    regex: &'static str,
    description: &'static str,
) -> SecretRule {
    SecretRule {
        id,
        title,
        severity,
        keywords,
        regex,
        entropy_min: None,
        description,
        check: None,
        generic: false,
    }
}

use Severity::{Critical, High, Medium};

/// Every built-in rule.
pub static RULES: &[SecretRule] = &[
    // ---- cloud providers -------------------------------------------------------------------
    rule(
        "aws-access-key-id",
        "AWS access key ID",
        Critical,
        &["akia", "asia", "abia", "acca", "a3t"],
        r"\b(?P<secret>(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16})\b",
        "An AWS access key ID (long-term AKIA, temporary ASIA, …); its secret key is usually nearby.",
    ),
    SecretRule {
        entropy_min: Some(3.5),
        ..rule(
            "aws-secret-access-key",
            "AWS secret access key",
            Critical,
            &[
                "aws_secret",
                "aws-secret",
                "aws.secret",
                "awssecret",
                "secret_access_key",
                "secretaccesskey",
                "secret-access-key",
            ],
            r#"(?i:(?:aws[_.-]?secret[_.-]?(?:access[_.-]?)?key|secret[_.-]?access[_.-]?key))["']?[ \t]*(?:=>|:=|=|:)[ \t]*["']?(?P<secret>[A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)"#,
            "A 40-character AWS secret access key assigned to an AWS secret-key setting.",
        )
    },
    rule(
        "gcp-service-account",
        "Google Cloud service-account key file",
        Critical,
        &["service_account"],
        r#""type"[ \t]*:[ \t]*"(?P<secret>service_account)""#,
        "A Google Cloud service-account JSON key file (it embeds a private key).",
    ),
    rule(
        "gcp-api-key",
        "Google API key",
        High,
        &["aiza"],
        r"\b(?P<secret>AIza[0-9A-Za-z_-]{35})(?:[^0-9A-Za-z_-]|$)",
        "A Google Cloud / Firebase API key (AIza…).",
    ),
    rule(
        "gcp-oauth-client-secret",
        "Google OAuth client secret",
        High,
        &["gocspx-"],
        r"\b(?P<secret>GOCSPX-[A-Za-z0-9_-]{28})(?:[^A-Za-z0-9_-]|$)",
        "A Google OAuth 2.0 client secret (GOCSPX-…).",
    ),
    rule(
        "azure-storage-account-key",
        "Azure storage account key",
        Critical,
        &["accountkey"],
        r"(?i:AccountKey)[ \t]*=[ \t]*(?P<secret>[A-Za-z0-9+/]{86}==)",
        "An Azure storage account key in a connection string (AccountKey=…).",
    ),
    rule(
        "azure-client-secret",
        "Azure AD client secret",
        High,
        &["q~"],
        r"(?:^|[^A-Za-z0-9_~.-])(?P<secret>[A-Za-z0-9_~.-]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34})(?:[^A-Za-z0-9_~.-]|$)",
        "A Microsoft Entra ID (Azure AD) application client secret (…Q~…).",
    ),
    // ---- source forges ---------------------------------------------------------------------
    rule(
        "github-pat",
        "GitHub personal access token",
        Critical,
        &["ghp_"],
        r"\b(?P<secret>ghp_[A-Za-z0-9]{36})\b",
        "A classic GitHub personal access token (ghp_).",
    ),
    rule(
        "github-oauth-token",
        "GitHub OAuth access token",
        High,
        &["gho_"],
        r"\b(?P<secret>gho_[A-Za-z0-9]{36})\b",
        "A GitHub OAuth app access token (gho_).",
    ),
    rule(
        "github-app-token",
        "GitHub App token",
        High,
        &["ghu_", "ghs_"],
        r"\b(?P<secret>gh[us]_[A-Za-z0-9]{36})\b",
        "A GitHub App user-to-server (ghu_) or installation (ghs_) token.",
    ),
    rule(
        "github-refresh-token",
        "GitHub refresh token",
        High,
        &["ghr_"],
        r"\b(?P<secret>ghr_[A-Za-z0-9]{36,76})\b",
        "A GitHub App refresh token (ghr_).",
    ),
    rule(
        "github-fine-grained-pat",
        "GitHub fine-grained personal access token",
        Critical,
        &["github_pat_"],
        r"\b(?P<secret>github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})\b",
        "A fine-grained GitHub personal access token (github_pat_).",
    ),
    rule(
        "gitlab-pat",
        "GitLab personal access token",
        Critical,
        &["glpat-"],
        r"\b(?P<secret>glpat-[A-Za-z0-9_-]{20,64})(?:[^A-Za-z0-9_-]|$)",
        "A GitLab personal, project or group access token (glpat-).",
    ),
    rule(
        "gitlab-deploy-token",
        "GitLab deploy token",
        High,
        &["gldt-"],
        r"\b(?P<secret>gldt-[A-Za-z0-9_-]{20,64})(?:[^A-Za-z0-9_-]|$)",
        "A GitLab deploy token (gldt-).",
    ),
    rule(
        "gitlab-runner-token",
        "GitLab runner authentication token",
        High,
        &["glrt-"],
        r"\b(?P<secret>glrt-[A-Za-z0-9_.-]{20,64})(?:[^A-Za-z0-9_-]|$)",
        "A GitLab runner authentication token (glrt-).",
    ),
    rule(
        "gitlab-pipeline-trigger-token",
        "GitLab pipeline trigger token",
        High,
        &["glptt-"],
        r"\b(?P<secret>glptt-[0-9a-f]{40})\b",
        "A GitLab pipeline trigger token (glptt-).",
    ),
    // ---- chat ------------------------------------------------------------------------------
    rule(
        "slack-bot-token",
        "Slack bot token",
        High,
        &["xoxb-"],
        r"\b(?P<secret>xoxb-[0-9]{10,13}-[0-9]{10,13}-[A-Za-z0-9]{24,34})\b",
        "A Slack bot user OAuth token (xoxb-).",
    ),
    rule(
        "slack-user-token",
        "Slack user token",
        High,
        &["xoxp-", "xoxe-"],
        r"\b(?P<secret>xox[pe]-[0-9]{10,13}-[0-9]{10,13}-[0-9]{10,13}-[A-Za-z0-9]{28,34})\b",
        "A Slack user OAuth token (xoxp-) or enterprise token (xoxe-).",
    ),
    rule(
        "slack-legacy-token",
        "Slack legacy workspace or refresh token",
        High,
        &["xoxa-", "xoxr-", "xoxs-"],
        r"\b(?P<secret>xox[ars]-[A-Za-z0-9-]{20,200})(?:[^A-Za-z0-9-]|$)",
        "A Slack workspace app (xoxa-), refresh (xoxr-) or session (xoxs-) token.",
    ),
    rule(
        "slack-app-token",
        "Slack app-level token",
        High,
        &["xapp-"],
        r"\b(?P<secret>xapp-[0-9]-[A-Z0-9]{9,12}-[0-9]{10,14}-[a-f0-9]{64})\b",
        "A Slack app-level token (xapp-).",
    ),
    rule(
        "slack-webhook-url",
        "Slack incoming webhook URL",
        Medium,
        &["hooks.slack.com"],
        r"(?P<secret>https://hooks\.slack\.com/services/T[A-Z0-9]{8,12}/B[A-Z0-9]{8,12}/[A-Za-z0-9]{24})\b",
        "A Slack incoming-webhook URL: anyone holding it can post to the channel.",
    ),
    rule(
        "discord-bot-token",
        "Discord bot token",
        High,
        &["discord"],
        r"(?:^|[^A-Za-z0-9_-])(?P<secret>[MNO][A-Za-z0-9_-]{23,25}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,38})(?:[^A-Za-z0-9_-]|$)",
        "A Discord bot token (only searched in files that mention Discord).",
    ),
    rule(
        "discord-webhook-url",
        "Discord webhook URL",
        Medium,
        &["discord.com/api/webhooks", "discordapp.com/api/webhooks"],
        r"(?P<secret>https://(?:(?:ptb|canary)\.)?discord(?:app)?\.com/api/webhooks/[0-9]{17,20}/[A-Za-z0-9_-]{60,68})(?:[^A-Za-z0-9_-]|$)",
        "A Discord webhook URL: anyone holding it can post to the channel.",
    ),
    rule(
        "telegram-bot-token",
        "Telegram bot token",
        High,
        &[":aa"],
        r"(?:^|[^0-9])(?P<secret>[0-9]{8,10}:AA[A-Za-z0-9_-]{33})(?:[^A-Za-z0-9_-]|$)",
        "A Telegram Bot API token (<bot id>:AA…).",
    ),
    // ---- payments and SaaS -----------------------------------------------------------------
    rule(
        "stripe-secret-key",
        "Stripe live secret key",
        Critical,
        &["sk_live_"],
        r"\b(?P<secret>sk_live_[A-Za-z0-9]{24,247})\b",
        "A Stripe live-mode secret API key (sk_live_).",
    ),
    rule(
        "stripe-restricted-key",
        "Stripe live restricted key",
        High,
        &["rk_live_"],
        r"\b(?P<secret>rk_live_[A-Za-z0-9]{24,247})\b",
        "A Stripe live-mode restricted API key (rk_live_).",
    ),
    rule(
        "twilio-api-key",
        "Twilio API key",
        High,
        &["twilio"],
        r"\b(?P<secret>SK[0-9a-f]{32})\b",
        "A Twilio API key SID (SK + 32 hex; only searched in files that mention Twilio).",
    ),
    rule(
        "sendgrid-api-key",
        "SendGrid API key",
        High,
        &["sg."],
        r"\b(?P<secret>SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})(?:[^A-Za-z0-9_-]|$)",
        "A Twilio SendGrid API key (SG.<id>.<secret>).",
    ),
    rule(
        "mailgun-api-key",
        "Mailgun API key",
        High,
        &["mailgun"],
        r"\b(?P<secret>key-[0-9a-f]{32})\b",
        "A Mailgun private API key (key-…; only searched in files that mention Mailgun).",
    ),
    rule(
        "mailchimp-api-key",
        "Mailchimp API key",
        High,
        &["-us"],
        r"\b(?P<secret>[0-9a-f]{32}-us[0-9]{1,2})\b",
        "A Mailchimp Marketing API key (<32 hex>-us<dc>).",
    ),
    rule(
        "shopify-token",
        "Shopify access token or shared secret",
        High,
        &["shpat_", "shpca_", "shppa_", "shpss_"],
        r"\b(?P<secret>shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32})\b",
        "A Shopify Admin API access token or app shared secret.",
    ),
    rule(
        "square-access-token",
        "Square access token",
        High,
        &["sq0atp-", "eaaa"],
        r"\b(?P<secret>sq0atp-[A-Za-z0-9_-]{22}|EAAA[A-Za-z0-9_+=-]{60})(?:[^A-Za-z0-9_+=-]|$)",
        "A Square OAuth or personal access token.",
    ),
    rule(
        "square-oauth-secret",
        "Square OAuth application secret",
        High,
        &["sq0csp-"],
        r"\b(?P<secret>sq0csp-[A-Za-z0-9_-]{43})(?:[^A-Za-z0-9_-]|$)",
        "A Square OAuth application secret (sq0csp-).",
    ),
    rule(
        "braintree-access-token",
        "PayPal Braintree access token",
        Critical,
        &["access_token$production$"],
        r"\b(?P<secret>access_token\$production\$[0-9a-z]{16}\$[0-9a-f]{32})\b",
        "A PayPal / Braintree production access token.",
    ),
    rule(
        "heroku-api-key",
        "Heroku API key",
        High,
        &["heroku"],
        r#"(?i:heroku[a-z0-9_.-]*(?:key|token|secret|auth)[a-z0-9_.-]*)["']?[ \t]*(?:=>|:=|=|:)[ \t]*["']?(?P<secret>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b"#,
        "A Heroku API key (a UUID assigned to a Heroku key/token setting).",
    ),
    rule(
        "digitalocean-token",
        "DigitalOcean token",
        High,
        &["dop_v1_", "doo_v1_", "dor_v1_"],
        r"\b(?P<secret>do[opr]_v1_[a-f0-9]{64})\b",
        "A DigitalOcean personal access, OAuth or refresh token.",
    ),
    rule(
        "atlassian-api-token",
        "Atlassian API token",
        High,
        &["atatt3"],
        r"\b(?P<secret>ATATT3[A-Za-z0-9_=-]{150,250})(?:[^A-Za-z0-9_=-]|$)",
        "An Atlassian (Jira, Confluence, Bitbucket) API token (ATATT3…).",
    ),
    rule(
        "databricks-token",
        "Databricks access token",
        High,
        &["dapi"],
        r"\b(?P<secret>dapi[a-f0-9]{32}(?:-[0-9])?)\b",
        "A Databricks personal access token (dapi…).",
    ),
    rule(
        "postman-api-key",
        "Postman API key",
        High,
        &["pmak-"],
        r"\b(?P<secret>PMAK-[a-f0-9]{24}-[a-f0-9]{34})\b",
        "A Postman API key (PMAK-).",
    ),
    rule(
        "linear-api-key",
        "Linear API key",
        High,
        &["lin_api_"],
        r"\b(?P<secret>lin_api_[A-Za-z0-9]{40})\b",
        "A Linear personal API key (lin_api_).",
    ),
    rule(
        "newrelic-user-api-key",
        "New Relic user API key",
        High,
        &["nrak-"],
        r"\b(?P<secret>NRAK-[A-Z0-9]{27})\b",
        "A New Relic user API key (NRAK-).",
    ),
    // ---- registries and developer platforms ------------------------------------------------
    rule(
        "dockerhub-pat",
        "Docker Hub access token",
        Critical,
        &["dckr_pat_", "dckr_oat_"],
        r"\b(?P<secret>dckr_(?:pat|oat)_[A-Za-z0-9_-]{27,64})(?:[^A-Za-z0-9_-]|$)",
        "A Docker Hub personal (dckr_pat_) or organization (dckr_oat_) access token.",
    ),
    SecretRule {
        check: Some(docker_auth_ok),
        ..rule(
            "docker-config-auth",
            "Docker registry credentials",
            Critical,
            &["\"auth\""],
            r#""auth"[ \t]*:[ \t]*"(?P<secret>[A-Za-z0-9+/]{6,1024}={0,2})""#,
            "A base64 user:password in a Docker config.json `auths` entry.",
        )
    },
    rule(
        "npm-token",
        "npm access token",
        Critical,
        &["npm_"],
        r"\b(?P<secret>npm_[A-Za-z0-9]{36})\b",
        "An npm access token (npm_).",
    ),
    SecretRule {
        entropy_min: Some(3.0),
        ..rule(
            "npmrc-auth-token",
            "npm registry credentials in .npmrc",
            High,
            &["_auth"],
            r#"(?:^|[^A-Za-z0-9])_auth(?:Token)?[ \t]*=[ \t]*["']?(?P<secret>[A-Za-z0-9_./+=:-]{8,512})"#,
            "An `_authToken` or `_auth` registry credential (as in .npmrc).",
        )
    },
    rule(
        "pypi-token",
        "PyPI upload token",
        Critical,
        &["pypi-ageichlwas5vcmc", "pypi-agendgvzdc5wexbplm9yzw"],
        r"\b(?P<secret>pypi-(?:AgEIcHlwaS5vcmc|AgENdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{50,})(?:[^A-Za-z0-9_-]|$)",
        "A PyPI (or TestPyPI) API token (pypi-AgEIcHlwaS5vcmc…).",
    ),
    rule(
        "rubygems-api-key",
        "RubyGems API key",
        High,
        &["rubygems_"],
        r"\b(?P<secret>rubygems_[a-f0-9]{48})\b",
        "A RubyGems.org API key (rubygems_).",
    ),
    rule(
        "nuget-api-key",
        "NuGet API key",
        High,
        &["oy2"],
        r"\b(?P<secret>oy2[a-z0-9]{43})\b",
        "A NuGet.org API key (oy2…).",
    ),
    rule(
        "huggingface-token",
        "Hugging Face access token",
        High,
        &["hf_", "api_org_"],
        r"\b(?P<secret>(?:hf_|api_org_)[A-Za-z0-9]{34})\b",
        "A Hugging Face user (hf_) or organization (api_org_) access token.",
    ),
    rule(
        "openai-api-key",
        "OpenAI API key",
        Critical,
        &["sk-proj-", "sk-svcacct-", "sk-admin-", "t3blbkfj"],
        r"\b(?P<secret>sk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,200}|[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}))(?:[^A-Za-z0-9_-]|$)",
        "An OpenAI API key (sk-proj-, sk-svcacct-, sk-admin- or a legacy sk- key).",
    ),
    rule(
        "anthropic-api-key",
        "Anthropic API key",
        Critical,
        &["sk-ant-"],
        r"\b(?P<secret>sk-ant-(?:api|admin)[0-9]{2}-[A-Za-z0-9_-]{80,120})(?:[^A-Za-z0-9_-]|$)",
        "An Anthropic API or admin key (sk-ant-).",
    ),
    rule(
        "vault-token",
        "HashiCorp Vault token",
        Critical,
        &["hvs.", "hvb."],
        r"\b(?P<secret>hv[sb]\.[A-Za-z0-9_-]{24,})(?:[^A-Za-z0-9_-]|$)",
        "A HashiCorp Vault service (hvs.) or batch (hvb.) token.",
    ),
    rule(
        "terraform-cloud-token",
        "Terraform Cloud / HCP Terraform API token",
        Critical,
        &[".atlasv1."],
        r"\b(?P<secret>[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,70})(?:[^A-Za-z0-9_=-]|$)",
        "A Terraform Cloud user, team or organization API token (….atlasv1.…).",
    ),
    rule(
        "grafana-cloud-token",
        "Grafana Cloud access policy token",
        High,
        &["glc_"],
        r"\b(?P<secret>glc_[A-Za-z0-9+/]{32,400}={0,2})(?:[^A-Za-z0-9+/=]|$)",
        "A Grafana Cloud API / access policy token (glc_).",
    ),
    rule(
        "grafana-service-account-token",
        "Grafana service account token",
        High,
        &["glsa_"],
        r"\b(?P<secret>glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8})\b",
        "A Grafana service account token (glsa_).",
    ),
    rule(
        "pulumi-token",
        "Pulumi access token",
        High,
        &["pul-"],
        r"\b(?P<secret>pul-[a-f0-9]{40})\b",
        "A Pulumi Cloud access token (pul-).",
    ),
    rule(
        "doppler-token",
        "Doppler token",
        High,
        &[
            "dp.pt.",
            "dp.st.",
            "dp.sa.",
            "dp.ct.",
            "dp.scim.",
            "dp.audit.",
        ],
        r"\b(?P<secret>dp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,44})\b",
        "A Doppler personal, service, service-account, CLI, SCIM or audit token.",
    ),
    rule(
        "netlify-token",
        "Netlify personal access token",
        High,
        &["nfp_"],
        r"\b(?P<secret>nfp_[A-Za-z0-9]{36})\b",
        "A Netlify personal access token (nfp_).",
    ),
    // ---- social ----------------------------------------------------------------------------
    SecretRule {
        check: Some(has_lower_and_digit),
        ..rule(
            "twitter-bearer-token",
            "X / Twitter bearer token",
            High,
            &["aaaaaaaaaaaaaaaaaaaaa"],
            r"\b(?P<secret>A{21}[A-Za-z0-9%]{30,200})(?:[^A-Za-z0-9%]|$)",
            "An X (Twitter) API app-only bearer token (AAAA…).",
        )
    },
    SecretRule {
        check: Some(has_lower_and_digit),
        ..rule(
            "facebook-access-token",
            "Facebook access token",
            High,
            &["eaa"],
            r"\b(?P<secret>EAA[B-Z][A-Za-z0-9]{60,300})\b",
            "A Facebook / Meta Graph API access token (EAA…).",
        )
    },
    // ---- keys and tokens of any origin ---------------------------------------------------
    rule(
        "private-key",
        "Private key",
        Critical,
        &["private key"],
        r"(?P<secret>-----BEGIN (?:(?:RSA|DSA|EC|OPENSSH|PGP|ENCRYPTED) )?PRIVATE KEY(?: BLOCK)?-----)[ \t]*(?:\\r)?(?:\\n|\r?\n)(?:(?:[A-Za-z-]+:[^\n]*|[ \t]*)(?:\\r)?(?:\\n|\r?\n))*[ \t]*[A-Za-z0-9+/]{16}",
        "A PEM or OpenSSH private key (reported at its BEGIN line).",
    ),
    rule(
        "age-secret-key",
        "age secret key",
        Critical,
        &["age-secret-key-1"],
        r"\b(?P<secret>AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})\b",
        "An age encryption identity (AGE-SECRET-KEY-1…).",
    ),
    rule(
        "jwt",
        "JSON Web Token",
        Medium,
        &["eyj"],
        r"\b(?P<secret>eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,})(?:[^A-Za-z0-9_-]|$)",
        "A signed JSON Web Token; it may still be valid and grant access.",
    ),
    SecretRule {
        check: Some(url_password_ok),
        ..rule(
            "url-basic-auth",
            "Credentials in a URL",
            High,
            &["://"],
            r#"\b[A-Za-z][A-Za-z0-9+.-]{1,20}://[^\s:@/"'<>{}$]{1,64}:(?P<secret>[^\s:@/"'<>]{3,128})@[A-Za-z0-9\[][A-Za-z0-9.\[\]-]*"#,
            "A user:password pair embedded in a URL (scheme://user:pass@host).",
        )
    },
    SecretRule {
        entropy_min: Some(3.0),
        check: Some(generic_value_ok),
        generic: true,
        ..rule(
            "generic-password",
            "Hard-coded password",
            Medium,
            &["password", "passwd", "passphrase", "pwd"],
            r#"(?i:[a-z0-9_.-]*(?:password|passwd|passphrase|pwd)[a-z0-9_.-]*)["']?[ \t]*(?:=>|:=|=|:)[ \t]*["']?(?P<secret>[^\s"'`,;=:\\][^\s"'`,;\\]{7,127})(?P<after>[ \t]*[^ \t\r\n]?)"#,
            "A password assigned in a configuration or source file.",
        )
    },
    SecretRule {
        entropy_min: Some(3.5),
        check: Some(generic_value_ok),
        generic: true,
        ..rule(
            "generic-secret",
            "Hard-coded secret, token or API key",
            Medium,
            &[
                "secret",
                "token",
                "apikey",
                "api_key",
                "api-key",
                "access_key",
                "accesskey",
                "auth_key",
                "authkey",
                "private_key",
            ],
            r#"(?i:[a-z0-9_.-]*(?:secret|token|api[_-]?key|access[_-]?key|auth[_-]?key|private[_-]?key)[a-z0-9_.-]*)["']?[ \t]*(?:=>|:=|=|:)[ \t]*["']?(?P<secret>[A-Za-z0-9_+/=.~-]{16,256})(?P<after>[ \t]*[^ \t\r\n]?)"#,
            "A high-entropy value assigned to a secret, token or API-key setting.",
        )
    },
];

/// `auth` of a Docker config.json: base64 of `user:password`, both non-empty.
fn docker_auth_ok(secret: &[u8], _after: &[u8]) -> bool {
    let Some(decoded) = base64_decode(secret) else {
        return false;
    };
    let Some(colon) = decoded.iter().position(|&b| b == b':') else {
        return false;
    };
    colon > 0
        && colon + 1 < decoded.len()
        && decoded.iter().all(|&b| b >= 0x20 && b != 0x7f)
        && std::str::from_utf8(&decoded).is_ok()
}

fn has_lower_and_digit(secret: &[u8], _after: &[u8]) -> bool {
    secret.iter().any(u8::is_ascii_lowercase) && secret.iter().any(u8::is_ascii_digit)
}

/// Words that stand for a password rather than being one.
const PASSWORD_WORDS: &[&str] = &[
    "password",
    "passwd",
    "pass",
    "pwd",
    "pw",
    "secret",
    "token",
    "null",
    "none",
    "nil",
    "true",
    "false",
    "undefined",
    "required",
    "optional",
    "string",
];

fn is_password_word(secret: &[u8]) -> bool {
    PASSWORD_WORDS
        .iter()
        .any(|w| secret.eq_ignore_ascii_case(w.as_bytes()))
}

fn starts_like_template(secret: &[u8]) -> bool {
    matches!(
        secret.first(),
        Some(b'$' | b'%' | b'{' | b'<' | b'[' | b'*')
    ) || contains(secret, b"${")
        || contains(secret, b"{{")
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// The password part of `scheme://user:password@host`.
fn url_password_ok(secret: &[u8], _after: &[u8]) -> bool {
    !starts_like_template(secret) && !is_password_word(secret) && !secret.iter().all(|&b| b == b'*')
}

/// A value assigned to a password/secret/token setting that looks like a literal secret, not a
/// variable, expression, path, type or identifier. `after` is what follows the value on its line
/// (spaces, then at most one character).
/// A part of a dotted identifier: `self`, `env`, `TOKEN`, `getPassword`, `db_host`, `v2`:
/// all capitals, or words of at least two letters each (camelCase or snake_case, one capital
/// at most at a word's start) with digits only at the end.
fn is_identifier_word(part: &[u8]) -> bool {
    let Some(&first) = part.first() else {
        return false;
    };
    if !(first.is_ascii_alphabetic() || first == b'_')
        || !part.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'_')
    {
        return false;
    }
    let body_end = part
        .iter()
        .rposition(|b| !b.is_ascii_digit())
        .map_or(0, |i| i + 1);
    let body = &part[..body_end];
    if body.iter().any(u8::is_ascii_digit) {
        return false;
    }
    if body.iter().all(|&b| b.is_ascii_uppercase() || b == b'_') {
        return true;
    }
    // Words start at the beginning, after `_`, or at a capital.
    let mut word_len = 0usize;
    for (i, &b) in body.iter().enumerate() {
        if b == b'_' {
            if word_len == 1 {
                return false;
            }
            word_len = 0;
        } else if b.is_ascii_uppercase() && i > 0 && body[i - 1] != b'_' {
            if word_len == 1 {
                return false;
            }
            word_len = 1;
        } else {
            word_len += 1;
        }
    }
    word_len != 1 || body.len() == 1
}

fn generic_value_ok(secret: &[u8], after: &[u8]) -> bool {
    // what follows a literal is a quote, a separator, a comment or the end of the line; a call,
    // generic, index, path, assignment (`name: Type = …`) or member access is code
    let next = after.iter().find(|b| !matches!(b, b' ' | b'\t'));
    if matches!(
        next,
        Some(
            b'(' | b'<'
                | b'['
                | b'{'
                | b'='
                | b'.'
                | b':'
                | b'?'
                | b'!'
                | b'|'
                | b'&'
                | b'+'
                | b'*'
        )
    ) || next.is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
    {
        return false;
    }
    if contains(secret, b"::")
        || contains(secret, b"->")
        || secret.iter().any(|&b| b == b'<' || b == b'>')
    {
        return false;
    }
    // a value naming the thing it should hold (SpChangePasswordFn, empty_brace_token) is an
    // identifier, not a secret
    if ["password", "passwd", "secret", "token"]
        .iter()
        .any(|w| crate::contains_ci(secret, w.as_bytes()))
    {
        return false;
    }
    if starts_like_template(secret)
        || is_password_word(secret)
        || matches!(
            secret.first(),
            Some(b'/' | b'(' | b'@' | b'&' | b'!' | b'#' | b'.')
        )
        || secret.iter().any(|&b| matches!(b, b'(' | b')'))
        || contains(secret, b"://")
        || secret.windows(2).any(|w| {
            w[0] == b'$' && (w[1].is_ascii_alphabetic() || matches!(w[1], b'_' | b'{' | b'('))
        })
    {
        return false;
    }
    // ENV_VAR_NAME
    if secret.contains(&b'_')
        && secret
            .iter()
            .all(|&b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
    {
        return false;
    }
    // a.dotted.identifier (self.password, process.env.TOKEN, config.db.password), but not a
    // random value that happens to hold a dot (JkMkPYtyr1E2.MMPvim)
    if secret.contains(&b'.') && secret.split(|&b| b == b'.').all(is_identifier_word) {
        return false;
    }
    // kebab-case or snake_case words (bare-quoted-string, no-debconf-config): names
    if secret.iter().any(|&b| b == b'-' || b == b'_')
        && secret
            .split(|&b| b == b'-' || b == b'_')
            .all(|w| !w.is_empty() && w.iter().all(u8::is_ascii_lowercase))
    {
        return false;
    }
    let classes = [
        secret.iter().any(u8::is_ascii_lowercase),
        secret.iter().any(u8::is_ascii_uppercase),
        secret.iter().any(u8::is_ascii_digit),
        secret.iter().any(|b| !b.is_ascii_alphanumeric()),
    ];
    classes.iter().filter(|&&c| c).count() >= 2
}
