//! Process settings from the environment, read once at start-up (cheap: no file but the OCI
//! config's text, no key parsing, no network). The table of variables is in the README.

use std::time::Duration;

use crate::binding::BindingMode;
use crate::engine::Rotator;
use crate::oci::auth::{AuthError, Env, Principal};
use crate::oci::{region, Client, Endpoints, RetryPolicy};

/// Why the function cannot start.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The principal cannot be built.
    #[error("authentication: {0}")]
    Auth(#[from] AuthError),
    /// No region is known and an endpoint is not overridden.
    #[error("no region: set OCI_REGION (or the profile's region, or OCI_RESOURCE_PRINCIPAL_REGION)")]
    NoRegion,
    /// A numeric setting does not parse.
    #[error("{0} must be a whole number")]
    Number(&'static str),
}

/// Settings of the function process.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where the three services are.
    pub endpoints: Endpoints,
    /// How OCI calls are retried.
    pub retry: RetryPolicy,
    /// The deadline of a step when the caller gives none (no `Fn-Deadline`).
    pub default_timeout: Duration,
    /// ONS topic to publish rotation outcomes to (`OCI_ROTATOR_NOTIFY_TOPIC`).
    pub notify_topic: Option<String>,
    /// Compartment whose secrets are searched for the one managing a Cloud Guard finding
    /// (`OCI_ROTATOR_SECRETS_COMPARTMENT`).
    pub secrets_compartment: Option<String>,
    /// Whether IAM writes need the user to name the secret (`OCI_ROTATOR_USER_BINDING`; contract
    /// 4.1): on unless the value is exactly `off`.
    pub binding: BindingMode,
    /// Whether a `PASSWORD_TOO_OLD` finding no secret manages resets the console password
    /// (`OCI_ROTATOR_RESET_UNMANAGED_PASSWORDS`): on only for exactly `on`
    /// (acted on by `crate::cloud_guard::unmanaged_reset`).
    pub reset_unmanaged_passwords: UnmanagedReset,
    /// Compartment the function posts its custom metrics to (`OCI_ROTATOR_METRICS_COMPARTMENT`,
    /// `crate::monitoring`); none: no metric is posted.
    pub metrics_compartment: Option<String>,
}

