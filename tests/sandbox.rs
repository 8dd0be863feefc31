//! The Functions sandbox, run. The function's binary (the release binary when
//! `OCI_ROTATOR_SANDBOX_BIN` names it, as `.ci/run` does; else this test build's binary) is
//! started the way OCI Functions starts it, and it must serve a full rotation of every credential
//! kind on the Fn socket against the embedded OCI simulator. The sandbox is:
//!
//! - uid:gid 1000:1000, a real unprivileged uid on the host (not root mapped into a user
//!   namespace), with no capabilities and `no_new_privs`;
//! - a read-only root file system: the system libraries, `/etc`, the binary at
//!   `/function/oci-rotator` (where the image puts it) and the resource-principal files at
//!   `/.oci-credentials/` (where Functions mounts them). The only writable place is a fresh
//!   32 MiB tmpfs on `/tmp`. The Fn socket directory `/tmp/iofs` is shared with the agent (this
//!   test);
//! - an environment with the Fn variables, the resource-principal variables, the image's `ENV`
//!   and the function's configuration, and nothing else: no `HOME`, no `PATH`;
//! - `RLIMIT_NPROC` 50 (processes and threads together) and `RLIMIT_NOFILE` 350, as Fn sets them;
//! - no network but loopback.
//!
//! So a binary that writes outside `/tmp`, or needs `HOME`, fails its rotation, and this test
//! fails with it. The test also reads the running function's `/proc` entries to check that the
//! sandbox really is what it claims: its uid, limits, environment, network and mounts.
//!
//! How: the test runs itself again, alone ("the inner run"), as root in a new network namespace
//! whose only interface is `lo` (`bwrap --unshare-net` brings it up). The inner run starts the
//! simulator on 127.0.0.1 and then the function in the sandbox
//! (`prlimit` → `setpriv` → `bwrap`). The sandbox shares the inner run's network namespace, so the
//! function reaches the simulator over loopback and reaches nothing else. The inner run then plays
//! the Fn agent and Vault. The outer test only checks that the inner run passed.
//!
//! This test needs Linux, root, bubblewrap (`bwrap`; Debian package `bubblewrap`, which `.ci/run`
//! installs) and util-linux (`prlimit`, `setpriv`). Without them it prints `SKIPPED: ...` to
//! stderr and passes. But when `CI` or `OCI_ROTATOR_SANDBOX_BIN` is set, a missing tool is a
//! failure, not a skip.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test: a failed unwrap is a failed test
#![cfg_attr(not(target_os = "linux"), allow(dead_code))]

use std::io::Write as _;

/// This test's name, for the inner run's `--exact` filter.
const TEST_NAME: &str = "the_function_rotates_every_kind_inside_the_functions_sandbox";
/// Set in the inner run's environment.
const INNER: &str = "OCI_ROTATOR_SANDBOX_INNER";
/// The binary to run in the sandbox (`.ci/run` sets it to the release binary).
const BIN_VAR: &str = "OCI_ROTATOR_SANDBOX_BIN";
/// The inner run prints this as its last line, so that an inner run that ran no test (a renamed
/// test, a filter that matched nothing) cannot pass.
const DONE: &str = "SANDBOX RUN COMPLETE";

#[test]
fn the_function_rotates_every_kind_inside_the_functions_sandbox() {
    #[cfg(target_os = "linux")]
    if std::env::var_os(INNER).is_some() {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        return runtime.block_on(linux::inner_run());
    }
    #[cfg(target_os = "linux")]
    linux::outer_run();
    #[cfg(not(target_os = "linux"))]
    skip("the Functions sandbox is Linux namespaces: this is not Linux");
}

/// Prints a loud `SKIPPED:` line (straight to stderr, past the test harness's capture), or
/// panics when the test was required to run.
fn skip(why: &str) {
    if let Some(var) = ["CI", BIN_VAR].into_iter().find(|v| std::env::var_os(v).is_some()) {
        panic!("the Functions sandbox test cannot run here ({why}); {var} is set, so it must");
    }
    let _ = writeln!(std::io::stderr(), "\nSKIPPED: {TEST_NAME}: {why}\n");
}

