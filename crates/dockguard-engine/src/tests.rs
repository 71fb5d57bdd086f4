//! The client against a fake engine: a `UnixListener` in a temporary folder that answers each
//! connection with one canned HTTP response.

use super::*;
use std::io::{Read, Write};
use std::os::unix::net::UnixListener;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

struct Fake {
    _dir: tempfile::TempDir,
    socket: PathBuf,
    requests: Arc<Mutex<Vec<String>>>,
    thread: JoinHandle<()>,
}

impl Fake {
    /// Serves `responses` in order, one per connection, each written in two parts so the
    /// client sees partial reads; `hold` keeps each connection open that long before closing.
    fn serve(responses: Vec<Vec<u8>>, hold: Duration) -> Fake {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("docker.sock");
        let listener = UnixListener::bind(&socket).unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&requests);
        let thread = std::thread::spawn(move || {
            for response in responses {
                let (mut conn, _) = listener.accept().unwrap();
                let mut request = Vec::new();
                let mut byte = [0u8; 1];
                while !request.ends_with(b"\r\n\r\n") && request.len() < 65536 {
                    if conn.read(&mut byte).unwrap() == 0 {
                        break;
                    }
                    request.push(byte[0]);
                }
                seen.lock()
                    .unwrap()
                    .push(String::from_utf8(request).unwrap());
                let split = response.len() / 2;
                let _ = conn.write_all(&response[..split]);
                let _ = conn.flush();
                std::thread::sleep(Duration::from_millis(10));
                let _ = conn.write_all(&response[split..]);
                std::thread::sleep(hold);
            }
        });
        Fake {
            _dir: dir,
            socket,
            requests,
            thread,
        }
    }

    fn engine(&self) -> Engine {
        Engine::new(&self.socket)
    }

    /// Waits for every response to be served and returns the requests received.
    fn requests(self) -> Vec<String> {
        self.thread.join().unwrap();
        self.requests.lock().unwrap().clone()
    }
}

fn ok_json(body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn ping(version: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 200 OK\r\nApi-Version: {version}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 2\r\n\r\nOK"
    )
    .into_bytes()
}

fn chunked(parts: &[&str]) -> Vec<u8> {
    let mut out = String::from(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
    );
    for part in parts {
        out.push_str(&format!("{:x}\r\n{part}\r\n", part.len()));
    }
    out.push_str("0\r\n\r\n");
    out.into_bytes()
}

fn path_of(request: &str) -> &str {
    request.split(' ').nth(1).unwrap()
}

