//! Convolutions, pooling, upsampling and dropout against MLX 0.32.4
//! goldens (golden/gen_layers.py).

mod common;

use common::*;
use mlx_core::{ops, Dtype};
use mlx_nn::*;

fn check(name: &str, layer: &mut dyn UnaryModule, rtol: f32) {
    let c = case(name);
    layer.load_weights_from(&params(c), true).unwrap();
    let y = layer.forward(&inputs(c)[0]).unwrap();
    assert_close(&y, &outputs(c)[0], rtol, 1e-5, name);
    assert_eq!(module_repr(layer.as_module()), repr(c), "{name}: repr");
}

fn opts<const N: usize>(name: &str) -> ConvOptions<N> {
    let c = case(name);
    let arr = |k: &str, d: usize| -> [usize; N] {
        arg_vec(c, k)
            .map(|v| v.try_into().unwrap())
            .unwrap_or([d; N])
    };
    ConvOptions {
        stride: arr("stride", 1),
        padding: arr("padding", 0),
        dilation: arr("dilation", 1),
        output_padding: arr("output_padding", 0),
        groups: arg_usize(c, "groups", 1),
        bias: arg_bool(c, "bias", true),
    }
}

fn sizes<const N: usize>(name: &str) -> (usize, usize, [usize; N]) {
    let c = case(name);
    (
        arg_usize(c, "in_channels", 0),
        arg_usize(c, "out_channels", 0),
        arg_vec(c, "kernel_size").unwrap().try_into().unwrap(),
    )
}

macro_rules! conv_case {
    ($ty:ident, $n:literal, $name:literal) => {{
        let (i, o, k) = sizes::<$n>($name);
        let mut l = $ty::with_options(i, o, k, opts::<$n>($name)).unwrap();
        check($name, &mut l, 1e-4);
    }};
}

#[test]
fn conv_layers_match_mlx() {
    conv_case!(Conv1d, 1, "conv1d");
    conv_case!(Conv1d, 1, "conv1d_groups");
    conv_case!(Conv2d, 2, "conv2d");
    conv_case!(Conv3d, 3, "conv3d");
}

#[test]
fn conv_transpose_layers_match_mlx() {
    conv_case!(ConvTranspose1d, 1, "conv_transpose1d");
    conv_case!(ConvTranspose2d, 2, "conv_transpose2d");
    conv_case!(ConvTranspose3d, 3, "conv_transpose3d");
}

#[test]
fn conv_init_bounds_are_mlx_s() {
    // weight ~ uniform(-s, s), s = 1/sqrt(in/groups * k); bias zeros.
    let c = Conv2d::new(4, 8, [3, 3]).unwrap();
    let s = (1.0f32 / 36.0).sqrt();
    assert!(c
        .weight
        .to_vec::<f32>()
        .unwrap()
        .iter()
        .all(|w| w.abs() <= s));
    assert_eq!(c.bias.unwrap().to_vec::<f32>().unwrap(), vec![0.0; 8]);
}

#[test]
fn conv_wrong_channels_is_an_error() {
    let mut c = Conv1d::new(2, 3, [3]).unwrap();
    let x = ops::ones(&[1, 5, 4], Dtype::Float32).unwrap();
    assert_eq!(
        c.forward(&x).unwrap_err().to_string(),
        "[Conv1d] input last dim 4 does not match in_channels 2"
    );
    assert!(Conv1d::with_options(
        3,
        2,
        [1],
        ConvOptions {
            groups: 2,
            ..Default::default()
        }
    )
    .is_err());
}

macro_rules! pool_case {
    ($ty:ident, $n:literal, $name:literal) => {{
        let c = case($name);
        let k: [usize; $n] = arg_vec(c, "kernel_size").unwrap().try_into().unwrap();
        let s = arg_vec(c, "stride").map(|v| <[usize; $n]>::try_from(v).unwrap());
        let p = arg_vec(c, "padding")
            .map(|v| v.try_into().unwrap())
            .unwrap_or([0; $n]);
        check($name, &mut $ty::with_options(k, s, p).unwrap(), 1e-5);
    }};
}

