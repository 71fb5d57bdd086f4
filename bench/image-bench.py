#!/usr/bin/env python3
"""Build contexts and comparisons for the image benchmarks (bench/image-vs-peers.sh and
bench/secrets-vs-trivy.sh; run by hand, never by tests).

    bench/image-bench.py busybox-rootfs DIR
    bench/image-bench.py context DIR {bench,secrets} [--seed N]
    bench/image-bench.py compare PLANTS.json IMAGE.tar TRIVY.json DOCKGUARD.json

`busybox-rootfs` fills DIR with a root filesystem made of the host's static busybox and its
applet links. `context` writes a `docker build` context (a Dockerfile taking `--build-arg
BASE=IMAGE`, one folder per `COPY` layer) and DIR/plants.json, the list of planted secrets with
their image path, line and kind. Secret values come from a seeded PRNG and private keys from
openssl / ssh-keygen at that moment, so no credential-shaped literal lives in this repository;
they are random, never placeholders (both tools ignore `EXAMPLE`-like values).

`compare` matches the secrets Trivy reports (`trivy image --scanners secret
--image-config-scanners secret`) with dockguard's (IM301 for layer files, IM300 for Env and
Labels, DF3xx on `<image>#history[N]` for build history, IM300 there for what the Dockerfile rules do not see): a layer-file finding is the same when
the path is the same and the line ranges overlap (and, in the table of planted secrets, the
layer too; history entries are recognised by their `created` time). It prints every planted secret with what each
tool said, every secret Trivy finds that dockguard misses and every extra dockguard finding, and
exits 1 when dockguard misses any.
"""
import argparse
import json
import os
import py_compile
import random
import re
import shutil
import string
import subprocess
import sys
import tarfile
import tempfile

ALNUM = string.ascii_letters + string.digits
UPPER_ALNUM = string.ascii_uppercase + string.digits
BASE32 = string.ascii_uppercase + "234567"
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"
# Words that make a value look like a placeholder to one of the tools.
PLACEHOLDER_WORDS = ("example", "test", "fake", "dummy", "sample", "xxxx", "1234", "abcd",
                     "changeme", "secret", "token", "password", "foo", "bar")


# ---- busybox root filesystem ----------------------------------------------------------------

def busybox_rootfs(root):
    busybox = shutil.which("busybox") or "/bin/busybox"
    info = subprocess.run(["file", "-L", busybox], capture_output=True, text=True).stdout
    if "statically linked" not in info and "static-pie" not in info:
        sys.exit(f"{busybox} is not static: apt-get install busybox-static")
    for d in ("bin", "sbin", "usr/bin", "usr/sbin", "etc", "root", "tmp", "var/log", "home"):
        os.makedirs(os.path.join(root, d), exist_ok=True)
    os.chmod(os.path.join(root, "tmp"), 0o1777)
    shutil.copy2(busybox, os.path.join(root, "bin/busybox"))
    applets = subprocess.run([busybox, "--list-full"], capture_output=True, text=True,
                             check=True).stdout.split()
    for applet in applets:
        link = os.path.join(root, applet)
        if applet == "bin/busybox" or os.path.lexists(link):
            continue
        os.makedirs(os.path.dirname(link), exist_ok=True)
        os.symlink("/bin/busybox", link)
    with open(os.path.join(root, "etc/passwd"), "w") as f:
        f.write("root:x:0:0:root:/root:/bin/sh\n")
    with open(os.path.join(root, "etc/group"), "w") as f:
        f.write("root:x:0:\n")


# ---- secret values --------------------------------------------------------------------------

class Values:
    """Random values in each provider's documented format (prefix, alphabet, length)."""

    def __init__(self, seed):
        self.r = random.Random(seed)

    def s(self, alphabet, n):
        while True:
            v = "".join(self.r.choice(alphabet) for _ in range(n))
            if not any(w in v.lower() for w in PLACEHOLDER_WORDS):
                return v

    def aws_key_id(self):
        return "AKIA" + self.s(BASE32, 16)

    def aws_secret(self):
        return self.s(B64, 40)

    def uuid(self):
        h = self.s(HEX, 32)
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"

    def digits(self, n):
        return str(self.r.randint(1, 9)) + self.s(string.digits, n - 1)

    def jwt(self):
        def b64url(obj):
            import base64
            raw = json.dumps(obj, separators=(",", ":")).encode()
            return base64.urlsafe_b64encode(raw).decode().rstrip("=")
        header = b64url({"alg": "HS256", "typ": "JWT"})
        payload = b64url({"sub": self.digits(8), "name": "svc-deploy", "iat": 1767225600,
                          "exp": 1798761600, "scope": "deploy:write"})
        return f"{header}.{payload}.{self.s(B64URL, 43)}"

    def docker_auth(self):
        import base64
        return base64.b64encode(f"ci-bot:{self.s(ALNUM, 20)}".encode()).decode()

    def password(self):
        return self.s(ALNUM, 12) + "!" + self.s(ALNUM, 6)