#[test]
fn negotiates_the_version_and_prefixes_paths() {
    let fake = Fake::serve(
        vec![
            ping("1.41"),
            ok_json(r#"{"ApiVersion":"1.41","Version":"20.10.24"}"#),
            ok_json(r#"{"SecurityOptions":["name=seccomp,profile=default"]}"#),
        ],
        Duration::ZERO,
    );
    let mut engine = fake.engine();
    assert_eq!(engine.api_version(), None);
    assert_eq!(engine.negotiate().unwrap(), "1.41");
    assert_eq!(engine.api_version(), Some("1.41"));
    let version = engine.version().unwrap();
    assert_eq!(version.value["Version"], "20.10.24");
    assert_eq!(
        version.text,
        r#"{"ApiVersion":"1.41","Version":"20.10.24"}"#
    );
    let info = engine.info().unwrap();
    assert_eq!(
        info.value["SecurityOptions"][0],
        "name=seccomp,profile=default"
    );
    let requests = fake.requests();
    let paths: Vec<&str> = requests.iter().map(|r| path_of(r)).collect();
    assert_eq!(paths, ["/_ping", "/v1.41/version", "/v1.41/info"]);
    for request in &requests {
        assert!(request.starts_with("GET "), "{request}");
        assert!(request.contains("\r\nHost: docker\r\n"), "{request}");
        assert!(request.contains(" HTTP/1.1\r\n"), "{request}");
    }
}

#[test]
fn newer_engines_get_the_newest_version_we_know() {
    let fake = Fake::serve(vec![ping("1.47")], Duration::ZERO);
    let mut engine = fake.engine();
    assert_eq!(engine.negotiate().unwrap(), "1.43");
    fake.requests();

    let no_header = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK".to_vec();
    let fake = Fake::serve(vec![no_header], Duration::ZERO);
    let mut engine = fake.engine();
    assert_eq!(engine.negotiate().unwrap(), "1.24");
}

#[test]
fn lists_containers_and_reads_chunked_bodies() {
    let list = r#"[{"Id":"abc123","Names":["/web"],"Image":"nginx","State":"running"},{"Names":["/no-id"]}]"#;
    let (first, second) = list.split_at(40);
    let fake = Fake::serve(
        vec![
            ping("1.41"),
            chunked(&[first, second]),
            ok_json("[]"),
            chunked(&[r#"{"Id":"abc123","Name":"/web"}"#]),
        ],
        Duration::ZERO,
    );
    let mut engine = fake.engine();
    engine.negotiate().unwrap();
    let all = engine.containers(true).unwrap();
    assert_eq!(all.text, list);
    let summaries = ContainerSummary::list(&all.value);
    assert_eq!(
        summaries,
        [ContainerSummary {
            id: "abc123".into(),
            name: "web".into(),
            image: "nginx".into(),
            state: "running".into(),
        }]
    );
    assert!(ContainerSummary::list(&engine.containers(false).unwrap().value).is_empty());
    let inspect = engine.inspect_container("web/../x y").unwrap();
    assert_eq!(inspect.value["Name"], "/web");
    let requests = fake.requests();
    let paths: Vec<&str> = requests.iter().map(|r| path_of(r)).collect();
    assert_eq!(
        paths,
        [
            "/_ping",
            "/v1.41/containers/json?all=1",
            "/v1.41/containers/json",
            "/v1.41/containers/web%2F..%2Fx%20y/json",
        ]
    );
}

#[test]
fn api_errors_carry_the_engine_message() {
    let body = r#"{"message":"No such container: ghost"}"#;
    let response = format!(
        "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let fake = Fake::serve(
        vec![
            response.into_bytes(),
            b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n".to_vec(),
        ],
        Duration::ZERO,
    );
    let engine = fake.engine();
    let err = engine.inspect_container("ghost").unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("404: No such container: ghost"), "{text}");
    assert!(text.contains(&fake.socket.display().to_string()), "{text}");
    let err = engine.info().unwrap_err();
    assert!(!err.is_not_found());
    assert!(
        err.to_string().ends_with("500: Internal Server Error"),
        "{err}"
    );
}

#[test]
fn oversized_bodies_are_refused() {
    // Only the header claims 64 MiB + 1; the client must refuse before reading.
    let claimed = format!(
        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n",
        DEFAULT_BODY_LIMIT + 1
    );
    let big_chunks = chunked(&["x".repeat(600).as_str(), "y".repeat(600).as_str()]);
    let fake = Fake::serve(
        vec![claimed.into_bytes(), big_chunks, ok_json(&"z".repeat(2000))],
        Duration::ZERO,
    );
    let engine = fake.engine();
    let err = engine.info().unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { limit, .. } if limit == DEFAULT_BODY_LIMIT),
        "{err:?}"
    );
    let small = fake.engine().with_body_limit(1000);
    assert!(matches!(
        small.info().unwrap_err(),
        Error::BodyTooLarge { limit: 1000, .. }
    ));
    let err = small.info().unwrap_err();
    assert!(err.to_string().contains("more than 1000 bytes"), "{err}");
    fake.requests();
}

#[test]
fn bad_json_and_bad_http_are_errors() {
    let fake = Fake::serve(
        vec![
            ok_json("{not json"),
            b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{}".to_vec(),
            b"garbage\r\n\r\n".to_vec(),
        ],
        Duration::ZERO,
    );
    let engine = fake.engine();
    assert!(matches!(engine.info().unwrap_err(), Error::Json { .. }));
    assert!(matches!(engine.info().unwrap_err(), Error::Protocol { .. }));
    assert!(matches!(engine.info().unwrap_err(), Error::Protocol { .. }));
    fake.requests();
}

#[test]
fn a_silent_engine_times_out() {
    let fake = Fake::serve(vec![Vec::new()], Duration::from_secs(3));
    let engine = fake.engine().with_timeout(Duration::from_millis(200));
    let started = std::time::Instant::now();
    let err = engine.info().unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(err.to_string().contains("did not answer"), "{err}");
}

#[test]
fn a_missing_socket_names_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("nothing.sock");
    let err = Engine::new(&socket).ping().unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with(&format!(
            "cannot connect to the Docker engine at {}: ",
            socket.display()
        )),
        "{text}"
    );
    let err = Engine::connect(Some(&format!("unix://{}", socket.display()))).unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
}