#[test]
fn pooling_layers_match_mlx() {
    pool_case!(MaxPool1d, 1, "max_pool1d");
    pool_case!(AvgPool1d, 1, "avg_pool1d");
    pool_case!(MaxPool2d, 2, "max_pool2d");
    pool_case!(AvgPool2d, 2, "avg_pool2d");
    pool_case!(MaxPool3d, 3, "max_pool3d");
    pool_case!(AvgPool3d, 3, "avg_pool3d");
}

#[test]
fn upsample_matches_mlx() {
    for name in [
        "upsample_nearest",
        "upsample_nearest_frac",
        "upsample_linear",
        "upsample_linear_ac",
        "upsample_cubic",
        "upsample_cubic_ac",
        "upsample_linear_1d",
    ] {
        let c = case(name);
        let mode = match c["args"]["mode"].as_str().unwrap() {
            "nearest" => UpsampleMode::Nearest,
            "linear" => UpsampleMode::Linear,
            _ => UpsampleMode::Cubic,
        };
        let sf: Vec<f64> = c["args"]["scale_factor"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        let ac = arg_bool(c, "align_corners", false);
        let mut up = if sf.iter().all(|&s| s == sf[0]) {
            Upsample::new(sf[0], mode, ac).unwrap()
        } else {
            Upsample::per_axis(&sf, mode, ac).unwrap()
        };
        check(name, &mut up, 1e-4);
    }
}

#[test]
fn dropout_is_identity_in_eval_mode_and_scales_in_training() {
    let x = ops::ones(&[1000], Dtype::Float32).unwrap();
    let mut d = Dropout::new(0.25).unwrap();
    let y = d.forward(&x).unwrap().to_vec::<f32>().unwrap();
    // Kept entries are scaled by 1/(1-p); about 25% are zero.
    assert!(y.iter().all(|&v| v == 0.0 || (v - 1.0 / 0.75).abs() < 1e-6));
    let zeros = y.iter().filter(|&&v| v == 0.0).count();
    assert!((150..350).contains(&zeros), "{zeros} zeros");
    d.eval();
    assert_eq!(
        d.forward(&x).unwrap().to_vec::<f32>().unwrap(),
        vec![1.0; 1000]
    );
    assert_eq!(
        Dropout::new(0.3).unwrap().to_string(),
        "Dropout(p=0.30000000000000004)"
    );
}

#[test]
fn dropout2d_drops_whole_channels() {
    let x = ops::ones(&[2, 4, 4, 50], Dtype::Float32).unwrap();
    let mut d = Dropout2d::new(0.5).unwrap();
    let y = d.forward(&x).unwrap();
    // Every channel of every sample is all zeros or all 2.
    let v = y.to_vec::<f32>().unwrap();
    for b in 0..2 {
        for ch in 0..50 {
            let vals: Vec<f32> = (0..16).map(|p| v[b * 800 + p * 50 + ch]).collect();
            assert!(vals.iter().all(|&a| a == vals[0]) && (vals[0] == 0.0 || vals[0] == 2.0));
        }
    }
    let e = d
        .forward(&ops::ones(&[2, 3], Dtype::Float32).unwrap())
        .unwrap_err();
    assert!(e
        .to_string()
        .starts_with("[Dropout2d] received input with 2 dimensions"));
    let mut d3 = Dropout3d::new(0.5).unwrap();
    let y = d3
        .forward(&ops::ones(&[1, 2, 2, 2, 30], Dtype::Float32).unwrap())
        .unwrap();
    let v = y.to_vec::<f32>().unwrap();
    for ch in 0..30 {
        let vals: Vec<f32> = (0..8).map(|p| v[p * 30 + ch]).collect();
        assert!(vals.iter().all(|&a| a == vals[0]));
    }
}