def private_key(kind):
    """A fresh private key in PEM / OpenSSH form (`rsa`, `ec`, `pkcs8`, `openssh`)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "key")
        if kind == "rsa":
            cmd = ["openssl", "genrsa", "-traditional", "-out", out, "2048"]
        elif kind == "ec":
            cmd = ["openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", out]
        elif kind == "pkcs8":
            cmd = ["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                   "-out", out]
        else:
            cmd = ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "deploy@ci", "-f", out]
        subprocess.run(cmd, check=True, capture_output=True)
        with open(out) as f:
            return f.read()


# ---- build context --------------------------------------------------------------------------

class Context:
    """A build context: files per COPY layer, and the record of where each secret was put."""

    def __init__(self, root):
        self.root = root
        self.plants = []

    def file(self, layer, path, mode=0o644, note=""):
        return PlantedFile(self, layer, path, mode, note)

    def plant(self, **kw):
        self.plants.append(kw)


class PlantedFile:
    def __init__(self, ctx, layer, path, mode, note):
        self.ctx, self.layer, self.path, self.mode, self.note = ctx, layer, path, mode, note
        self.lines = []
        self.eol = "\n"

    def text(self, *lines):
        for line in lines:
            self.lines.extend(line.split("\n"))
        return self

    def secret(self, kind, line, value, note=""):
        """`line` holds `{v}` where the value goes; `kind` is dockguard's rule id."""
        text = line.replace("{v}", value)
        first = len(self.lines) + 1
        self.lines.extend(text.split("\n"))
        self.ctx.plant(kind=kind, where="file", path=self.path, line=first,
                       end_line=len(self.lines), layer=self.layer, value=value,
                       note=note or self.note)
        return self

    def write(self):
        full = os.path.join(self.ctx.root, self.layer, self.path.lstrip("/"))
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", newline="") as f:
            f.write(self.eol.join(self.lines) + self.eol)
        os.chmod(full, self.mode)
        return full