#[cfg(target_os = "linux")]
mod linux {
    use std::collections::{BTreeMap, BTreeSet};
    use std::os::unix::fs::PermissionsExt;
    use std::path::{Path, PathBuf};
    use std::process::{Command, Stdio};
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::time::{Duration, Instant};

    use http_body_util::{BodyExt, Full};
    use hyper::body::Bytes;
    use hyper_util::rt::TokioIo;
    use oci_rotator::driver::{Driver, StepTransport};
    use oci_rotator::protocol::{SecretRotationInput, SecretRotationOutput, Step};
    use oci_rotator::secret::{CredentialKind, PreviousCredential};
    use oci_rotator::sim::checks;
    use oci_rotator::sim::{ResourcePrincipalSession, SimOptions, Simulator};

    use super::{skip, BIN_VAR, DONE, INNER, TEST_NAME};

    /// The uid and gid the Fn agent runs functions as.
    const FN_UID: &str = "1000";
    /// Where the sandbox sees the Fn socket directory.
    const IOFS: &str = "/tmp/iofs";
    /// Starts 60 processes, printing the count after each; the shell stops at the first failed fork.
    const FORK_60: &str = "i=0; while [ $i -lt 60 ]; do /bin/sleep 5 & i=$((i+1)); echo $i; done";

    /// The outer run: checks the tools, then runs this test again in a network namespace of its own.
    pub(super) fn outer_run() {
        // Given: the tools and the right to create the namespaces (else skip, or fail when required).
        let tools = match Tools::locate().and_then(|t| t.probe().map(|()| t)) {
            Ok(tools) => tools,
            Err(why) => return skip(&why),
        };

        // When: this test runs again, alone, as root in a new network namespace with only `lo`
        // (which bwrap brings up). `--dev-bind / /` keeps the file system as it is, and
        // `--cap-add ALL` keeps root's capabilities so that the inner run can drop to uid 1000.
        let started = Instant::now();
        let out = Command::new(&tools.bwrap)
            .args(["--dev-bind", "/", "/", "--unshare-net", "--cap-add", "ALL", "--die-with-parent", "--"])
            .arg(std::env::current_exe().unwrap())
            .args(["--exact", TEST_NAME, "--nocapture", "--test-threads", "1"])
            .env(INNER, "1")
            .output()
            .unwrap();

        // Then: the inner run passed and reached its end.
        let stdout = String::from_utf8_lossy(&out.stdout);
        println!("--- the inner run, in its own network namespace ({:.1} s):\n{stdout}", started.elapsed().as_secs_f64());
        eprintln!("{}", String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "the inner run failed ({}): its output is above", out.status);
        assert!(stdout.contains(DONE), "the inner run did not reach its end (did its --exact filter match this test?)");
    }