impl Settings {
    /// Reads the settings; `principal` gives the region when `OCI_REGION` is not set.
    pub fn from_env(env: &dyn Env, principal: &Principal) -> Result<Self, ConfigError> {
        let region = env.var("OCI_REGION").map(|r| region::region_name(&r)).or_else(|| principal.region().map(str::to_owned));
        let metadata = env.var("OCI_REGION_METADATA");
        let url = |prefix: &str, region: &Option<String>| -> Result<String, ConfigError> {
            let region = region.as_deref().ok_or(ConfigError::NoRegion)?;
            Ok(format!("https://{prefix}.{region}.oci.{}", region::realm_domain(region, metadata.as_deref())))
        };
        let pick = |var: &str, prefix: &str| -> Result<String, ConfigError> {
            match env.var(var) {
                Some(v) => Ok(v.trim_end_matches('/').to_owned()),
                None => url(prefix, &region),
            }
        };
        let identity_override = env.var("OCI_ROTATOR_IDENTITY_ENDPOINT");
        let identity_home = match (&identity_override, env.var("OCI_ROTATOR_HOME_REGION")) {
            (Some(u), _) => Some(u.trim_end_matches('/').to_owned()),
            (None, Some(home)) => Some(url("identity", &Some(region::region_name(&home)))?),
            (None, None) => None,
        };
        let number = |var: &'static str, default: u64| -> Result<u64, ConfigError> {
            env.var(var).map_or(Ok(default), |v| v.trim().parse().map_err(|_| ConfigError::Number(var)))
        };
        let monitoring_override = env.var("OCI_ROTATOR_MONITORING_ENDPOINT").map(|v| v.trim_end_matches('/').to_owned());
        let monitoring = |prefix: &str| -> String {
            match (&monitoring_override, region.as_deref()) {
                (Some(v), _) => v.clone(),
                (None, Some(r)) => format!("https://{prefix}.{r}.{}", region::realm_domain(r, metadata.as_deref())),
                (None, None) => String::new(),
            }
        };
        let defaults = RetryPolicy::default();
        Ok(Settings {
            endpoints: Endpoints {
                vault: pick("OCI_ROTATOR_VAULT_ENDPOINT", "vaults")?,
                secrets: pick("OCI_ROTATOR_SECRETS_ENDPOINT", "secrets.vaults")?,
                identity: pick("OCI_ROTATOR_IDENTITY_ENDPOINT", "identity")?,
                identity_home,
                // The ONS endpoint has no `.oci.` label (SDK `service_endpoint_template`).
                identity_domain: env.var("OCI_ROTATOR_IDENTITY_DOMAIN_ENDPOINT").map(|v| v.trim_end_matches('/').to_owned()),
                notification: match env.var("OCI_ROTATOR_NOTIFICATION_ENDPOINT") {
                    Some(v) => v.trim_end_matches('/').to_owned(),
                    // Only needed with a topic; a missing region then fails the publish, not the start.
                    None => region
                        .as_deref()
                        .map(|r| format!("https://notification.{r}.{}", region::realm_domain(r, metadata.as_deref())))
                        .unwrap_or_default(),
                },
                // SDK template `https://functions.{region}.oci.{secondLevelDomain}`; `preflight` only.
                functions: pick("OCI_ROTATOR_FUNCTIONS_ENDPOINT", "functions")?,
                // Only needed with OCI_ROTATOR_RESET_UNMANAGED_PASSWORDS=on; SDK template
                // `https://cloudguard-cp-api.{region}.oci.{secondLevelDomain}`.
                cloud_guard: match env.var("OCI_ROTATOR_CLOUD_GUARD_ENDPOINT") {
                    Some(v) => v.trim_end_matches('/').to_owned(),
                    None => region
                        .as_deref()
                        .map(|r| format!("https://cloudguard-cp-api.{r}.oci.{}", region::realm_domain(r, metadata.as_deref())))
                        .unwrap_or_default(),
                },
                // Only needed with OCI_ROTATOR_METRICS_COMPARTMENT (or `alarms --apply`); SDK
                // template `https://telemetry.{region}.{secondLevelDomain}` (no `.oci.` label),
                // PostMetricData on `telemetry-ingestion`. One override serves both.
                telemetry_ingestion: monitoring("telemetry-ingestion"),
                telemetry: monitoring("telemetry"),
            },
            retry: RetryPolicy {
                max_attempts: number("OCI_ROTATOR_MAX_ATTEMPTS", u64::from(defaults.max_attempts))?.clamp(1, 10) as u32,
                base: Duration::from_millis(number("OCI_ROTATOR_RETRY_BASE_MS", defaults.base.as_millis() as u64)?),
                ..defaults
            },
            default_timeout: Duration::from_secs(number("OCI_ROTATOR_TIMEOUT_SECS", 120)?),
            notify_topic: env.var("OCI_ROTATOR_NOTIFY_TOPIC"),
            secrets_compartment: env.var("OCI_ROTATOR_SECRETS_COMPARTMENT"),
            binding: BindingMode::from_setting(env.var("OCI_ROTATOR_USER_BINDING").as_deref()),
            reset_unmanaged_passwords: UnmanagedReset::from_setting(env.var("OCI_ROTATOR_RESET_UNMANAGED_PASSWORDS").as_deref()),
            metrics_compartment: env.var("OCI_ROTATOR_METRICS_COMPARTMENT").filter(|c| !c.trim().is_empty()),
        })
    }
}

/// Builds the rotator from the environment: principal, settings, client.
pub fn rotator_from_env(env: &dyn Env) -> Result<(Rotator, Settings), ConfigError> {
    build(env, false)
}

/// Builds a rotator whose client sends reads only (see `oci::Client::dry_run`).
pub fn dry_run_rotator_from_env(env: &dyn Env) -> Result<(Rotator, Settings), ConfigError> {
    build(env, true)
}

fn build(env: &dyn Env, dry_run: bool) -> Result<(Rotator, Settings), ConfigError> {
    let principal = Principal::from_env(env)?;
    let settings = Settings::from_env(env, &principal)?;
    let (endpoints, retry) = (settings.endpoints.clone(), settings.retry.clone());
    let client = if dry_run { Client::dry_run(principal, endpoints, retry) } else { Client::new(principal, endpoints, retry) };
    let rotator = Rotator::new(client).with_binding(settings.binding);
    let rotator = match &settings.notify_topic {
        Some(topic) if !dry_run => rotator.with_notifier(crate::notify::Notifier::new(topic.clone())),
        _ => rotator,
    };
    let rotator = match &settings.metrics_compartment {
        Some(compartment) if !dry_run => rotator.with_metrics(crate::monitoring::Metrics::new(compartment.clone())),
        _ => rotator,
    };
    Ok((rotator, settings))
}

/// Whether unmanaged `PASSWORD_TOO_OLD` findings reset the password
/// (`OCI_ROTATOR_RESET_UNMANAGED_PASSWORDS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UnmanagedReset {
    /// Notify only (the default: any value but `on`).
    #[default]
    Off,
    /// Reset when Cloud Guard confirms the problem and the user opted in.
    On,
}

impl UnmanagedReset {
    /// The mode a value of `OCI_ROTATOR_RESET_UNMANAGED_PASSWORDS` selects: only `on` turns the
    /// reset on, so a typo leaves today's notify-only behaviour.
    pub fn from_setting(value: Option<&str>) -> Self {
        match value {
            Some("on") => UnmanagedReset::On,
            _ => UnmanagedReset::Off,
        }
    }
}
