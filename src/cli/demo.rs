//! `oci-rotator demo`: its options; the demo itself (simulator, function, rotations, the
//! closing table) is [`crate::demo`].

/// Options of `demo` (the command line's, parsed by clap).
#[derive(clap::Args)]
pub struct DemoArgs {
    /// Rotations per credential kind (the second shows the superseded credential deleted).
    #[arg(long, default_value_t = 2)]
    pub rounds: u32,
}

/// Runs the demo; Err when a rotation broke the contract (exit 1). `verbose`: every rotation in detail.
pub async fn run(args: DemoArgs, verbose: bool) -> Result<(), String> {
    let ok = crate::demo::run(args.rounds, verbose).await?;
    ok.then_some(()).ok_or_else(|| "the demo found contract violations".to_owned())
}