    /// The inner run: the simulator and the sandboxed function, over loopback only.
    pub(super) async fn inner_run() {
        let started = Instant::now();
        let tools = Tools::locate().unwrap();
        let binary = std::env::var_os(BIN_VAR).map(PathBuf::from);
        let source = if binary.is_some() { BIN_VAR } else { "the test build; set OCI_ROTATOR_SANDBOX_BIN for the release binary" };
        let binary = binary.unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_oci-rotator")));
        assert!(binary.is_file(), "no function binary at {}", binary.display());
        println!("function binary: {} ({source})", binary.display());

        // Given: a network namespace with only the loopback interface...
        assert_eq!(interfaces(Path::new("/proc/self/net/dev")), ["lo"], "the inner run has only loopback");
        // ...the simulator on it, seeded with one secret per credential kind...
        let sim = Simulator::new(SimOptions { updating_ms: 20, key_propagation_ms: 50, ..Default::default() });
        let endpoint = sim.spawn().await.unwrap();
        let seeded = sim.seed().await;
        let session = sim.create_resource_principal();
        // ...and the host side of the sandbox: the binary, the principal's files, the socket directory.
        let host = HostDirs::create(&binary, &session);

        // When: the function starts in the sandbox, as the Fn agent starts the container.
        let env = function_env(&endpoint);
        let mut sandbox = sandbox_command(&tools, &host, &env, &["/function/oci-rotator", "serve"])
            .stdout(std::fs::File::create(host.base.join("stdout")).unwrap())
            .stderr(std::fs::File::create(host.base.join("stderr")).unwrap())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let socket = host.iofs.join("lsnr.sock");
        let waited = Instant::now();
        while std::fs::symlink_metadata(&socket).is_err() {
            assert!(sandbox.try_wait().unwrap().is_none(), "the function exited before serving:\n{}", host.output());
            assert!(waited.elapsed() < Duration::from_secs(5), "no Fn socket within 5 s:\n{}", host.output());
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        println!("Fn socket up {} ms after the sandbox started", waited.elapsed().as_millis());
        let pid = function_pid(sandbox.id().unwrap());

        // Then: the running function is confined as Functions confines it.
        let status = proc_fields(pid, "status");
        assert_eq!(status["Uid"], [FN_UID; 4].join("\t"), "real, effective, saved and fs uid on the host");
        assert_eq!(status["Gid"], [FN_UID; 4].join("\t"));
        assert_eq!(status["CapEff"], "0000000000000000", "no capabilities");
        assert_eq!(status["CapPrm"], "0000000000000000", "no capabilities");
        assert_eq!(status["NoNewPrivs"], "1");
        let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).unwrap();
        assert_eq!(limit(&limits, "Max processes"), ["50", "50"], "RLIMIT_NPROC, soft and hard");
        assert_eq!(limit(&limits, "Max open files"), ["350", "350"], "RLIMIT_NOFILE, soft and hard");
        let environ = std::fs::read(format!("/proc/{pid}/environ")).unwrap();
        let names: BTreeSet<String> = environ
            .split(|b| *b == 0)
            .filter(|v| !v.is_empty())
            .map(|v| String::from_utf8_lossy(v).split('=').next().unwrap().to_owned())
            .collect();
        // bwrap sets PWD (to the `--chdir` directory, `/`), as a shell would.
        let expected: BTreeSet<String> = env.iter().map(|(k, _)| (*k).to_owned()).chain(["PWD".to_owned()]).collect();
        assert_eq!(names, expected, "the environment is what Functions gives, and no more (no HOME, no PATH)");
        assert_eq!(interfaces(&PathBuf::from(format!("/proc/{pid}/net/dev"))), ["lo"], "no network but loopback");
        let writable = writable_mounts(pid);
        assert_eq!(writable.keys().collect::<Vec<_>>(), ["/tmp", IOFS], "only /tmp is writable: {writable:?}");
        assert!(writable["/tmp"].0 == "tmpfs" && writable["/tmp"].1.contains("size=32768k"), "a 32 MiB tmpfs on /tmp: {writable:?}");

        // When: Vault rotates every kind, each step a `POST /call` on the Fn socket.
        let transport = FnSocket { path: socket.clone(), timeout: Duration::from_secs(60), calls: AtomicU32::new(0) };
        let driver = Driver { attempts_per_step: 1, retry_wait: Duration::ZERO };
        let mut max_threads = 0;
        for kind in CredentialKind::ALL {
            let (secret, user) = (&seeded.secrets[kind.as_str()], &seeded.users[kind.as_str()]);
            let held: BTreeSet<String> =
                sim.secret_versions(secret).iter().filter_map(|v| checks::credential_of(kind, &v.content)).collect();
            let unmanaged: BTreeSet<String> = checks::iam_credentials(&sim, kind, user).difference(&held).cloned().collect();
            let before = sim.current_version(secret);
            let rotation = Instant::now();
            let answers = driver
                .rotate(&transport, secret, &mut |_| {
                    max_threads = max_threads.max(proc_fields(pid, "status")["Threads"].parse::<u32>().unwrap());
                })
                .await;

            // Then: the four steps answered 200, and the contract's section 6 holds.
            let codes: Vec<(Step, u16, &str)> = answers.iter().map(|(s, o)| (*s, o.response_code, o.return_message.as_str())).collect();
            assert!(answers.len() == 4 && answers.iter().all(|(_, o)| o.response_code == 200), "{kind}: {codes:?}\n{}", host.output());
            let promoted = answers[2].1.current_version_no;
            assert!(promoted.is_some() && sim.current_version(secret) == promoted && promoted != before, "{kind}: a new CURRENT version");
            let problems = checks::after_rotation(&sim, secret, kind, user, PreviousCredential::KeepUntilNextRotation, &unmanaged);
            assert!(problems.is_empty(), "{kind}: {problems:?}");
            println!("{kind}: four steps answered 200 in {} ms, v{} CURRENT", rotation.elapsed().as_millis(), promoted.unwrap_or_default());
        }

        // Then: the function still serves, with few threads, and logged no write or HOME failure.
        assert!(sandbox.try_wait().unwrap().is_none(), "the function is still running:\n{}", host.output());
        assert!(max_threads <= 5, "{max_threads} threads: a current-thread runtime and at most 4 blocking threads");
        println!("the function ran as uid 1000 with {max_threads} threads at most, over {} calls", transport.calls.load(Ordering::Relaxed));
        sandbox.kill().await.unwrap();
        let output = host.output();
        assert!(output.contains("serving the Fn socket"), "the function's logs were captured:\n{output}");
        for bad in ["panicked", "Read-only file system", "os error 30", "Permission denied", "os error 13", "HOME"] {
            assert!(!output.contains(bad), "the function's output mentions {bad:?}:\n{output}");
        }

        // And: the same sandbox refuses a 60th process (RLIMIT_NPROC bites for this uid).
        let forks = sandbox_command(&tools, &host, &[], &["/bin/sh", "-c", FORK_60]).output().await.unwrap();
        let started_processes =
            String::from_utf8_lossy(&forks.stdout).lines().filter_map(|l| l.trim().parse::<u32>().ok()).max().unwrap_or(0);
        assert!(
            (1..50).contains(&started_processes),
            "{started_processes} of 60 processes started: {}",
            String::from_utf8_lossy(&forks.stderr)
        );
        println!("the same sandbox started {started_processes} of 60 processes before fork failed");
        println!("{DONE} in {:.1} s", started.elapsed().as_secs_f64());
    }

