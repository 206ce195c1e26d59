//! CI-sized run of the train_fashion_mnist example: the MLP on the first
//! 2,000 training images for 2 epochs. The loss must fall below chance
//! (ln 10 = 2.303) and from epoch to epoch, and test accuracy (first 2,000
//! test images) must clear 70% (the full run reaches 88%+). CI installs
//! the data set (`apt-get install -y dataset-fashion-mnist`, in .ci/run).

#[path = "../examples/train_fashion_mnist.rs"]
#[allow(dead_code)]
mod trainer;

use mlx::nn::Module;
use std::path::Path;
use trainer::{evaluate, load_split, train, Mlp, Options};

#[test]
fn mlp_learns_fashion_mnist_subset() {
    let dir =
        std::env::var("FASHION_MNIST_DIR").unwrap_or_else(|_| trainer::DEFAULT_DATA_DIR.into());
    let dir = Path::new(&dir);
    let train_set = load_split(dir, "train")
        .unwrap_or_else(|e| panic!("{e}"))
        .take(2000);
    let test = load_split(dir, "t10k")
        .unwrap_or_else(|e| panic!("{e}"))
        .take(2000);
    assert_eq!((train_set.len(), test.len()), (2000, 2000));
    let opts = Options {
        model: "mlp".into(),
        epochs: 2,
        batch_size: 64,
        lr: 1e-3,
        subset: None,
        seed: 7,
        progress: false,
        dropout: 0.5,
    };
    let mut model = Mlp::new().unwrap();
    let stats = train(&mut model, &train_set, &test, &opts).unwrap();
    println!("{stats:#?}");
    assert!(stats[0].loss < 2.303, "{stats:?}");
    assert!(stats[1].loss < stats[0].loss, "{stats:?}");
    assert!(stats[1].test_acc >= 0.70, "{stats:?}");
    // Saved and reloaded, the model predicts the same.
    let path = std::env::temp_dir().join(format!("fmnist-ci-{}.safetensors", std::process::id()));
    model.save_weights(&path).unwrap();
    let mut fresh = Mlp::new().unwrap();
    fresh.load_weights(&path, true).unwrap();
    let acc = evaluate(&mut fresh, &test, false).unwrap();
    assert_eq!(acc, stats[1].test_acc);
    std::fs::remove_file(&path).ok();
}

#[test]
fn embedded_subset_is_the_head_of_fashion_mnist() {
    let train = trainer::embedded_split("train").unwrap();
    let test = trainer::embedded_split("t10k").unwrap();
    assert_eq!((train.len(), test.len()), (1500, 500));
    assert_eq!(train.images.len(), 1500 * 784);
    // Fashion-MNIST's first training labels: ankle boot, T-shirt, T-shirt,
    // dress, T-shirt, pullover, sneaker, pullover, sandal, sandal.
    assert_eq!(&train.labels[..10], &[9, 0, 0, 3, 0, 2, 7, 2, 5, 5]);
    // Pixel sum of the first image (NumPy over the IDX file: 76,247 / 255).
    let s: f32 = train.images[..784].iter().sum();
    assert!((s - 76247.0 / 255.0).abs() < 1e-2, "{s}");
    assert!(trainer::embedded_split("valid").is_err());
}

#[test]
fn mlp_learns_embedded_subset() {
    let train_set = trainer::embedded_split("train").unwrap();
    let test = trainer::embedded_split("t10k").unwrap();
    let opts = Options {
        model: "mlp".into(),
        epochs: 3,
        batch_size: 64,
        lr: 1e-3,
        subset: None,
        seed: 7,
        progress: false,
        dropout: 0.5,
    };
    let mut model = Mlp::new().unwrap();
    let stats = train(&mut model, &train_set, &test, &opts).unwrap();
    println!("{stats:#?}");
    assert!(stats[0].loss < 2.303, "{stats:?}");
    assert!(stats[2].loss < stats[0].loss, "{stats:?}");
    assert!(stats[2].test_acc >= 0.70, "{stats:?}");
}
