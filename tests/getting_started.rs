//! `docs/getting-started.md`, run: every `oci-rotator` command of the page through the real binary
//! and every `oci` command through the official OCI CLI (`oci --config-file <admin config>
//! --endpoint <simulator>`), read from the page's ```sh blocks so that the page and the test cannot
//! drift; then the `oci vault secret ...` commands of `docs/deploy.md` the same way. The simulator
//! runs in process, plays Vault and calls the function, served on loopback and registered under
//! the page's `$FUNCTION`; `oci vault secret rotate` must complete a rotation through it. A command
//! that only makes sense in a real tenancy carries `# not run against the simulator: <reason>`;
//! any other command of the page that is neither `oci` nor `oci-rotator` fails the test.
//!
//! Skipped, with a loud `SKIPPED:` line, where the `oci` executable is missing (`pip install
//! oci-cli==3.95.1`), except in CI (`CI` set), where `.ci/run` installs it and a skip fails. Built
//! only with the `simulator` feature (the default).
//!
//! `docs/simulator.md` is run the same way (it needs no `oci`): its `simulate` and `serve` run in
//! the background as the page's shells 1 and 2 (on free ports instead of the page's 9090 and 8080),
//! the page's other commands in order after its `. ./sim.env`, then Ctrl-C stops both.
#![cfg(feature = "simulator")] // the simulator exists only with that (default) feature
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test: a failure is a panic

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::Duration;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use oci_rotator::server::{self, AppState};
use oci_rotator::sim::{RotationRecord, SimOptions, Simulator};
use serde_json::{json, Value};

/// The marker of a command the test does not run.
const NOT_RUN: &str = "# not run against the simulator:";

/// The function's OCID in the simulator.
const FUNCTION: &str = "ocid1.fnfunc.oc1.iad.gettingstarted";

/// One shell command of a page: its section (the last `#` heading) and its text (continuation
/// lines and multi-line quoted strings joined, newlines kept).
#[derive(Debug, Clone)]
struct DocCommand {
    section: String,
    text: String,
}

impl DocCommand {
    fn program(&self) -> &str {
        self.text.split_whitespace().next().unwrap_or("")
    }

    fn not_run(&self) -> bool {
        self.text.contains(NOT_RUN)
    }
}

/// True when `text` ends inside a quoted string or with a line continuation.
fn open(text: &str) -> bool {
    let (mut single, mut double, mut escaped) = (false, false, false);
    for c in text.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' if !single => escaped = true,
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            _ => {}
        }
    }
    single || double || text.ends_with('\\')
}

/// The commands of the ```sh blocks of `markdown`, in order; comment lines are dropped.
fn commands(markdown: &str) -> Vec<DocCommand> {
    let (mut out, mut section, mut in_sh, mut pending) = (Vec::new(), String::new(), false, String::new());
    for line in markdown.lines() {
        if !in_sh {
            if line.starts_with('#') {
                section = line.trim_start_matches('#').trim().to_owned();
            }
            in_sh = line.trim() == "```sh";
            continue;
        }
        if pending.is_empty() && line.trim() == "```" {
            in_sh = false;
            continue;
        }
        if pending.is_empty() && (line.trim().is_empty() || line.trim_start().starts_with('#')) {
            continue;
        }
        if !pending.is_empty() {
            pending.push('\n');
        }
        pending.push_str(line);
        if !open(&pending) {
            out.push(DocCommand { section: section.clone(), text: std::mem::take(&mut pending) });
        }
    }
    assert!(pending.is_empty(), "an unterminated command: {pending}");
    out
}

/// The `oci` executable on PATH.
fn oci_cli() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join("oci")).find(|p| p.is_file())
}

/// Runs doc commands in bash: `oci` and `oci-rotator` are functions that call the OCI CLI
/// (pointed at the simulator) and the binary under test.
struct Shell {
    env: BTreeMap<String, String>,
}