    /// The environment Functions gives the container, pointed at the simulator.
    fn function_env(endpoint: &str) -> Vec<(&'static str, String)> {
        [
            // The Fn agent's variables (fn-contract.md §2.1 and §10.2).
            ("FN_LISTENER", format!("unix:{IOFS}/lsnr.sock")),
            ("FN_FORMAT", "http-stream".to_owned()),
            ("FN_APP_ID", "ocid1.fnapp.oc1.iad.sandbox".to_owned()),
            ("FN_FN_ID", "ocid1.fnfunc.oc1.iad.sandbox".to_owned()),
            ("FN_MEMORY", "128".to_owned()),
            ("FN_TYPE", "sync".to_owned()),
            // The resource principal, as files under the read-only /.oci-credentials (fn-contract.md §8).
            ("OCI_RESOURCE_PRINCIPAL_VERSION", "2.2".to_owned()),
            ("OCI_RESOURCE_PRINCIPAL_RPST", "/.oci-credentials/rpst".to_owned()),
            ("OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM", "/.oci-credentials/private.pem".to_owned()),
            ("OCI_RESOURCE_PRINCIPAL_REGION", "us-ashburn-1".to_owned()),
            // The image's ENV (Dockerfile).
            ("OCI_ROTATOR_LOG_FORMAT", "json".to_owned()),
            // The function's configuration: Functions passes the application's and the function's
            // config keys as environment variables. Here it points the function at the simulator.
            ("OCI_ROTATOR_VAULT_ENDPOINT", endpoint.to_owned()),
            ("OCI_ROTATOR_SECRETS_ENDPOINT", endpoint.to_owned()),
            ("OCI_ROTATOR_IDENTITY_ENDPOINT", endpoint.to_owned()),
            ("OCI_ROTATOR_RETRY_BASE_MS", "5".to_owned()),
        ]
        .into()
    }

