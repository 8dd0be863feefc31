//! `steps/*/input.json` are the protocol as data: each is a valid SecretRotationInput for its step,
//! in protocol order, exactly as Vault sends it.

use oci_rotator::protocol::{parse_input, Step};

#[test]
fn every_sample_input_parses_as_its_step() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("steps");
    let mut folders: Vec<_> =
        std::fs::read_dir(&dir).unwrap().filter_map(Result::ok).filter(|e| e.path().is_dir()).map(|e| e.path()).collect();
    folders.sort();
    assert_eq!(folders.len(), 4);
    for (folder, step) in folders.iter().zip(Step::ALL) {
        let body = std::fs::read(folder.join("input.json")).unwrap();
        let input = parse_input(&body).unwrap();
        assert_eq!(input.step, step, "{}", folder.display());
        let expected = step.as_str().to_ascii_lowercase().replace('_', "-");
        assert!(folder.file_name().unwrap().to_string_lossy().ends_with(&expected), "{}", folder.display());
    }
}
