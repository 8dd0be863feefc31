//! `oci-rotator alarms`: prints the two alarms over the function's metrics (one JSON a line, for
//! `oci monitoring alarm create --from-json`) or creates them; the work is [`crate::monitoring`] (`--apply`: [`crate::lifecycle::apply_alarms`]).
use crate::monitoring::{AlarmPlan, AlarmRequest};

/// Options of `alarms`.
#[derive(Debug, Clone, clap::Args)]
pub struct AlarmsArgs {
    /// The compartment of the alarms and of the metrics (the function's OCI_ROTATOR_METRICS_COMPARTMENT).
    #[arg(long)]
    pub compartment_id: String,
    /// The ONS topic the alarms notify.
    #[arg(long)]
    pub topic_id: String,
    /// The rotation interval (P90D, 90d); a rotation is missing after it plus 7 days.
    #[arg(long, default_value = "P90D", value_parser = crate::monitoring::interval_days)]
    pub interval: u64,
    /// Create the alarms no ACTIVE alarm of the same name is (ListAlarms first), instead of printing them.
    #[arg(long)]
    pub apply: bool,
}

/// Prints or creates the alarms; what OCI cannot express goes to stderr.
pub async fn run(a: AlarmsArgs) -> Result<(), String> {
    let plan = AlarmPlan::new(&AlarmRequest { compartment_id: a.compartment_id, topic_id: a.topic_id, interval_days: a.interval });
    eprintln!("oci-rotator alarms: {}", plan.note);
    print!("{}", if a.apply { crate::lifecycle::apply_alarms(&plan).await? } else { plan.json_lines() });
    Ok(())
}
