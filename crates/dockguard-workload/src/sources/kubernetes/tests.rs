use super::*;

const DEPLOYMENT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    metadata:
      annotations:
        container.apparmor.security.beta.kubernetes.io/app: unconfined
    spec:
      hostPID: true
      automountServiceAccountToken: true
      securityContext:
        runAsUser: 0
        runAsNonRoot: false
        seccompProfile:
          type: RuntimeDefault
        sysctls:
          - name: kernel.msgmax
            value: \"65536\"
      initContainers:
        - name: init
          image: busybox
      containers:
        - name: app
          image: nginx:latest
          securityContext:
            runAsUser: 1000
            privileged: true
            allowPrivilegeEscalation: true
            capabilities:
              add: [NET_ADMIN]
              drop: [ALL]
          resources:
            limits:
              memory: 128Mi
          ports:
            - containerPort: 80
              hostPort: 8080
          env:
            - name: API_TOKEN
              value: abc123
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef: {name: db, key: pw}
          volumeMounts:
            - name: sock
              mountPath: /var/run/docker.sock
          livenessProbe:
            httpGet: {path: /, port: 80}
      volumes:
        - name: sock
          hostPath:
            path: /var/run/docker.sock
        - name: root
          hostPath:
            path: /
---
apiVersion: v1
kind: Secret
metadata:
  name: db
data:
  pw: aHVudGVyMg==
---
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Pod
    metadata: {name: p}
    spec:
      containers: [{name: c, image: x}]
";

#[test]
fn deployment_fields() {
    let w = load("k.yaml", DEPLOYMENT).unwrap();
    assert_eq!(w.containers.len(), 3);
    let app = &w.containers[0];
    assert_eq!(app.name, "`app` of Deployment/web");
    assert!(!app.init);
    assert_eq!(app.user.as_ref().unwrap().value, "1000");
    assert_eq!(app.pid.as_ref().unwrap().value, Namespace::Host);
    assert_eq!(app.pid.as_ref().unwrap().loc.line, 11);
    assert!(app.is_privileged());
    assert!(!app.no_new_privileges.as_ref().unwrap().value);
    assert_eq!(app.cap_add[0].value, "NET_ADMIN");
    assert_eq!(app.cap_drop[0].value, "ALL");
    assert_eq!(app.seccomp.as_ref().unwrap().value, "RuntimeDefault");
    assert_eq!(app.apparmor.as_ref().unwrap().value, "unconfined");
    assert_eq!(app.memory_limit.as_ref().unwrap().value, "128Mi");
    assert!(app.cpu_limit.is_none());
    assert_eq!(app.ports[0].host_port, Some(8080));
    assert!(app.ports[0].published);
    assert_eq!(app.env[0].value.as_deref(), Some("abc123"));
    assert!(app.env[1].from_secret);
    assert_eq!(
        app.mounts[0].source.as_deref(),
        Some("/var/run/docker.sock")
    );
    assert_eq!(app.mounts[0].kind, MountKind::Bind);
    assert!(app.healthcheck.is_some());
    assert_eq!(app.sysctls[0].0.value, "kernel.msgmax");
    assert!(app.automount_service_account_token.as_ref().unwrap().value);
    let init = &w.containers[1];
    assert!(init.init);
    // Inherits the pod's runAsUser 0.
    assert_eq!(init.user.as_ref().unwrap().value, "0");
    assert!(!init.run_as_non_root.as_ref().unwrap().value);
    // The unmounted hostPath `/` is attached to the pod's first container.
    assert!(
        app.mounts
            .iter()
            .any(|m| m.source.as_deref() == Some("/") && m.target.is_none())
    );
    assert_eq!(w.secrets[0].name, "db");
    assert_eq!(w.secrets[0].keys[0].loc.line, 64);
    assert_eq!(w.containers[2].name, "`c` of Pod/p");
}

#[test]
fn cronjob_and_errors() {
    let text = "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n            - name: x\n              image: y\n";
    let w = load("c.yaml", text).unwrap();
    assert_eq!(w.containers[0].loc.line, 10);
    let err = load("c.yaml", "kind: Pod\nkind: Pod\n").unwrap_err();
    assert_eq!((err.line, err.column), (2, 1));
}