impl Shell {
    /// `text` in bash, after the prelude that defines `oci` and `oci-rotator`.
    fn command(&self, text: &str) -> tokio::process::Command {
        let prelude = r#"set -euo pipefail
oci() { "$GS_OCI" --config-file "$GS_CONFIG" --endpoint "$GS_ENDPOINT" "$@"; }
oci-rotator() { "$GS_BIN" "$@"; }
"#;
        let mut command = tokio::process::Command::new("bash");
        command.arg("-c").arg(format!("{prelude}{text}")).envs(&self.env).kill_on_drop(true);
        command
    }

    async fn run(&self, command: &DocCommand) -> String {
        let run = self.command(&command.text).output();
        let out = tokio::time::timeout(Duration::from_secs(180), run).await.expect("the command ended within 180 s").unwrap();
        let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(
            out.status.success(),
            "`{}` ({}) failed: {}\nstdout: {stdout}\nstderr: {stderr}",
            command.text,
            command.section,
            out.status
        );
        stdout.into_owned()
    }
}

/// The secret's `rotationStatus` as the simulator reports it.
fn rotation_status(sim: &Simulator, secret: &str) -> String {
    let state = sim.state_view();
    let found = state["secrets"].as_array().unwrap().iter().find(|s| s["id"] == secret).cloned().unwrap_or(Value::Null);
    found["rotationStatus"].as_str().unwrap_or("").to_owned()
}