    /// `prlimit` → `setpriv` → `bwrap` → `command`: the sandbox of the module doc.
    ///
    /// Why `setpriv` and not only `bwrap --uid 1000`: bwrap started by root maps the sandbox's
    /// uid 1000 to root on the host, and the kernel exempts root from `RLIMIT_NPROC`. Tried when
    /// this test was written (kernel 6.18, bwrap 0.8): under `prlimit --nproc=50:50`, that
    /// sandbox started 60 threads out of 60. Dropping to the real uid 1000 first (bwrap then
    /// makes an unprivileged user namespace, mapping 1000 to 1000) makes the limit bite: 47
    /// threads, plus the main thread and bwrap's two processes, is 50. The test checks both
    /// things: the function's `/proc/<pid>/status` shows uid 1000, and a 60th process is refused.
    fn sandbox_command(tools: &Tools, host: &HostDirs, env: &[(&str, String)], command: &[&str]) -> tokio::process::Command {
        let mut c = tokio::process::Command::new(&tools.prlimit);
        c.args(["--nproc=50:50", "--nofile=350:350", "--"]);
        c.arg(&tools.setpriv).args(["--reuid", FN_UID, "--regid", FN_UID, "--clear-groups", "--"]);
        c.arg(&tools.bwrap).args(["--unshare-user", "--uid", FN_UID, "--gid", FN_UID, "--unshare-pid", "--unshare-ipc", "--unshare-uts"]);
        c.args(["--die-with-parent", "--new-session", "--clearenv", "--chdir", "/"]);
        // The root: bwrap's own tmpfs, holding the system's files read-only, then made read-only.
        for dir in ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc"] {
            match std::fs::read_link(dir) {
                Ok(target) => c.arg("--symlink").arg(target).arg(dir),
                Err(_) if Path::new(dir).is_dir() => c.args(["--ro-bind", dir, dir]),
                Err(_) => continue,
            };
        }
        c.arg("--ro-bind").arg(host.base.join("bin/oci-rotator")).arg("/function/oci-rotator");
        c.arg("--ro-bind").arg(&host.credentials).arg("/.oci-credentials");
        c.args(["--proc", "/proc", "--dev", "/dev", "--remount-ro", "/dev"]);
        c.args(["--size", "33554432", "--perms", "1777", "--tmpfs", "/tmp"]).arg("--bind").arg(&host.iofs).arg(IOFS);
        c.args(["--remount-ro", "/"]);
        for (name, value) in env {
            c.arg("--setenv").arg(name).arg(value);
        }
        c.arg("--").args(command);
        c.stdin(Stdio::null());
        c
    }

    /// The tools on `PATH`.
    struct Tools {
        bwrap: PathBuf,
        prlimit: PathBuf,
        setpriv: PathBuf,
    }

    impl Tools {
        fn locate() -> Result<Tools, String> {
            let find = |name: &str, package: &str| {
                std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
                    .map(|dir| dir.join(name))
                    .find(|p| p.is_file())
                    .ok_or_else(|| format!("`{name}` is not installed (Debian: apt-get install {package})"))
            };
            Ok(Tools {
                bwrap: find("bwrap", "bubblewrap")?,
                prlimit: find("prlimit", "util-linux")?,
                setpriv: find("setpriv", "util-linux")?,
            })
        }

        /// Root, and the namespaces: the outer network namespace and an unprivileged sandbox in it.
        fn probe(&self) -> Result<(), String> {
            let status = std::fs::read_to_string("/proc/self/status").map_err(|e| format!("cannot read /proc: {e}"))?;
            if !status.lines().any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0")) {
                return Err("it must run as root (to create a network namespace and to become uid 1000)".to_owned());
            }
            let out = Command::new(&self.bwrap)
                .args(["--dev-bind", "/", "/", "--unshare-net", "--cap-add", "ALL", "--"])
                .arg(&self.setpriv)
                .args(["--reuid", FN_UID, "--regid", FN_UID, "--clear-groups", "--"])
                .arg(&self.bwrap)
                .args(["--unshare-user", "--uid", FN_UID, "--unshare-pid", "--ro-bind", "/", "/", "--proc", "/proc", "--"])
                .arg(&self.bwrap)
                .arg("--version")
                .output()
                .map_err(|e| format!("cannot run bwrap: {e}"))?;
            match out.status.success() {
                true => Ok(()),
                false => Err(format!("cannot create the namespaces: {}", String::from_utf8_lossy(&out.stderr).trim())),
            }
        }
    }

    /// The host's side of the sandbox, removed on drop.
    struct HostDirs {
        base: PathBuf,
        /// The Fn socket directory (mode 0777, as the Fn agent makes it).
        iofs: PathBuf,
        /// The resource principal's token and key, owned by uid 1000, bound read-only.
        credentials: PathBuf,
    }

    impl HostDirs {
        fn create(binary: &Path, session: &ResourcePrincipalSession) -> HostDirs {
            let base = std::env::temp_dir().join(format!("oci-rotator-sandbox-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&base);
            let (iofs, credentials) = (base.join("iofs"), base.join("credentials"));
            for (dir, mode) in [(&base, 0o755), (&base.join("bin"), 0o755), (&iofs, 0o777), (&credentials, 0o500)] {
                std::fs::create_dir(dir).unwrap();
                std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode)).unwrap();
            }
            // A copy uid 1000 can read, wherever the build tree is (it may be under /root).
            std::fs::copy(binary, base.join("bin/oci-rotator")).unwrap();
            std::fs::set_permissions(base.join("bin/oci-rotator"), std::fs::Permissions::from_mode(0o755)).unwrap();
            for (name, value) in [("rpst", &session.rpst), ("private.pem", &session.private_key_pem)] {
                let file = credentials.join(name);
                std::fs::write(&file, value).unwrap();
                std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o400)).unwrap();
                std::os::unix::fs::chown(&file, Some(1000), Some(1000)).unwrap();
            }
            std::os::unix::fs::chown(&credentials, Some(1000), Some(1000)).unwrap();
            HostDirs { base, iofs, credentials }
        }

        /// What the function wrote to stdout (its logs) and stderr.
        fn output(&self) -> String {
            let read = |name: &str| std::fs::read_to_string(self.base.join(name)).unwrap_or_default();
            format!("stdout:\n{}stderr:\n{}", read("stdout"), read("stderr"))
        }
    }

    impl Drop for HostDirs {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.base);
        }
    }

    /// The Fn agent's side of the socket: one connection per call, `Fn-Call-Id` and `Fn-Deadline`.
    struct FnSocket {
        path: PathBuf,
        timeout: Duration,
        calls: AtomicU32,
    }

    impl StepTransport for FnSocket {
        async fn call(&self, input: &SecretRotationInput) -> Result<SecretRotationOutput, String> {
            let n = self.calls.fetch_add(1, Ordering::Relaxed) + 1;
            let stream = tokio::net::UnixStream::connect(&self.path).await.map_err(|e| format!("connect: {e}"))?;
            let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.map_err(|e| e.to_string())?;
            tokio::spawn(conn);
            let deadline = (time::OffsetDateTime::now_utc() + self.timeout).format(&time::format_description::well_known::Rfc3339).unwrap();
            let body = serde_json::json!({"step": input.step.as_str(), "secretId": input.secret_id, "versionNo": input.version_no});
            let request = hyper::Request::post("/call")
                .header("host", "localhost")
                .header("fn-call-id", format!("01SANDBOXCALL{n:04}"))
                .header("fn-deadline", deadline)
                .header("content-type", "text/plain")
                .body(Full::new(Bytes::from(body.to_string())))
                .unwrap();
            let response = sender.send_request(request).await.map_err(|e| e.to_string())?;
            if response.status() != 200 {
                return Err(format!("HTTP {} on the Fn socket", response.status()));
            }
            let bytes = response.into_body().collect().await.map_err(|e| e.to_string())?.to_bytes();
            serde_json::from_slice(&bytes).map_err(|e| format!("not a SecretRotationOutput: {e}"))
        }
    }

    /// The interfaces a `/proc/.../net/dev` lists.
    fn interfaces(net_dev: &Path) -> Vec<String> {
        std::fs::read_to_string(net_dev).unwrap().lines().skip(2).filter_map(|l| l.split(':').next()).map(|n| n.trim().to_owned()).collect()
    }

    /// The `Name:\tvalue` lines of `/proc/<pid>/<file>`.
    fn proc_fields(pid: u32, file: &str) -> BTreeMap<String, String> {
        let text = std::fs::read_to_string(format!("/proc/{pid}/{file}")).unwrap();
        text.lines().filter_map(|l| l.split_once(':')).map(|(k, v)| (k.to_owned(), v.trim().to_owned())).collect()
    }

    /// The soft and hard values of one `/proc/<pid>/limits` line.
    fn limit<'a>(limits: &'a str, name: &str) -> Vec<&'a str> {
        limits.lines().find(|l| l.starts_with(name)).map(|l| l[name.len()..].split_whitespace().take(2).collect()).unwrap_or_default()
    }

    /// The writable mounts the process sees: mount point → (file system type, its options).
    /// Left out: `proc` and `devpts`, where the kernel decides what may be written (Docker mounts
    /// them read-write too), and the device nodes bwrap binds into `/dev` (`null`, `urandom`...),
    /// where no file can be created.
    fn writable_mounts(pid: u32) -> BTreeMap<String, (String, String)> {
        use std::os::unix::fs::FileTypeExt;
        let text = std::fs::read_to_string(format!("/proc/{pid}/mountinfo")).unwrap();
        let mut writable = BTreeMap::new();
        for line in text.lines() {
            let (mount, fs) = line.split_once(" - ").unwrap();
            let mount: Vec<&str> = mount.split(' ').collect();
            let fs: Vec<&str> = fs.split(' ').collect();
            let read_only = mount[5].split(',').any(|o| o == "ro") || fs[2].split(',').any(|o| o == "ro");
            let device = std::fs::metadata(format!("/proc/{pid}/root{}", mount[4])).is_ok_and(|m| m.file_type().is_char_device());
            if !read_only && !device && !["proc", "devpts"].contains(&fs[0]) {
                writable.insert(mount[4].to_owned(), (fs[0].to_owned(), fs[2].to_owned()));
            }
        }
        writable
    }

    /// The function's pid on the host: bwrap (`sandbox`) forks the sandbox's init, which runs it.
    fn function_pid(sandbox: u32) -> u32 {
        let started = Instant::now();
        loop {
            let mut parents = BTreeMap::new();
            let mut names = BTreeMap::new();
            for entry in std::fs::read_dir("/proc").unwrap().flatten() {
                let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
                let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
                // `pid (comm) state ppid ...`; comm may hold spaces and parentheses.
                let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else { continue };
                let ppid = stat[close + 2..].split(' ').nth(1).and_then(|p| p.parse::<u32>().ok()).unwrap_or(0);
                parents.insert(pid, ppid);
                names.insert(pid, stat[open + 1..close].to_owned());
            }
            let descends = |mut pid: u32| loop {
                match parents.get(&pid) {
                    Some(&parent) if parent == sandbox => return true,
                    Some(&parent) if parent > 1 => pid = parent,
                    _ => return false,
                }
            };
            if let Some((&pid, _)) = names.iter().find(|(&pid, name)| *name == "oci-rotator" && descends(pid)) {
                return pid;
            }
            assert!(started.elapsed() < Duration::from_secs(5), "the function's process was not found under bwrap ({sandbox})");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}