#[test]
fn hosts() {
    assert_eq!(
        parse_host("unix:///var/run/docker.sock").unwrap(),
        PathBuf::from("/var/run/docker.sock")
    );
    assert_eq!(
        parse_host(" unix:///run/user/1000/docker.sock ").unwrap(),
        PathBuf::from("/run/user/1000/docker.sock")
    );
    for host in [
        "tcp://127.0.0.1:2375",
        "ssh://me@box",
        "npipe:////./pipe/docker_engine",
    ] {
        let err = parse_host(host).unwrap_err();
        assert!(matches!(err, Error::UnsupportedHost(_)), "{host}");
        assert!(err.to_string().contains("not supported yet"), "{err}");
    }
    assert!(matches!(
        parse_host("unix://").unwrap_err(),
        Error::InvalidHost { .. }
    ));
    assert!(matches!(
        parse_host("/var/run/docker.sock").unwrap_err(),
        Error::InvalidHost { .. }
    ));
    // An explicit flag wins over DOCKER_HOST whatever the environment says.
    assert_eq!(
        resolve_host(Some("unix:///x.sock")).unwrap(),
        PathBuf::from("/x.sock")
    );
    assert!(resolve_host(Some("tcp://h:1")).is_err());
}

#[test]
fn versions_and_segments() {
    assert_eq!(parse_version("1.41"), Some((1, 41)));
    assert_eq!(parse_version("1.x"), None);
    assert_eq!(encode_segment("a-b_c.d"), "a-b_c.d");
    assert_eq!(encode_segment("é/?"), "%C3%A9%2F%3F");
}

#[test]
fn hosts_from_environment_contexts_and_rootless_socket() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("docker-config");
    let meta = config.join("contexts/meta/0123abcd");
    std::fs::create_dir_all(&meta).unwrap();
    std::fs::write(
        meta.join("meta.json"),
        r#"{"Name":"remote","Metadata":{},"Endpoints":{"docker":{"Host":"unix:///ctx/docker.sock","SkipTLSVerify":false}}}"#,
    )
    .unwrap();
    let env = |host: Option<&str>, context: Option<&str>| HostEnv {
        docker_host: host.map(str::to_string),
        docker_context: context.map(str::to_string),
        config_dir: Some(config.clone()),
        runtime_dir: None,
    };
    // DOCKER_HOST beats a context; a flag beats both.
    assert_eq!(
        resolve_host_in(&env(Some("unix:///env.sock"), Some("remote")), None).unwrap(),
        PathBuf::from("/env.sock")
    );
    assert_eq!(
        resolve_host_in(
            &env(Some("unix:///env.sock"), None),
            Some("unix:///flag.sock")
        )
        .unwrap(),
        PathBuf::from("/flag.sock")
    );
    // DOCKER_CONTEXT, then config.json's currentContext.
    assert_eq!(
        resolve_host_in(&env(None, Some("remote")), None).unwrap(),
        PathBuf::from("/ctx/docker.sock")
    );
    std::fs::write(
        config.join("config.json"),
        r#"{"currentContext": "remote"}"#,
    )
    .unwrap();
    assert_eq!(
        resolve_host_in(&env(None, None), None).unwrap(),
        PathBuf::from("/ctx/docker.sock")
    );
    // `default` means no context; an unknown one is an error naming it.
    assert_ne!(
        resolve_host_in(&env(None, Some("default")), None).unwrap(),
        PathBuf::from("/ctx/docker.sock")
    );
    let err = resolve_host_in(&env(None, Some("nope")), None).unwrap_err();
    assert!(err.to_string().contains("context nope"), "{err}");

    // A rootless daemon's socket is used when the system one does not exist.
    let runtime = dir.path().join("run-user");
    std::fs::create_dir_all(&runtime).unwrap();
    std::fs::write(runtime.join("docker.sock"), "").unwrap();
    let rootless = HostEnv {
        runtime_dir: Some(runtime.clone()),
        ..HostEnv::default()
    };
    let chosen = resolve_host_in(&rootless, None).unwrap();
    if std::path::Path::new("/var/run/docker.sock").exists() {
        assert_eq!(chosen, PathBuf::from("/var/run/docker.sock"));
    } else {
        assert_eq!(chosen, runtime.join("docker.sock"));
    }
}

