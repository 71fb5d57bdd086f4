//! A registry of our own for end-to-end tests: Debian's `docker-registry` (distribution 2.8)
//! on a free loopback port with a config written here, fed with `docker push`.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::docker;

/// The registry binary of Debian's `docker-registry` package.
pub const REGISTRY_BIN: &str = "/usr/bin/docker-registry";

/// A `docker-registry serve` on a free loopback port; killed when dropped.
pub struct Registry {
    child: Child,
    dir: tempfile::TempDir,
    port: u16,
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port()
}

impl Registry {
    /// Starts a registry on `storage` with the YAML `auth` section `auth` (empty: none).
    pub fn start(storage: &Path, auth: &str) -> Registry {
        assert!(
            Path::new(REGISTRY_BIN).is_file(),
            "{REGISTRY_BIN} is missing: install Debian's docker-registry package"
        );
        // The port is chosen before the registry binds it: retry if someone took it meanwhile.
        let mut last_log = String::new();
        for _ in 0..5 {
            let dir = tempfile::tempdir().expect("a temporary folder");
            let port = free_port();
            let config = format!(
                "version: 0.1\nlog:\n  level: info\n  accesslog:\n    disabled: true\n\
                 storage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: true\n\
                 http:\n  addr: 127.0.0.1:{port}\n  secret: dg-test-secret\n{auth}",
                storage.display()
            );
            std::fs::write(dir.path().join("config.yml"), config).unwrap();
            let log = std::fs::File::create(dir.path().join("registry.log")).unwrap();
            let child = Command::new(REGISTRY_BIN)
                .arg("serve")
                .arg(dir.path().join("config.yml"))
                .stdin(Stdio::null())
                .stdout(log.try_clone().unwrap())
                .stderr(log)
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {REGISTRY_BIN}: {e}"));
            let mut registry = Registry { child, dir, port };
            match registry.wait_ready() {
                Ok(()) => return registry,
                Err(log) => last_log = log,
            }
        }
        panic!("docker-registry did not start:\n{last_log}");
    }

    /// Polls `GET /v2/` until it answers 200 or 401; the log when the process exits first.
    fn wait_ready(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.port)) {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                let _ = stream.write_all(b"GET /v2/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
                let mut head = [0u8; 12];
                if stream.read_exact(&mut head).is_ok()
                    && (head.ends_with(b"200") || head.ends_with(b"401"))
                {
                    return Ok(());
                }
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("exited ({status}):\n{}", self.log()));
            }
            assert!(
                Instant::now() < deadline,
                "docker-registry did not answer /v2/ within 60 s:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The loopback port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `127.0.0.1:PORT`.
    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    pub fn log(&self) -> String {
        let text =
            std::fs::read_to_string(self.dir.path().join("registry.log")).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A tag pushed to a test registry; untagged in the engine when dropped.
pub struct Pushed {
    pub target: String,
}

impl Drop for Pushed {
    fn drop(&mut self) {
        let _ = Command::new("docker").args(["rmi", &self.target]).output();
    }
}

/// Tags `image` as `registry/repo_tag` and pushes it (the engine treats 127.0.0.0/8 as an
/// insecure registry: plain HTTP).
pub fn push(registry: &Registry, image: &str, repo_tag: &str) -> Pushed {
    let target = format!("{}/{repo_tag}", registry.host());
    docker(&["tag", image, &target]);
    let pushed = Pushed { target };
    docker(&["push", "--quiet", &pushed.target]);
    pushed
}