def secrets_context(ctx, v):
    """Many secrets of every kind both tools claim, spread over five COPY layers, a RUN, a
    build argument, Env and Labels; one file added then deleted, one overwritten."""
    # layer 1: cloud and forge credentials in the places tools leave them
    ctx.file("l1", "/root/.aws/credentials", 0o600).text("[default]").secret(
        "aws-access-key-id", "aws_access_key_id = {v}", v.aws_key_id()).secret(
        "aws-secret-access-key", "aws_secret_access_key = {v}", v.aws_secret()).text(
        "region = eu-west-1").write()
    ctx.file("l1", "/etc/app/github.env").text("# CI tokens").secret(
        "github-pat", "GITHUB_PAT={v}", "ghp_" + v.s(ALNUM, 36)).secret(
        "github-oauth-token", "GH_OAUTH_TOKEN={v}", "gho_" + v.s(ALNUM, 36)).secret(
        "github-app-token", "GH_INSTALLATION_TOKEN={v}", "ghs_" + v.s(ALNUM, 36)).secret(
        "github-refresh-token", "GH_REFRESH={v}", "ghr_" + v.s(ALNUM, 76)).secret(
        "github-fine-grained-pat", "GH_FINE_GRAINED={v}",
        "github_pat_" + v.s(ALNUM, 22) + "_" + v.s(ALNUM, 59)).write()
    ctx.file("l1", "/etc/app/gitlab.yml").text(
        "gitlab:", "  url: https://gitlab.internal.corp").secret(
        "gitlab-pat", "  private_token: {v}", "glpat-" + v.s(ALNUM, 20)).write()
    ctx.file("l1", "/srv/app/config/slack.json").text("{").secret(
        "slack-bot-token", '  "bot_token": "{v}",',
        f"xoxb-{v.digits(12)}-{v.digits(13)}-{v.s(ALNUM, 24)}").secret(
        "slack-user-token", '  "user_token": "{v}",',
        f"xoxp-{v.digits(12)}-{v.digits(12)}-{v.digits(13)}-{v.s(HEX, 32)}").secret(
        "slack-webhook-url", '  "alerts_webhook": "{v}"',
        f"https://hooks.slack.com/services/T{v.s(UPPER_ALNUM, 8)}/B{v.s(UPPER_ALNUM, 10)}/"
        f"{v.s(ALNUM, 24)}").text("}").write()

    # layer 2: an application's environment and package-manager credentials
    env = ctx.file("l2", "/srv/app/.env").text("APP_ENV=production", "PORT=8080")
    env.secret("stripe-secret-key", "STRIPE_SECRET_KEY={v}", "sk_live_" + v.s(ALNUM, 24))
    env.secret("twilio-api-key", "TWILIO_API_KEY={v}", "SK" + v.s(HEX, 32))
    env.secret("sendgrid-api-key", "SENDGRID_API_KEY={v}",
               "SG." + v.s(B64URL, 22) + "." + v.s(B64URL, 43))
    env.secret("mailgun-api-key", 'MAILGUN_API_KEY="{v}"', "key-" + v.s(HEX, 32))
    env.secret("mailchimp-api-key", 'MAILCHIMP_API_KEY="{v}"', v.s(HEX, 32) + "-us20")
    env.secret("shopify-token", "SHOPIFY_ACCESS_TOKEN={v}", "shpat_" + v.s(HEX, 32))
    env.secret("heroku-api-key", 'export HEROKU_API_KEY="{v}"', v.uuid())
    env.secret("databricks-token", "DATABRICKS_TOKEN={v}", "dapi" + v.s(HEX, 32))
    env.secret("postman-api-key", "POSTMAN_API_KEY={v}",
               f"PMAK-{v.s(HEX, 24)}-{v.s(HEX, 34)}")
    env.secret("linear-api-key", "LINEAR_API_KEY={v}", "lin_api_" + v.s(ALNUM, 40))
    env.secret("newrelic-user-api-key", 'NEW_RELIC_API_KEY="{v}"', "NRAK-" + v.s(UPPER_ALNUM, 27))
    env.secret("pulumi-token", "PULUMI_ACCESS_TOKEN={v}", "pul-" + v.s(HEX, 40))
    env.secret("doppler-token", 'DOPPLER_TOKEN="{v}"', "dp.pt." + v.s(ALNUM, 43))
    env.secret("huggingface-token", "HF_TOKEN={v}", "hf_" + v.s(ALNUM, 34))
    env.secret("openai-api-key", "OPENAI_API_KEY={v}",
               "sk-proj-" + v.s(B64URL, 74) + "T3BlbkFJ" + v.s(B64URL, 74))
    env.secret("anthropic-api-key", "ANTHROPIC_API_KEY={v}",
               "sk-ant-api03-" + v.s(B64URL, 93) + "AA")
    env.secret("dockerhub-pat", "DOCKERHUB_TOKEN={v}", "dckr_pat_" + v.s(B64URL, 27))
    env.secret("age-secret-key", "AGE_IDENTITY={v}",
               "AGE-SECRET-KEY-1" + v.s("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58))
    env.secret("generic-password", "DB_PASSWORD={v}", v.password())
    env.secret("url-basic-auth", "DATABASE_URL={v}",
               f"postgres://app:{v.password()}@db.internal.corp:5432/app")
    env.write()
    ctx.file("l2", "/home/app/.npmrc", 0o600).secret(
        "npmrc-auth-token", "//registry.npmjs.org/:_authToken={v}", "npm_" + v.s(ALNUM, 36)).write()
    ctx.file("l2", "/srv/app/deploy.json").text(
        "{", '  "registry": "https://registry.npmjs.org/",').secret(
        "npm-token", '  "npmToken": "{v}"', "npm_" + v.s(ALNUM, 36)).text("}").write()
    ctx.file("l2", "/home/app/.pypirc", 0o600).text("[pypi]", "username = __token__").secret(
        "pypi-token", "password = {v}", "pypi-AgEIcHlwaS5vcmc" + v.s(B64URL, 160)).write()
    ctx.file("l2", "/home/app/.gem/credentials", 0o600).text("---").secret(
        "rubygems-api-key", ":rubygems_api_key: {v}", "rubygems_" + v.s(HEX, 48)).write()
    ctx.file("l2", "/home/app/.terraform.d/credentials.tfrc.json").text(
        '{"credentials": {"app.terraform.io": {').secret(
        "terraform-cloud-token", '  "token": "{v}"',
        v.s(ALNUM, 14) + ".atlasv1." + v.s(ALNUM, 67)).text("}}}").write()
    ctx.file("l2", "/root/.docker/config.json", 0o600).text(
        "{", '  "auths": {', '    "registry.internal.corp:5000": {').secret(
        "docker-config-auth", '      "auth": "{v}"', v.docker_auth()).text(
        "    }", "  }", "}").write()

    # layer 3: keys and identity files
    for kind, path in (("rsa", "/home/app/.ssh/id_rsa"), ("openssh", "/home/app/.ssh/id_ed25519"),
                       ("ec", "/etc/app/tls/ec.key"), ("pkcs8", "/etc/app/tls/server.key")):
        ctx.file("l3", path, 0o600).secret("private-key", "{v}", private_key(kind).rstrip("\n"),
                                           note=f"{kind} key").write()
    sa_key = private_key("pkcs8").replace("\n", "\\n")
    sa = ctx.file("l3", "/srv/app/gcp-service-account.json").text("{")
    sa.secret("gcp-service-account", '  "type": "{v}",', "service_account")
    sa.text(f'  "project_id": "billing-{v.s(string.digits, 6)}",',
            f'  "private_key_id": "{v.s(HEX, 40)}",')
    sa.secret("private-key", '  "private_key": "{v}",', sa_key, note="PEM in JSON string")
    project = f"billing-{v.s(string.digits, 6)}"
    sa.text(f'  "client_email": "deployer@{project}.iam.gserviceaccount.com",',
            f'  "client_id": "{v.digits(21)}"', "}")
    sa.write()
    ctx.file("l3", "/srv/app/config/azure.conf").secret(
        "azure-storage-account-key", "STORAGE={v}",
        f"DefaultEndpointsProtocol=https;AccountName=billingdata;AccountKey={v.s(B64, 86)}==;"
        "EndpointSuffix=core.windows.net").secret(
        "azure-client-secret", "AZURE_CLIENT_SECRET={v}",
        v.s(ALNUM, 3) + "8Q~" + v.s(ALNUM + "_~.-", 34)).write()
    ctx.file("l3", "/srv/app/config/database.yml").text("production:", "  adapter: postgresql",
                                                         "  username: billing").secret(
        "generic-password", "  password: {v}", v.password()).write()
    ctx.file("l3", "/srv/app/session.http").text("GET /api/v1/invoices HTTP/1.1",
                                                 "Host: billing.internal.corp").secret(
        "jwt", "Authorization: Bearer {v}", v.jwt()).write()

    # layer 4: build-time files removed by the next RUN (still shipped in layer 4)
    ctx.file("l4", "/tmp/build/deploy_key", 0o600, note="deleted by a later layer").secret(
        "private-key", "{v}", private_key("rsa").rstrip("\n")).write()
    ctx.file("l4", "/tmp/build/ci.env", note="deleted by a later layer").secret(
        "github-pat", "GITHUB_TOKEN={v}", "ghp_" + v.s(ALNUM, 36)).write()
    ctx.file("l4", "/srv/app/.env.production", note="replaced by a later layer").secret(
        "aws-access-key-id", "AWS_ACCESS_KEY_ID={v}", v.aws_key_id()).secret(
        "aws-secret-access-key", "AWS_SECRET_ACCESS_KEY={v}", v.aws_secret()).write()
    # the key pair rotated: this copy replaces the first one, which still ships
    ctx.file("l5", "/root/.aws/credentials", 0o600, note="rotated: replaces the first copy").text(
        "[default]").secret(
        "aws-access-key-id", "aws_access_key_id = {v}", v.aws_key_id()).secret(
        "aws-secret-access-key", "aws_secret_access_key = {v}", v.aws_secret()).text(
        "region = eu-west-1").write()
    clean = ctx.file("l5", "/srv/app/.env.production")
    clean.text("AWS_REGION=eu-west-1", "# credentials come from the instance role")
    clean.write()

    # layer 6: edge cases (file size, binary, allow-listed paths, long lines, CRLF)
    big = ctx.file("edge", "/var/log/app/debug.log", note="text file over 1 MiB")
    for i in range(14000):
        big.text(f"2026-01-0{1 + i % 9}T10:{i % 60:02d}:00Z DEBUG worker-{i % 7} "
                 f"request id={v.s(HEX, 16)} path=/api/v1/items/{i} status=200 took={i % 97}ms")
    big.secret("aws-access-key-id", "2026-01-09T11:00:00Z DEBUG boto aws_access_key_id={v}",
               v.aws_key_id())
    big.text("2026-01-09T11:00:01Z DEBUG boto done")
    big.write()
    # a 40-character str constant is marshalled after its length byte "(", so the token
    # stands alone in the .pyc's printable text
    gh_token = "ghp_" + v.s(ALNUM, 36)
    settings = ctx.file("edge", "/srv/app/settings.py",
                        note="replaces the bench app's settings.py").text("import os", "").secret(
        "github-pat", 'GITHUB_TOKEN = "{v}"', gh_token).text(
        'DEBUG = os.environ.get("DEBUG") == "1"')
    source = settings.write()
    pyc = os.path.join(ctx.root, "edge/srv/app/__pycache__/settings.cpython-311.pyc")
    py_compile.compile(source, cfile=pyc, dfile="/srv/app/settings.py", doraise=True)
    ctx.plant(kind="github-pat", where="file", path="/srv/app/__pycache__/settings.cpython-311.pyc",
              line=None, end_line=None, layer="edge", value=gh_token, note="compiled .pyc (binary)")
    bundle = ctx.file("edge", "/srv/app/static/app.min.js", note="one 280 KB line (minified)")
    filler = ";".join(f"var a{i}=function(e){{return e+{i}}}" for i in range(4000))
    bundle.secret("stripe-secret-key", filler + ';var cfg={"stripe":"{v}"};' + filler,
                  "sk_live_" + v.s(ALNUM, 24))
    bundle.write()
    ctx.file("edge", "/usr/share/billing/defaults.conf", note="under usr/share/").secret(
        "github-pat", "token = {v}", "ghp_" + v.s(ALNUM, 36)).write()
    ctx.file("edge", "/srv/app/tests/fixtures.env", note="path with /test").secret(
        "gitlab-pat", "GITLAB_TOKEN={v}", "glpat-" + v.s(ALNUM, 20)).write()
    ctx.file("edge", "/srv/app/docs/DEPLOY.md", note="markdown file").text(
        "# Deploy", "", "Use this key:", "").secret(
        "aws-access-key-id", "    aws_access_key_id = {v}", v.aws_key_id()).write()
    ctx.file("edge", "/srv/app/vendor/payments/config.php", note="under /vendor/").secret(
        "stripe-secret-key", "$stripe_key = '{v}';", "sk_live_" + v.s(ALNUM, 24)).write()
    ctx.file("edge", "/srv/app/config.example.env", note="path with 'example'").secret(
        "github-pat", "GITHUB_TOKEN={v}", "ghp_" + v.s(ALNUM, 36)).write()
    crlf = ctx.file("edge", "/srv/app/config/legacy.ini", note="CRLF line ends")
    crlf.eol = "\r\n"
    crlf.text("[gitlab]").secret("gitlab-pat", "token = {v}", "glpat-" + v.s(ALNUM, 20)).write()

    # config: a RUN command line, a build argument, Env and a Label
    run_token = "glpat-" + v.s(ALNUM, 20)
    npm_token = "npm_" + v.s(ALNUM, 36)
    env_token = "ghp_" + v.s(ALNUM, 36)
    webhook = (f"https://hooks.slack.com/services/T{v.s(UPPER_ALNUM, 8)}/"
               f"B{v.s(UPPER_ALNUM, 10)}/{v.s(ALNUM, 24)}")
    ctx.plant(kind="gitlab-pat", where="history", value=run_token, note="RUN command line")
    ctx.plant(kind="npm-token", where="history", value=npm_token, note="ARG default seen by RUN")
    ctx.plant(kind="github-pat", where="env", name="GITHUB_TOKEN", value=env_token, note="ENV")
    ctx.plant(kind="github-pat", where="history", value=env_token, note="ENV in history")
    ctx.plant(kind="slack-webhook-url", where="label", name="com.acme.alerts-webhook",
              value=webhook, note="LABEL")
    ctx.plant(kind="slack-webhook-url", where="history", value=webhook, note="LABEL in history")
    # the base may end with a USER: the planted layers are written as root
    return f"""ARG BASE
FROM ${{BASE}}
USER root
LABEL com.acme.alerts-webhook="{webhook}"
COPY l1/ /
COPY l2/ /
COPY l3/ /
RUN git clone https://oauth2:{run_token}@gitlab.internal.corp/billing/app.git /opt/src 2>/dev/null || mkdir -p /opt/src
COPY l4/ /
RUN rm -rf /tmp/build
COPY l5/ /
COPY edge/ /
ARG NPM_TOKEN={npm_token}
RUN echo "npm install would run here" > /opt/src/BUILD
ENV GITHUB_TOKEN={env_token}
USER 1000
"""


def bench_context(ctx, v):
    """A small application on top of the Debian base: a couple of layers, a few secrets, a
    20 MB build cache and a deploy key deleted in a later layer."""
    ctx.file("l1", "/srv/app/app.py").text(
        "from http.server import BaseHTTPRequestHandler, HTTPServer", "",
        "class Handler(BaseHTTPRequestHandler):", "    def do_GET(self):",
        "        self.send_response(200)", "        self.end_headers()",
        "        self.wfile.write(b'ok')", "",
        "HTTPServer(('', 8080), Handler).serve_forever()").write()
    ctx.file("l1", "/srv/app/settings.py").text("import os", "").secret(
        "aws-access-key-id", 'AWS_ACCESS_KEY_ID = "{v}"', v.aws_key_id()).secret(
        "aws-secret-access-key", 'AWS_SECRET_ACCESS_KEY = "{v}"', v.aws_secret()).secret(
        "slack-webhook-url", 'ALERTS = "{v}"',
        f"https://hooks.slack.com/services/T{v.s(UPPER_ALNUM, 8)}/B{v.s(UPPER_ALNUM, 10)}/"
        f"{v.s(ALNUM, 24)}").write()
    ctx.file("l2", "/root/.ssh/id_rsa", 0o600, note="deleted by a later layer").secret(
        "private-key", "{v}", private_key("rsa").rstrip("\n")).write()
    return """ARG BASE
FROM ${BASE}
RUN useradd --create-home --uid 1000 app 2>/dev/null || { echo 'app:x:1000:1000::/home/app:/bin/sh' >> /etc/passwd \\
    && echo 'app:x:1000:' >> /etc/group && mkdir -p /home/app && chown 1000:1000 /home/app; }
COPY l1/ /
RUN mkdir -p /var/cache/build && head -c 20971520 /dev/urandom > /var/cache/build/deps.tar
COPY l2/ /
RUN rm -rf /var/cache/build /root/.ssh/id_rsa
USER app
EXPOSE 8080
CMD ["python3", "/srv/app/app.py"]
"""


def write_context(root, which, seed):
    os.makedirs(root, exist_ok=True)
    ctx = Context(root)
    v = Values(seed)
    dockerfile = (secrets_context if which == "secrets" else bench_context)(ctx, v)
    with open(os.path.join(root, "Dockerfile"), "w") as f:
        f.write(dockerfile)
    for layer in ("l1", "l2", "l3", "l4", "l5", "edge"):
        os.makedirs(os.path.join(root, layer), exist_ok=True)
    with open(os.path.join(root, "plants.json"), "w") as f:
        json.dump(ctx.plants, f, indent=1)


# ---- comparison -----------------------------------------------------------------------------

def image_config(tar_path):
    """(config, diff_ids) of the first image of a `docker save` tar."""
    with tarfile.open(tar_path) as t:
        manifest = json.load(t.extractfile("manifest.json"))
        config = json.load(t.extractfile(manifest[0]["Config"]))
    return config, config.get("rootfs", {}).get("diff_ids", [])


def locate_plants(tar_path, plants):
    """Set each file plant's `layer_index`: the layer whose copy of the file holds the value
    (a path can be planted twice, in different layers)."""
    wanted = {p["path"].lstrip("/") for p in plants if p["where"] == "file"}
    with tarfile.open(tar_path) as t:
        layers = json.load(t.extractfile("manifest.json"))[0]["Layers"]
        for index, name in enumerate(layers):
            with tarfile.open(fileobj=t.extractfile(name)) as lt:
                for m in lt:
                    path = m.name.lstrip("./")
                    if m.isfile() and path in wanted:
                        content = lt.extractfile(m).read()
                        for p in plants:
                            if (p["where"] == "file" and p["path"].lstrip("/") == path
                                    and p["value"].encode() in content):
                                p["layer_index"] = index


def trivy_findings(path, config, diff_ids):
    """Layer-file findings (path, layer, start, end, rule) and config findings (part, key or
    history index, rule) of a Trivy JSON report."""
    with open(path) as f:
        report = json.load(f)
    files, conf = [], []
    for result in report.get("Results") or []:
        for s in result.get("Secrets") or []:
            layer = s.get("Layer") or {}
            if layer.get("DiffID"):
                idx = diff_ids.index(layer["DiffID"]) if layer["DiffID"] in diff_ids else None
                files.append({"path": "/" + result["Target"].lstrip("/"), "layer": idx,
                              "start": s["StartLine"], "end": s["EndLine"], "rule": s["RuleID"],
                              "match": s.get("Match", "")})
                continue
            m = s.get("Match", "").strip()
            entry = {"rule": s["RuleID"], "match": m, "line": s["StartLine"]}
            lines = (s.get("Code") or {}).get("Lines") or []
            before = [ln["Content"] for ln in lines if ln["Number"] < s["StartLine"]]
            created = [re.search(r'"created": "([^"]+)"', c) for c in before]
            created = [c.group(1) for c in created if c]
            if created:
                # the history entry: the line before `created_by` is its unique `created`
                entry["part"] = "history"
                entry["key"] = next((i for i, h in enumerate(config.get("history", []))
                                     if h.get("created") == created[-1]), None)
            elif re.match(r'^"[A-Za-z_][A-Za-z0-9_]*=', m):
                entry["part"], entry["key"] = "env", m[1:].split("=", 1)[0]
            elif re.match(r'^"[^"]+":', m):
                entry["part"], entry["key"] = "label", m[1:].split('"', 1)[0]
            else:
                entry["part"], entry["key"] = "config", None
            conf.append(entry)
    return files, conf


def dockguard_findings(path):
    with open(path) as f:
        report = json.load(f)
    files, env, history = [], [], []
    for f in report.get("findings", []):
        loc = f["location"]
        if f["code"] == "IM301":
            _, _, p = loc["file"].partition(":/")
            m = re.search(r"(?:added in|shipped in) layer (\d+)", f["message"])
            title = re.search(r" holds (.*?) \(`", f["message"])
            files.append({"path": "/" + p, "layer": int(m.group(1)) if m else None,
                          "start": loc["line"], "end": loc.get("end_line") or loc["line"],
                          "rule": title.group(1) if title else "?",
                          "deleted": "still shipped" in f["message"]})
        elif f["code"] == "IM300" and re.search(r"#history\[(\d+)\]$", loc["file"]):
            m = re.search(r"#history\[(\d+)\]$", loc["file"])
            history.append({"key": int(m.group(1)), "code": f["code"], "message": f["message"]})
        elif f["code"] == "IM300":
            m = re.search(r"(environment variable|label) `([^`]+)`", f["message"])
            env.append({"part": "env" if m and m.group(1).startswith("env") else "label",
                        "key": m.group(2) if m else None, "message": f["message"]})
        elif f["code"].startswith("DF3"):
            m = re.search(r"#history\[(\d+)\]$", loc["file"])
            if m:
                history.append({"key": int(m.group(1)), "code": f["code"],
                                "message": f["message"]})
    return files, env, history


def overlaps(a, b):
    """Same lines; a multi-line match (a private key: Trivy spans the body, dockguard reports
    the BEGIN line) may also start one line away."""
    if a.get("start") is None or b.get("start") is None:
        return True
    slack = 1 if a["end"] > a["start"] or b["end"] > b["start"] else 0
    return a["start"] <= b["end"] + slack and b["start"] <= a["end"] + slack


def compare(plants_path, tar_path, trivy_path, dockguard_path):
    with open(plants_path) as f:
        plants = json.load(f)
    config, diff_ids = image_config(tar_path)
    history = [h.get("created_by", "") for h in config.get("history", [])]
    t_files, t_conf = trivy_findings(trivy_path, config, diff_ids)
    d_files, d_env, d_hist = dockguard_findings(dockguard_path)

    locate_plants(tar_path, plants)

    def same_file(a, bs):
        return [b for b in bs if b["path"] == a["path"] and overlaps(a, b)
                and (a.get("layer") is None or b.get("layer") is None
                     or a["layer"] == b["layer"])]

    def same_place(a, bs):
        """Same path and lines, whatever the layer (the parity check, by file and line)."""
        return [b for b in bs if b["path"] == a["path"] and overlaps(a, b)]

    # every planted secret, with what each tool said
    print(f"planted secrets: {len(plants)}")
    print(f"  {'kind':<26} {'where':<64} {'trivy':<26} dockguard")
    found_t = found_d = 0
    for p in plants:
        if p["where"] == "file":
            key = {"path": p["path"], "start": p["line"], "end": p["end_line"],
                   "layer": p.get("layer_index")}
            t = same_file(key, t_files)
            d = same_file(key, d_files)
            where = f"{p['path']}:{p['line'] or '?'} (layer {p.get('layer_index', '?')})"
            t_txt = ",".join(sorted({x["rule"] for x in t})) or "-"
            d_txt = ",".join(sorted({x["rule"] for x in d})) or "-"
        elif p["where"] in ("env", "label"):
            t = [x for x in t_conf if x["part"] == p["where"] and x["key"] == p["name"]]
            d = [x for x in d_env if x["part"] == p["where"] and x["key"] == p["name"]]
            where = f"{p['where']} {p['name']}"
            t_txt = ",".join(sorted({x["rule"] for x in t})) or "-"
            d_txt = "IM300" if d else "-"
        else:
            idx = [i for i, cb in enumerate(history) if p["value"] in cb]
            t = [x for x in t_conf if x["part"] == "history" and x["key"] in idx]
            d = [x for x in d_hist if x["key"] in idx]
            where = f"history[{','.join(map(str, idx))}]"
            t_txt = ",".join(sorted({x["rule"] for x in t})) or "-"
            d_txt = ",".join(sorted({x["code"] for x in d})) or "-"
        found_t += bool(t)
        found_d += bool(d)
        note = f"  ({p['note']})" if p.get("note") else ""
        print(f"  {p['kind']:<26} {where[:64]:<64} {t_txt[:26]:<26} {d_txt}{note}")
    print(f"  found: trivy {found_t}/{len(plants)}, dockguard {found_d}/{len(plants)}")

    def plant_note(f):
        for p in plants:
            if p["where"] == "file" and same_file(
                    f, [{"path": p["path"], "start": p["line"], "end": p["end_line"],
                         "layer": p.get("layer_index")}]):
                return f"planted {p['kind']}" + (f", {p['note']}" if p.get("note") else "")
        return "not planted"

    # every secret Trivy finds that dockguard misses
    missing = []
    for t in t_files:
        if not same_place(t, d_files):
            missing.append(f"{t['path']}:{t['start']}-{t['end']} layer {t['layer']} {t['rule']}"
                           f"  [{plant_note(t)}]")
    for t in t_conf:
        if t["part"] in ("env", "label"):
            hit = [d for d in d_env if d["part"] == t["part"] and d["key"] == t["key"]]
        elif t["part"] == "history":
            hit = [d for d in d_hist if d["key"] == t["key"]]
        else:
            hit = []
        if not hit:
            missing.append(f"config {t['part']} {t['key']} {t['rule']}: {t['match'][:100]}")
    layer_diff = [
        f"{t['path']}:{t['start']} trivy layer {t['layer']}, dockguard layer(s) "
        f"{sorted({d['layer'] for d in same_place(t, d_files)})}"
        for t in t_files if same_place(t, d_files) and not same_file(t, d_files)]
    print(f"\nsecrets trivy finds that dockguard misses: {len(missing)}")
    for m in missing:
        print("  " + m)
    if layer_diff:
        print(f"\nsame secret, different layer index: {len(layer_diff)}")
        for m in layer_diff:
            print("  " + m)

    # every extra dockguard finding
    extra = [f"{d['path']}:{d['start']} layer {d['layer']} {d['rule']}"
             f"  [{plant_note(d)}]"
             for d in d_files if not same_file(d, t_files)]
    for d in d_env:
        if not [t for t in t_conf if t["part"] == d["part"] and t["key"] == d["key"]]:
            extra.append(f"config {d['part']} {d['key']}: {d['message'][:100]}")
    for d in d_hist:
        if not [t for t in t_conf if t["part"] == "history" and t["key"] == d["key"]]:
            extra.append(f"history[{d['key']}] {d['code']}: {d['message'][:100]}")
    print(f"\nextra dockguard findings (trivy reports nothing there): {len(extra)}")
    for e in extra:
        print("  " + e)
    print(f"\ntotals: trivy {len(t_files)} layer-file + {len(t_conf)} config findings; "
          f"dockguard {len(d_files)} IM301 + {len(d_env)} IM300 + {len(d_hist)} history DF3xx")
    return 1 if missing else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("busybox-rootfs")
    b.add_argument("dir")
    c = sub.add_parser("context")
    c.add_argument("dir")
    c.add_argument("which", choices=("bench", "secrets"))
    c.add_argument("--seed", type=int, default=5)
    m = sub.add_parser("compare")
    for name in ("plants", "tar", "trivy", "dockguard"):
        m.add_argument(name)
    a = ap.parse_args()
    if a.cmd == "busybox-rootfs":
        busybox_rootfs(a.dir)
    elif a.cmd == "context":
        write_context(a.dir, a.which, a.seed)
    else:
        sys.exit(compare(a.plants, a.tar, a.trivy, a.dockguard))


if __name__ == "__main__":
    main()
