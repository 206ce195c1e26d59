//! The activation layers against MLX 0.32.4 goldens
//! (golden/gen_layers.py, cases `act_*`).

mod common;

use common::*;
use mlx_nn::*;

fn check(name: &str, layer: &mut dyn UnaryModule) {
    let c = case(&format!("act_{name}"));
    layer.load_weights_from(&params(c), true).unwrap();
    let y = layer.forward(&inputs(c)[0]).unwrap();
    assert_close(&y, &outputs(c)[0], 1e-5, 1e-6, name);
    assert_eq!(module_repr(layer.as_module()), repr(c), "{name}: repr");
}

#[test]
fn activation_layers_match_mlx() {
    check("relu", &mut ReLU::new());
    check("relu2", &mut ReLU2::new());
    check("relu6", &mut ReLU6::new());
    check("leaky_relu", &mut LeakyReLU::new(0.2));
    check("elu", &mut ELU::new(0.5));
    check("celu", &mut CELU::new(1.5));
    check("selu", &mut SELU::new());
    check("gelu", &mut GELU::new(GeluApprox::None));
    check(
        "gelu_precise",
        &mut GELU::new(GeluApprox::parse("precise").unwrap()),
    );
    check("gelu_tanh", &mut GELU::new(GeluApprox::Tanh));
    check("gelu_fast", &mut GELU::new(GeluApprox::Fast));
    check("silu", &mut SiLU::new());
    check("sigmoid", &mut Sigmoid::new());
    check("tanh", &mut Tanh::new());
    check("log_sigmoid", &mut LogSigmoid::new());
    check("mish", &mut Mish::new());
    check("hardswish", &mut Hardswish::new());
    check("hard_tanh", &mut HardTanh::new());
    check("hard_shrink", &mut HardShrink::new(0.7));
    check("softshrink", &mut Softshrink::new(0.3));
    check("softsign", &mut Softsign::new());
    check("softplus", &mut Softplus::new());
    check("softmax", &mut Softmax::new());
    check("log_softmax", &mut LogSoftmax::new());
    check("softmin", &mut Softmin::new());
    check("step", &mut Step::new(0.5));
    check("glu", &mut GLU::default());
    check("prelu", &mut PReLU::new(1, 0.25).unwrap());
}

#[test]
fn activation_layers_compose_in_sequential() {
    let mut s = Sequential::new()
        .push(Linear::new(3, 4).unwrap())
        .push(GELU::default())
        .push(Dropout::new(0.1).unwrap())
        .push(Linear::new(4, 1).unwrap());
    assert_eq!(
        s.to_string(),
        "Sequential(\n  (layers.0): Linear(input_dims=3, output_dims=4, bias=True)\n  (layers.1): GELU()\n  \
         (layers.2): Dropout(p=0.09999999999999998)\n  (layers.3): Linear(input_dims=4, output_dims=1, bias=True)\n)"
    );
    s.eval();
    let y = s
        .forward(&mlx_core::ops::ones(&[2, 3], mlx_core::Dtype::Float32).unwrap())
        .unwrap();
    assert_eq!(y.shape(), &[2, 1]);
}

#[test]
fn gelu_bad_approximation_is_an_error() {
    let e = GeluApprox::parse("exact").unwrap_err();
    assert_eq!(
        e.to_string(),
        "[GELU] the approximation should be in [\"none\", \"precise\", \"tanh\", \"fast\"] but 'exact' was given"
    );
}
