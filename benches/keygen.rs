//! RSA key generation time with the `rsa` crate, per key size, in the bench (release) profile.
//! `cargo bench --bench keygen`; results go to docs/performance.md.

use std::time::{Duration, Instant};

fn main() {
    let runs: usize = std::env::var("KEYGEN_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(10);
    println!("RSA key generation, {runs} keys per size (oci_rotator::keys::generate: keygen + PKCS#8/SPKI PEM + fingerprint)");
    for bits in oci_rotator::keys::KEY_SIZES {
        let n = if bits == 4096 { runs.min(6) } else { runs };
        let mut times: Vec<Duration> = (0..n)
            .map(|_| {
                let t = Instant::now();
                let key = oci_rotator::keys::generate(bits).expect("key generation");
                std::hint::black_box(&key.fingerprint);
                t.elapsed()
            })
            .collect();
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "  {bits} bits: median {:8.1} ms   min {:8.1} ms   max {:8.1} ms   (n={n})",
            ms(times[times.len() / 2]),
            ms(times[0]),
            ms(times[times.len() - 1])
        );
    }
}
