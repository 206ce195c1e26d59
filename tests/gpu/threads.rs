//! The GPU backend shared by several threads: each thread's results must
//! be its own.

use crate::check::{gpu, gpu_lock};
use mlx::{ops, Array, HostData};

/// Threads that each upload, compute and read back their own arrays
/// (elementwise ops with intermediates, copies of views) see their own
/// values, never another thread's.
#[test]
fn concurrent_evals_keep_their_data() {
    let Some(gpu) = gpu() else { return };
    let _gpu = gpu_lock();
    let threads: Vec<_> = (0..4)
        .map(|t| {
            std::thread::spawn(move || -> Result<(), String> {
                for round in 0..200 {
                    let base = (t * 1000 + round) as f32;
                    let v: Vec<f32> = (0..40).map(|i| base + i as f32).collect();
                    let a = Array::from_host_data_on(HostData::Float32(v.clone()), &[5, 8], gpu)
                        .map_err(|e| e.to_string())?;
                    let b = ops::contiguous(&ops::transpose(&a, ()).map_err(|e| e.to_string())?)
                        .map_err(|e| e.to_string())?;
                    let c = ops::add(&ops::multiply(&b, &b).map_err(|e| e.to_string())?, &b)
                        .map_err(|e| e.to_string())?;
                    let got = c.to_vec::<f32>().map_err(|e| e.to_string())?;
                    let want: Vec<f32> = (0..40)
                        .map(|k| {
                            let x = v[(k % 5) * 8 + k / 5];
                            x * x + x
                        })
                        .collect();
                    if got != want {
                        return Err(format!(
                            "thread {t} round {round}: expected {want:?}\n got {got:?}"
                        ));
                    }
                }
                Ok(())
            })
        })
        .collect();
    let errors: Vec<String> = threads
        .into_iter()
        .filter_map(|h| h.join().expect("thread runs").err())
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}