/// Waits until the rotation `RotateSecret` started has ended with a new CURRENT version.
async fn rotation_done(sim: &Simulator, secret: &str, before: u64) -> RotationRecord {
    for _ in 0..1200 {
        let promoted = sim.current_version(secret).is_some_and(|v| v > before);
        if promoted && rotation_status(sim, secret) != "IN_PROGRESS" {
            if let Some(record) = sim.last_rotation(secret) {
                return record;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the rotation of {secret} did not end within 120 s: {:?}", sim.last_rotation(secret));
}

fn json_of(stdout: &str) -> Value {
    serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

/// Runs `command`, with the checks of what it is, and returns its stdout.
async fn run_checked(sim: &Simulator, shell: &Shell, command: &DocCommand) -> String {
    let secret = shell.env.get("SECRET").cloned().unwrap_or_default();
    let before = sim.current_version(&secret).unwrap_or(0);
    let dry_run = command.text.contains("--dry-run");
    if dry_run {
        sim.clear_journal();
    }
    // When: the command runs.
    let stdout = shell.run(command).await;
    println!("ran ({}): {}\n  -> {}", command.section, command.text.lines().next().unwrap_or(""), stdout.trim().replace('\n', " "));
    // Then: what it says it does is done.
    if dry_run {
        assert!(stdout.contains("VERIFY_CONNECTION") && stdout.contains("dry run: nothing was written"), "{stdout}");
        assert!(sim.journal().iter().all(|j| !j.write), "a dry run wrote");
    }
    if command.text.contains("vault secret rotate") {
        let record = rotation_done(sim, &secret, before).await;
        assert!(record.completed, "the rotation through the function completed: {record:?}");
        assert_eq!(sim.current_version(&secret), Some(before + 1), "one new CURRENT version");
    }
    if command.text.contains("vault secret get") {
        let got = json_of(&stdout);
        assert_eq!(got["current"], json!(sim.current_version(&secret).unwrap()), "{got}");
        assert_eq!(got["status"], "SCHEDULED", "{got}");
        if let Some(config) = got.get("rotation") {
            assert_eq!(config["target-system-details"]["function-id"], FUNCTION, "{got}");
        }
        if got.get("last").is_some() && sim.last_rotation(&secret).is_some() {
            assert!(got["last"].is_string(), "lastRotationTime is set after a rotation: {got}");
        }
    }
    stdout
}

fn page(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs").join(name)).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn getting_started_runs_against_the_simulator_with_the_official_cli() {
    let Some(oci) = oci_cli() else {
        // CI installs the CLI (.ci/run); there, a skip would hide a broken install.
        assert!(std::env::var_os("CI").is_none(), "the `oci` CLI is missing in CI (.ci/run installs oci-cli)");
        println!("SKIPPED: docs/getting-started.md was not run: no `oci` executable on PATH (pip install oci-cli==3.95.1)");
        return;
    };
    // Given: the page's commands, each one run here or marked.
    let guide = commands(&page("getting-started.md"));
    let unmarked: Vec<&DocCommand> = guide.iter().filter(|c| !c.not_run() && !matches!(c.program(), "oci" | "oci-rotator")).collect();
    assert!(unmarked.is_empty(), "commands neither run nor marked `{NOT_RUN} <reason>`: {unmarked:?}");
    for c in guide.iter().filter(|c| c.not_run()) {
        println!("not run ({}): {}", c.section, c.text.lines().next().unwrap_or(""));
    }

    // And: a seeded simulator, its administrator's OCI config, and the function on loopback,
    // signing as a resource principal, registered as $FUNCTION.
    let sim = Simulator::new(SimOptions { updating_ms: 0, key_propagation_ms: 0, ..Default::default() });
    let endpoint = sim.spawn().await.unwrap();
    let seeded = sim.seed().await;
    let dir = std::env::temp_dir().join(format!("oci-rotator-gs-{}-{}", std::process::id(), endpoint.rsplit(':').next().unwrap()));
    let config = dir.join("config");
    sim.create_admin().write_oci_config(&config, &dir.join("admin.key.pem")).unwrap();
    let session = sim.create_resource_principal();
    let function_env: HashMap<String, String> = [
        ("OCI_RESOURCE_PRINCIPAL_VERSION", "2.2"),
        ("OCI_RESOURCE_PRINCIPAL_RPST", session.rpst.as_str()),
        ("OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM", session.private_key_pem.as_str()),
        ("OCI_RESOURCE_PRINCIPAL_REGION", "us-ashburn-1"),
        ("OCI_ROTATOR_VAULT_ENDPOINT", endpoint.as_str()),
        ("OCI_ROTATOR_SECRETS_ENDPOINT", endpoint.as_str()),
        ("OCI_ROTATOR_IDENTITY_ENDPOINT", endpoint.as_str()),
        ("OCI_ROTATOR_RETRY_BASE_MS", "5"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let (rotator, _) = oci_rotator::config::rotator_from_env(&function_env).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let app = server::router(AppState::new(rotator.clone(), Duration::from_secs(60)));
    tokio::spawn(async move { axum::serve(listener, app).await });
    sim.register_function(FUNCTION, &url);

    // And: a user with an API key and a secret holding its bare PEM key, as Oracle's tutorial writes it.
    let tutorial_user = sim.create_user("tutorial-svc");
    let key = oci_rotator::keys::generate(2048).unwrap();
    sim.upload_api_key(&tutorial_user, &key.public_pem).unwrap();
    let details = json!({"compartmentId": seeded.compartment_id, "vaultId": seeded.vault_id, "keyId": seeded.key_id,
        "secretName": "tutorial-pem", "secretContent": {"contentType": "BASE64", "content": B64.encode(key.private_pem.as_str())}});
    let tutorial_secret = rotator.client().create_secret(&details).await.unwrap().secret.id;

    // And: the page's variables, for a spare user of the simulator.
    let user = seeded.spare_users["API_KEY"].clone();
    let env: BTreeMap<String, String> = [
        ("GS_OCI", oci.to_string_lossy().into_owned()),
        ("GS_CONFIG", config.to_string_lossy().into_owned()),
        ("GS_ENDPOINT", endpoint.clone()),
        ("GS_BIN", env!("CARGO_BIN_EXE_oci-rotator").to_owned()),
        ("OCI_CLI_CONFIG_FILE", config.to_string_lossy().into_owned()),
        ("OCI_CLI_SUPPRESS_FILE_PERMISSIONS_WARNING", "True".to_owned()),
        ("OCI_ROTATOR_VAULT_ENDPOINT", endpoint.clone()),
        ("OCI_ROTATOR_SECRETS_ENDPOINT", endpoint.clone()),
        ("OCI_ROTATOR_IDENTITY_ENDPOINT", endpoint.clone()),
        ("OCI_ROTATOR_FUNCTIONS_ENDPOINT", endpoint.clone()),
        ("TENANCY", sim.tenancy_id()),
        ("SECRETS_COMPARTMENT", seeded.compartment_id.clone()),
        ("VAULT", seeded.vault_id.clone()),
        ("MASTER_KEY", seeded.key_id.clone()),
        ("USER_OCID", user.clone()),
        ("FUNCTION", FUNCTION.to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let mut shell = Shell { env };

    // When: the page's commands run in order (the adoption, an alternative to enrolling, on the
    // tutorial's secret and user).
    let mut ran = Vec::new();
    for command in guide.iter().filter(|c| !c.not_run()) {
        let adopting = command.section.contains("adopt");
        let mut local = Shell { env: shell.env.clone() };
        if adopting {
            local.env.insert("SECRET".to_owned(), tutorial_secret.clone());
            local.env.insert("USER_OCID".to_owned(), tutorial_user.clone());
        }
        let stdout = run_checked(&sim, &local, command).await;
        ran.push(command.text.lines().next().unwrap_or("").to_owned());

        // Then: each command did what the page says.
        if command.text.starts_with("oci-rotator policies") {
            assert!(stdout.contains(&format!("resource.id = '{FUNCTION}'")) && stdout.contains(&user), "{stdout}");
        }
        if command.text.starts_with("oci-rotator enroll") {
            let line = json_of(&stdout);
            assert_eq!(line["versionNo"], 1, "{line}");
            assert_eq!(line["rotationConfig"]["targetSystemDetails"]["functionId"], FUNCTION, "{line}");
            let secret = line["secretId"].as_str().unwrap().to_owned();
            assert_eq!(sim.user_tags(&user).get("oci-rotator-api-key"), Some(&secret), "the user is bound");
            assert_eq!(line["changed"], json!(["credential", "secret", "binding", "rotationConfig"]), "{line}");
            // And a second run changes nothing and prints the same line, with `changed` empty.
            sim.clear_journal();
            let mut again = json_of(&local.run(command).await);
            assert_eq!(again["changed"], json!([]), "a second enroll changes nothing: {again}");
            let mut first = line.clone();
            for l in [&mut again, &mut first] {
                l.as_object_mut().unwrap().remove("changed");
            }
            assert_eq!(again, first, "a second enroll prints the same line");
            assert!(sim.journal().iter().all(|j| !j.write), "a second enroll wrote");
            shell.env.insert("SECRET".to_owned(), secret);
        }
        if command.text.starts_with("oci-rotator adopt") {
            assert_eq!(json_of(&stdout)["rewritten"], true, "{stdout}");
            assert_eq!(sim.current_version(&tutorial_secret), Some(2));
            assert_eq!(sim.user_tags(&tutorial_user).get("oci-rotator-api-key"), Some(&tutorial_secret));
        }
    }
    // Then: every kind of command of the page ran, and the enrolled secret was rotated by Vault.
    for expected in [
        "oci-rotator policies",
        "oci-rotator enroll",
        "oci-rotator adopt",
        "oci vault secret update",
        "oci-rotator rotate",
        "oci vault secret rotate",
        "oci vault secret get",
    ] {
        assert!(ran.iter().any(|r| r.starts_with(expected)), "`{expected}` ran: {ran:?}");
    }
    let secret = shell.env["SECRET"].clone();
    assert_eq!(rotation_status(&sim, &tutorial_secret), "SCHEDULED", "the adopted secret has its schedule");
    assert_eq!(sim.current_version(&secret), Some(2));

    // When: deploy.md's `oci vault secret ...` commands run, the secret of section 4 created with
    // a content made here, the others on the enrolled secret.
    let deploy: Vec<DocCommand> = commands(&page("deploy.md")).into_iter().filter(|c| c.text.starts_with("oci vault secret")).collect();
    assert!(deploy.len() >= 4, "deploy.md's vault commands: {deploy:?}");
    shell.env.insert("CONTENT".to_owned(), B64.encode(json!({"hello": "deploy.md"}).to_string()));
    for command in &deploy {
        let stdout = run_checked(&sim, &shell, command).await;
        if command.text.contains("create-base64") {
            // Then: the secret exists with the page's metadata.
            let created = json_of(&stdout);
            assert_eq!(created["data"]["metadata"]["credentialType"], "API_KEY", "{created}");
            assert_eq!(sim.current_version(created["data"]["id"].as_str().unwrap()), Some(1));
        }
    }
    // Then: a second rotation through Vault completed.
    assert_eq!(sim.current_version(&secret), Some(3));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A loopback port nobody listens on (now).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A command of docs/simulator.md left running (the page's shells 1 and 2), its stdout collected.
struct Background {
    name: String,
    child: tokio::process::Child,
    stdout: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Background {
    /// Starts `script` in a process group of its own (so that Ctrl-C, SIGINT to the group, reaches
    /// the binary as it does in a terminal) and collects its stdout lines.
    fn spawn(shell: &Shell, name: &str, script: &str) -> Background {
        use tokio::io::AsyncBufReadExt as _;
        let mut child = shell
            .command(script)
            .process_group(0)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::inherit())
            .spawn()
            .unwrap();
        let stdout = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = stdout.clone();
        let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                sink.lock().unwrap().push(line);
            }
        });
        Background { name: name.to_owned(), child, stdout }
    }

    fn lines(&self) -> Vec<String> {
        self.stdout.lock().unwrap().clone()
    }

    /// Waits up to 60 s until `ready` holds for the lines so far.
    async fn wait_for(&self, what: &str, ready: impl Fn(&[String]) -> bool) {
        for _ in 0..600 {
            if ready(&self.lines()) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{}: no {what} within 60 s; stdout: {:?}", self.name, self.lines());
    }

    /// Ctrl-C: SIGINT to its process group; true when it ended within 10 s.
    async fn interrupt(mut self) -> bool {
        let pid = self.child.id().unwrap();
        let sent = std::process::Command::new("kill").args(["-INT", "--", &format!("-{pid}")]).status().unwrap();
        assert!(sent.success(), "kill -INT -{pid}");
        tokio::time::timeout(Duration::from_secs(10), self.child.wait()).await.is_ok()
    }
}

/// The value of `export NAME='value'` in an env file `simulate --env-file` wrote.
fn exported(env_file: &str, name: &str) -> Option<String> {
    let prefix = format!("export {name}=");
    env_file.lines().find_map(|l| l.strip_prefix(&prefix)).map(|v| v.trim_matches('\'').to_owned())
}

/// The value of `flag` in a command's text (`--name my-first-secret`).
fn flag_value(text: &str, flag: &str) -> Option<String> {
    text.split_whitespace().skip_while(|w| *w != flag).nth(1).map(|v| v.trim_matches('"').to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_simulator_page_runs_as_written() {
    // Given: the page's commands: `simulate` and `serve` (left running), `. ./sim.env`, and the
    // CLI commands; nothing else.
    let page_commands = commands(&page("simulator.md"));
    let enrolled_name = page_commands.iter().find(|c| c.text.starts_with("oci-rotator enroll")).and_then(|c| flag_value(&c.text, "--name"));
    let enrolled_name = enrolled_name.expect("the page enrolls a secret with --name");
    let (sim_port, fn_port) = (free_port(), free_port());
    let dir = std::env::temp_dir().join(format!("oci-rotator-simpage-{}-{sim_port}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let shell = Shell {
        env: [("GS_BIN", env!("CARGO_BIN_EXE_oci-rotator").to_owned()), ("SIM_DIR", dir.to_string_lossy().into_owned())]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
    };
    let mut setup = vec![r#"cd "$SIM_DIR""#.to_owned()];
    let (mut background, mut ran, mut enrolled): (Vec<Background>, Vec<String>, Option<Value>) = (Vec::new(), Vec::new(), None);
    let mut env_file = String::new();

    // When: the page's commands run in order, on free ports.
    for command in &page_commands {
        let text = command
            .text
            .replace("127.0.0.1:9090", &format!("127.0.0.1:{sim_port}"))
            .replace("127.0.0.1:8080", &format!("127.0.0.1:{fn_port}"));
        ran.push(text.split_whitespace().take(2).collect::<Vec<_>>().join(" "));
        let script = format!("{}\n{text}", setup.join("\n"));
        println!("ran ({}): {}", command.section, text.lines().next().unwrap_or(""));
        if text.starts_with(". ") {
            setup.push(text);
        } else if text.starts_with("oci-rotator simulate") {
            let sim = Background::spawn(&shell, "simulate", &script);
            // Then: the seed line, and the env file written before it.
            sim.wait_for("seed line", |l| !l.is_empty()).await;
            let seed = json_of(&sim.lines()[0]);
            for key in ["secrets", "users", "domainSecrets", "domainUsers", "spareUsers"] {
                assert_eq!(seed[key].as_object().map(|o| o.len()), Some(7), "{key}: {seed}");
            }
            env_file = std::fs::read_to_string(dir.join("sim.env")).unwrap();
            let endpoint = format!("http://127.0.0.1:{sim_port}");
            for var in [
                "OCI_ROTATOR_VAULT_ENDPOINT",
                "OCI_ROTATOR_SECRETS_ENDPOINT",
                "OCI_ROTATOR_IDENTITY_ENDPOINT",
                "OCI_ROTATOR_MONITORING_ENDPOINT",
            ] {
                assert_eq!(exported(&env_file, var).as_deref(), Some(endpoint.as_str()), "{var}: {env_file}");
            }
            assert!(exported(&env_file, "OCI_CLI_CONFIG_FILE").is_some_and(|p| Path::new(&p).is_file()), "{env_file}");
            assert_eq!(exported(&env_file, "OCI_CLI_PROFILE").as_deref(), Some("DEFAULT"), "{env_file}");
            assert_eq!(exported(&env_file, "USER_OCID").as_deref(), seed["spareUsers"]["API_KEY"].as_str(), "{env_file}");
            background.push(sim);
        } else if text.starts_with("oci-rotator serve") {
            let serve = Background::spawn(&shell, "serve", &script);
            let mut listening = false;
            for _ in 0..600 {
                listening = tokio::net::TcpStream::connect(("127.0.0.1", fn_port)).await.is_ok();
                if listening {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            assert!(listening, "serve listens on {fn_port}");
            background.push(serve);
        } else {
            assert!(text.starts_with("oci-rotator "), "({}) neither oci-rotator nor `. ./sim.env`: {text}", command.section);
            let stdout = shell.run(&DocCommand { section: command.section.clone(), text: script }).await;
            // Then: each command did what the page says.
            if text.starts_with("oci-rotator enroll") {
                let line = json_of(&stdout);
                assert_eq!(line["versionNo"], 1, "{line}");
                let function = line["rotationConfig"]["targetSystemDetails"]["functionId"].as_str().map(str::to_owned);
                assert_eq!(function, exported(&env_file, "FUNCTION"), "{line}");
                enrolled = Some(line);
            }
            if text.starts_with("oci-rotator status") {
                assert!(stdout.contains(&enrolled_name), "status lists {enrolled_name}: {stdout}");
            }
            if text.starts_with("oci-rotator rotate --compartment-id") {
                // Through Vault and the function served in shell 2: the 14 seeded secrets and the enrolled one.
                let serve = background.iter().find(|b| b.name == "serve").expect("serve runs");
                let promoted =
                    |l: &[String]| l.iter().filter(|l| l.contains("step succeeded") && l.contains("step=PROMOTE_PENDING_VERSION")).count();
                serve.wait_for("15 promotions", |l| promoted(l) >= 15).await;
                assert_eq!(promoted(&serve.lines()), 15, "{:?}", serve.lines());
                let secret = enrolled.as_ref().and_then(|e| e["secretId"].as_str()).unwrap().to_owned();
                assert!(serve.lines().iter().any(|l| l.contains(&secret) && l.contains("version 2 is CURRENT")), "{:?}", serve.lines());
            }
        }
    }
    // Then: every step of the page ran; Ctrl-C stops serve, then the simulator.
    for expected in
        [". ./sim.env", "oci-rotator simulate", "oci-rotator serve", "oci-rotator enroll", "oci-rotator status", "oci-rotator rotate"]
    {
        assert!(ran.iter().any(|r| r.starts_with(expected)), "`{expected}` ran: {ran:?}");
    }
    while let Some(b) = background.pop() {
        let name = b.name.clone();
        assert!(b.interrupt().await, "{name} stopped at Ctrl-C");
    }
    assert!(tokio::net::TcpStream::connect(("127.0.0.1", sim_port)).await.is_err(), "the simulator no longer listens");
    let _ = std::fs::remove_dir_all(&dir);
}