#[test]
fn runs_a_container_through_create_start_wait_remove() {
    let no_content = b"HTTP/1.1 204 No Content\r\n\r\n".to_vec();
    let fake = Fake::serve(
        vec![
            ok_json(r#"{"Id":"abc123","Warnings":[]}"#),
            no_content.clone(),
            ok_json(r#"{"StatusCode":3}"#),
            no_content,
            b"HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 30\r\n\r\n{\"message\":\"No such image: x\"}".to_vec(),
        ],
        Duration::ZERO,
    );
    let engine = fake.engine();
    let config = serde_json::json!({"Image": "dg-busybox:test", "Cmd": ["true"]});
    let id = engine.create_container(&config).unwrap();
    assert_eq!(id, "abc123");
    engine.start_container(&id).unwrap();
    assert_eq!(engine.wait_container(&id).unwrap(), 3);
    engine.remove_container(&id).unwrap();
    let err = engine.create_container(&config).unwrap_err();
    assert!(err.to_string().contains("No such image: x"), "{err}");
    let requests = fake.requests();
    let lines: Vec<&str> = requests.iter().map(|r| r.lines().next().unwrap()).collect();
    assert_eq!(
        lines,
        [
            "POST /containers/create HTTP/1.1",
            "POST /containers/abc123/start HTTP/1.1",
            "POST /containers/abc123/wait HTTP/1.1",
            "DELETE /containers/abc123?force=1&v=1 HTTP/1.1",
            "POST /containers/create HTTP/1.1",
        ]
    );
    let body_len = serde_json::to_vec(&config).unwrap().len();
    assert!(
        requests[0].contains(&format!("Content-Length: {body_len}\r\n"))
            && requests[0].contains("Content-Type: application/json"),
        "{}",
        requests[0]
    );
    assert!(requests[1].contains("Content-Length: 0\r\n"));
}

#[test]
fn demultiplexes_log_frames() {
    let mut raw = Vec::new();
    for (stream, text) in [(1u8, "out1 "), (2, "err"), (1, "out2")] {
        raw.extend_from_slice(&[stream, 0, 0, 0]);
        raw.extend_from_slice(&(text.len() as u32).to_be_bytes());
        raw.extend_from_slice(text.as_bytes());
    }
    // A truncated frame keeps what arrived; a short header is dropped.
    raw.extend_from_slice(&[1, 0, 0, 0, 0, 0, 0, 10, b'x']);
    let (out, err) = demultiplex(&raw);
    assert_eq!(out, b"out1 out2x");
    assert_eq!(err, b"err");
    assert_eq!(demultiplex(&[1, 0, 0]), (vec![], vec![]));
}

#[test]
fn streams_events_and_inspects_execs() {
    let fake = Fake::serve(
        vec![
            chunked(&[
                "{\"Type\":\"container\",\"Action\":\"start\",\"Actor\":{\"ID\":\"c1\"}}\n",
                "{\"Type\":\"container\",\"Action\":\"die\",\"Actor\":{\"ID\":\"c1\"}}\n",
            ]),
            ok_json(r#"{"ID":"e1","ProcessConfig":{"user":"nobody","tty":false}}"#),
            b"HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: 28\r\n\r\n{\"message\":\"invalid filter\"}".to_vec(),
        ],
        Duration::ZERO,
    );
    let engine = fake.engine();
    let filters = serde_json::json!({"type": ["container"]});
    let (body, _handle) = engine.events(&filters, None).unwrap();
    let lines: Vec<String> = std::io::BufRead::lines(std::io::BufReader::new(body))
        .map(|l| l.unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[1].contains("\"die\""), "{lines:?}");
    let exec = engine.inspect_exec("e1").unwrap();
    assert_eq!(exec.value["ProcessConfig"]["user"], "nobody");
    let err = engine.events(&filters, Some(1700000000)).unwrap_err();
    assert!(err.to_string().contains("invalid filter"), "{err}");
    let requests = fake.requests();
    assert_eq!(
        path_of(&requests[0]),
        "/events?filters=%7B%22type%22%3A%5B%22container%22%5D%7D"
    );
    assert_eq!(path_of(&requests[1]), "/exec/e1/json");
    assert_eq!(
        path_of(&requests[2]),
        "/events?filters=%7B%22type%22%3A%5B%22container%22%5D%7D&since=1700000000"
    );
}
