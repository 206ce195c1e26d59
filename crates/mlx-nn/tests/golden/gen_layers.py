"""Goldens for the mlx-nn layer tests, from real MLX 0.32.4.

Run: pip install "mlx[cpu]==0.32.4" numpy; python3 gen_layers.py
Writes layers.json (one case per layer: constructor arguments, MLX's
initialised parameters, input, output and printed form) and the quick-start
checkpoint files mlp.safetensors / mlp.npz saved by MLX's save_weights.
"""

import json
import os

import mlx.core as mx
import mlx.nn as nn
import numpy as np
from mlx.utils import tree_flatten

HERE = os.path.dirname(os.path.abspath(__file__))


def enc(a):
    a = mx.array(a)
    if a.dtype == mx.bfloat16:
        a = a.astype(mx.float32)
    return {"shape": list(a.shape), "dtype": str(a.dtype).split(".")[-1],
            "data": np.array(a).reshape(-1).tolist()}


CASES = []


def case(name, layer, inputs, args, call=None, train=True, extra=None):
    mx.eval(layer.parameters())
    params = [(k, enc(v)) for k, v in tree_flatten(layer.parameters())]
    if not train:
        layer.eval()
    call = call or (lambda l, *xs: l(*xs))
    out = call(layer, *inputs)
    outs = list(out) if isinstance(out, (tuple, list)) else [out]
    rec = {"name": name, "args": args, "params": params,
           "inputs": [enc(x) for x in inputs], "outputs": [enc(o) for o in outs],
           "repr": repr(layer), "training": train}
    if extra:
        rec.update(extra(layer))
    CASES.append(rec)


def rnd(*shape, seed=0, scale=1.0):
    return mx.random.normal(shape, key=mx.random.key(seed)) * scale


mx.random.seed(1)
# --- priority 1
case("linear", nn.Linear(3, 4), [rnd(2, 3)], {"input_dims": 3, "output_dims": 4})
case("linear_nobias", nn.Linear(3, 4, bias=False), [rnd(2, 5, 3)],
     {"input_dims": 3, "output_dims": 4, "bias": False})
case("embedding", nn.Embedding(10, 4), [mx.array([[1, 2, 9], [0, 0, 3]])],
     {"num_embeddings": 10, "dims": 4})
case("embedding_as_linear", nn.Embedding(10, 4), [rnd(2, 4)],
     {"num_embeddings": 10, "dims": 4}, call=lambda l, x: l.as_linear(x))
case("sequential", nn.Sequential(nn.Linear(3, 5), nn.ReLU(), nn.Linear(5, 2)),
     [rnd(4, 3)], {})

# --- normalization
case("layer_norm", nn.LayerNorm(4), [rnd(2, 3, 4, scale=3.0)], {"dims": 4})
case("layer_norm_noaffine", nn.LayerNorm(4, eps=1e-3, affine=False), [rnd(2, 4)],
     {"dims": 4, "eps": 1e-3, "affine": False})
case("layer_norm_nobias", nn.LayerNorm(4, bias=False), [rnd(2, 4)],
     {"dims": 4, "bias": False})
ln = nn.LayerNorm(4)
ln.weight = rnd(4, seed=3)
ln.bias = rnd(4, seed=4)
case("layer_norm_weights", ln, [rnd(3, 4)], {"dims": 4})
rms = nn.RMSNorm(6)
rms.weight = rnd(6, seed=5)
case("rms_norm", rms, [rnd(2, 6, scale=2.0)], {"dims": 6})
gn = nn.GroupNorm(2, 6)
gn.weight = rnd(6, seed=6)
gn.bias = rnd(6, seed=7)
case("group_norm", gn, [rnd(2, 3, 5, 6)], {"num_groups": 2, "dims": 6})
case("group_norm_pt", nn.GroupNorm(3, 6, pytorch_compatible=True), [rnd(2, 4, 6)],
     {"num_groups": 3, "dims": 6, "pytorch_compatible": True})
inn = nn.InstanceNorm(3, affine=True)
inn.weight = rnd(3, seed=8)
inn.bias = rnd(3, seed=9)
case("instance_norm", inn, [rnd(2, 4, 4, 3)], {"dims": 3, "affine": True})
case("instance_norm_plain", nn.InstanceNorm(3), [rnd(2, 5, 3)], {"dims": 3})


def bn_stats(l):
    return {"running": [enc(l.running_mean), enc(l.running_var)]}


case("batch_norm_train", nn.BatchNorm(3), [rnd(4, 3, scale=2.0) + 1.0],
     {"num_features": 3}, extra=bn_stats)
bn = nn.BatchNorm(3)
bn.running_mean = rnd(3, seed=11)
bn.running_var = mx.abs(rnd(3, seed=12)) + 0.5
bn.weight = rnd(3, seed=13)
case("batch_norm_eval", bn, [rnd(2, 5, 3)], {"num_features": 3}, train=False)
case("batch_norm_4d_train", nn.BatchNorm(2, momentum=0.3), [rnd(2, 3, 3, 2)],
     {"num_features": 2, "momentum": 0.3}, extra=bn_stats)
case("batch_norm_no_stats", nn.BatchNorm(3, affine=False, track_running_stats=False),
     [rnd(4, 3)], {"num_features": 3, "affine": False, "track_running_stats": False},
     train=False)

# --- convolution
case("conv1d", nn.Conv1d(2, 3, 3, stride=2, padding=1), [rnd(2, 7, 2)],
     {"in_channels": 2, "out_channels": 3, "kernel_size": [3], "stride": [2], "padding": [1]})
case("conv1d_groups", nn.Conv1d(4, 2, 2, dilation=2, groups=2, bias=False), [rnd(1, 6, 4)],
     {"in_channels": 4, "out_channels": 2, "kernel_size": [2], "dilation": [2], "groups": 2,
      "bias": False})
case("conv2d", nn.Conv2d(2, 3, (2, 3), stride=(1, 2), padding=1), [rnd(2, 5, 6, 2)],
     {"in_channels": 2, "out_channels": 3, "kernel_size": [2, 3], "stride": [1, 2],
      "padding": [1, 1]})
case("conv3d", nn.Conv3d(2, 2, 2), [rnd(1, 3, 4, 3, 2)],
     {"in_channels": 2, "out_channels": 2, "kernel_size": [2, 2, 2]})
case("conv_transpose1d", nn.ConvTranspose1d(2, 3, 3, stride=2, padding=1, output_padding=1),
     [rnd(2, 5, 2)],
     {"in_channels": 2, "out_channels": 3, "kernel_size": [3], "stride": [2], "padding": [1],
      "output_padding": [1]})
case("conv_transpose2d", nn.ConvTranspose2d(2, 3, 2, stride=2), [rnd(1, 3, 4, 2)],
     {"in_channels": 2, "out_channels": 3, "kernel_size": [2, 2], "stride": [2, 2]})
case("conv_transpose3d", nn.ConvTranspose3d(2, 1, 2, padding=1, dilation=2), [rnd(1, 3, 3, 3, 2)],
     {"in_channels": 2, "out_channels": 1, "kernel_size": [2, 2, 2], "padding": [1, 1, 1],
      "dilation": [2, 2, 2]})

# --- pooling
x2 = rnd(2, 6, 7, 3)
case("max_pool1d", nn.MaxPool1d(3, stride=2, padding=1), [rnd(2, 8, 3)],
     {"kernel_size": [3], "stride": [2], "padding": [1]})
case("avg_pool1d", nn.AvgPool1d(2), [rnd(2, 7, 3)], {"kernel_size": [2]})
case("max_pool2d", nn.MaxPool2d(2, stride=2), [x2], {"kernel_size": [2, 2], "stride": [2, 2]})
case("avg_pool2d", nn.AvgPool2d((3, 2), stride=(2, 1), padding=(1, 0)), [x2],
     {"kernel_size": [3, 2], "stride": [2, 1], "padding": [1, 0]})
case("max_pool3d", nn.MaxPool3d(2), [rnd(1, 4, 5, 4, 2)], {"kernel_size": [2, 2, 2]})
case("avg_pool3d", nn.AvgPool3d(2, stride=1, padding=1), [rnd(1, 3, 3, 3, 2)],
     {"kernel_size": [2, 2, 2], "stride": [1, 1, 1], "padding": [1, 1, 1]})

# --- upsample
xu = rnd(1, 3, 4, 2)
case("upsample_nearest", nn.Upsample(2), [xu], {"scale_factor": [2.0, 2.0], "mode": "nearest"})
case("upsample_nearest_frac", nn.Upsample((1.5, 2.5)), [xu],
     {"scale_factor": [1.5, 2.5], "mode": "nearest"})
case("upsample_linear", nn.Upsample(2, mode="linear"), [xu],
     {"scale_factor": [2.0, 2.0], "mode": "linear"})
case("upsample_linear_ac", nn.Upsample(2, mode="linear", align_corners=True), [xu],
     {"scale_factor": [2.0, 2.0], "mode": "linear", "align_corners": True})
case("upsample_cubic", nn.Upsample(2, mode="cubic"), [xu],
     {"scale_factor": [2.0, 2.0], "mode": "cubic"})
case("upsample_cubic_ac", nn.Upsample(2, mode="cubic", align_corners=True), [xu],
     {"scale_factor": [2.0, 2.0], "mode": "cubic", "align_corners": True})
case("upsample_linear_1d", nn.Upsample(3, mode="linear"), [rnd(2, 4, 3)],
     {"scale_factor": [3.0], "mode": "linear"})

# --- positional
case("rope", nn.RoPE(4), [rnd(1, 2, 5, 6)], {"dims": 4})
case("rope_traditional", nn.RoPE(6, traditional=True, base=500.0, scale=0.5), [rnd(1, 5, 6)],
     {"dims": 6, "traditional": True, "base": 500.0, "scale": 0.5})
case("rope_offset", nn.RoPE(4), [rnd(1, 2, 3, 4)], {"dims": 4, "offset": 7},
     call=lambda l, x: l(x, offset=7))
case("alibi", nn.ALiBi(), [rnd(1, 4, 3, 5)], {"offset": 2},
     call=lambda l, x: l(x, offset=2))
case("sinusoidal", nn.SinusoidalPositionalEncoding(8), [mx.arange(5).astype(mx.float32)],
     {"dims": 8})
case("sinusoidal_opts", nn.SinusoidalPositionalEncoding(6, scale=0.3, cos_first=True,
                                                           full_turns=True, max_freq=2.0),
     [mx.array([0.5, 1.5, 3.0])],
     {"dims": 6, "scale": 0.3, "cos_first": True, "full_turns": True, "max_freq": 2.0})

# --- attention / transformer
case("mha", nn.MultiHeadAttention(8, 2), [rnd(2, 3, 8, seed=1), rnd(2, 4, 8, seed=2),
                                          rnd(2, 4, 8, seed=3)], {"dims": 8, "num_heads": 2})
case("mha_opts", nn.MultiHeadAttention(8, 2, query_input_dims=6, key_input_dims=5,
                                       value_input_dims=4, value_dims=6, value_output_dims=3,
                                       bias=True),
     [rnd(1, 3, 6, seed=1), rnd(1, 2, 5, seed=2), rnd(1, 2, 4, seed=3)],
     {"dims": 8, "num_heads": 2, "query_input_dims": 6, "key_input_dims": 5,
      "value_input_dims": 4, "value_dims": 6, "value_output_dims": 3, "bias": True})
mask = nn.MultiHeadAttention.create_additive_causal_mask(3)
case("mha_mask", nn.MultiHeadAttention(4, 1), [rnd(1, 3, 4, seed=1), mask],
     {"dims": 4, "num_heads": 1}, call=lambda l, x, m: l(x, x, x, mask=m))
CASES.append({"name": "causal_mask", "args": {"n": 4}, "params": [], "inputs": [],
              "outputs": [enc(nn.MultiHeadAttention.create_additive_causal_mask(4))],
              "repr": "", "training": True})
case("transformer_encoder_layer", nn.TransformerEncoderLayer(8, 2, mlp_dims=12),
     [rnd(2, 3, 8), mask], {"dims": 8, "num_heads": 2, "mlp_dims": 12})
case("transformer_encoder_layer_post", nn.TransformerEncoderLayer(8, 2, norm_first=False),
     [rnd(2, 3, 8), mask], {"dims": 8, "num_heads": 2, "norm_first": False})
case("transformer", nn.Transformer(8, 2, 2, 2, 16),
     [rnd(1, 3, 8, seed=1), rnd(1, 4, 8, seed=2),
      nn.MultiHeadAttention.create_additive_causal_mask(3),
      nn.MultiHeadAttention.create_additive_causal_mask(4),
      mx.zeros((1, 1, 4, 3))],
     {"dims": 8, "num_heads": 2, "num_encoder_layers": 2, "num_decoder_layers": 2,
      "mlp_dims": 16})
case("transformer_post", nn.Transformer(8, 2, 1, 1, 16, norm_first=False),
     [rnd(1, 3, 8, seed=1), rnd(1, 2, 8, seed=2),
      nn.MultiHeadAttention.create_additive_causal_mask(3),
      nn.MultiHeadAttention.create_additive_causal_mask(2),
      mx.zeros((1, 1, 2, 3))],
     {"dims": 8, "num_heads": 2, "num_encoder_layers": 1, "num_decoder_layers": 1,
      "mlp_dims": 16, "norm_first": False})

# --- recurrent
case("rnn", nn.RNN(3, 4), [rnd(2, 5, 3)], {"input_size": 3, "hidden_size": 4})
case("rnn_hidden", nn.RNN(3, 4, bias=False), [rnd(5, 3), rnd(4, seed=9)],
     {"input_size": 3, "hidden_size": 4, "bias": False})
case("gru", nn.GRU(3, 4), [rnd(2, 5, 3)], {"input_size": 3, "hidden_size": 4})
case("gru_hidden", nn.GRU(3, 4), [rnd(2, 5, 3), rnd(2, 4, seed=9)],
     {"input_size": 3, "hidden_size": 4})
case("lstm", nn.LSTM(3, 4), [rnd(2, 5, 3)], {"input_size": 3, "hidden_size": 4})
case("lstm_state", nn.LSTM(3, 4, bias=False), [rnd(5, 3), rnd(4, seed=8), rnd(4, seed=9)],
     {"input_size": 3, "hidden_size": 4, "bias": False})

# --- quantized
case("quantized_linear", nn.QuantizedLinear(64, 8), [rnd(2, 64)],
     {"input_dims": 64, "output_dims": 8})
case("quantized_linear_4bit", nn.QuantizedLinear(64, 8, bias=False, group_size=32, bits=4),
     [rnd(3, 64)], {"input_dims": 64, "output_dims": 8, "bias": False, "group_size": 32,
                    "bits": 4})
case("quantized_embedding", nn.QuantizedEmbedding(5, 64), [mx.array([[0, 4, 2]])],
     {"num_embeddings": 5, "dims": 64})
case("quantized_embedding_as_linear", nn.QuantizedEmbedding(5, 64, bits=8), [rnd(2, 64)],
     {"num_embeddings": 5, "dims": 64, "bits": 8}, call=lambda l, x: l.as_linear(x))

# --- activations (layers)
xa = rnd(3, 4, scale=2.0)
for nm, layer, args in [
    ("relu", nn.ReLU(), {}), ("relu2", nn.ReLU2(), {}), ("relu6", nn.ReLU6(), {}),
    ("leaky_relu", nn.LeakyReLU(0.2), {"negative_slope": 0.2}),
    ("elu", nn.ELU(0.5), {"alpha": 0.5}), ("celu", nn.CELU(1.5), {"alpha": 1.5}),
    ("selu", nn.SELU(), {}), ("gelu", nn.GELU(), {}),
    ("gelu_precise", nn.GELU("precise"), {"approx": "precise"}),
    ("gelu_tanh", nn.GELU("tanh"), {"approx": "tanh"}),
    ("gelu_fast", nn.GELU("fast"), {"approx": "fast"}),
    ("silu", nn.SiLU(), {}), ("sigmoid", nn.Sigmoid(), {}), ("tanh", nn.Tanh(), {}),
    ("log_sigmoid", nn.LogSigmoid(), {}), ("mish", nn.Mish(), {}),
    ("hardswish", nn.Hardswish(), {}), ("hard_tanh", nn.HardTanh(), {}),
    ("hard_shrink", nn.HardShrink(0.7), {"lambd": 0.7}),
    ("softshrink", nn.Softshrink(0.3), {"lambd": 0.3}),
    ("softsign", nn.Softsign(), {}), ("softplus", nn.Softplus(), {}),
    ("softmax", nn.Softmax(), {}), ("log_softmax", nn.LogSoftmax(), {}),
    ("softmin", nn.Softmin(), {}), ("step", nn.Step(0.5), {"threshold": 0.5}),
    ("glu", nn.GLU(), {}), ("prelu", nn.PReLU(), {}),
]:
    case("act_" + nm, layer, [xa], args)

# --- the seed's quick start: repr, parameters, gradient of the l2 loss
class MLP(nn.Module):
    def __init__(self, in_dims: int, out_dims: int):
        super().__init__()
        self.layers = [nn.Linear(in_dims, 128), nn.Linear(128, 128), nn.Linear(128, out_dims)]

    def __call__(self, x):
        for i, l in enumerate(self.layers):
            x = mx.maximum(x, 0) if i > 0 else x
            x = l(x)
        return x


mlp = MLP(2, 10)
mx.eval(mlp.parameters())
mlp.save_weights(os.path.join(HERE, "mlp.safetensors"))
mlp.save_weights(os.path.join(HERE, "mlp.npz"))
xq, yq = rnd(4, 2, seed=20), rnd(4, 10, seed=21)


def l2_loss(x, y):
    return (mlp(x) - y).square().mean()


loss, grads = nn.value_and_grad(mlp, l2_loss)(xq, yq)
CASES.append({"name": "quick_start", "args": {}, "params": [],
              "inputs": [enc(xq), enc(yq)], "outputs": [enc(loss)],
              "grads": [(k, enc(v)) for k, v in tree_flatten(grads)],
              "repr": repr(mlp), "training": True})


# --- Module API behaviour on a nested model
class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(2, 3)
        self.norm = nn.LayerNorm(3)
        self.extra = {"a": nn.Linear(3, 1, bias=False)}


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = [Block(), Block()]
        self.head = nn.Sequential(nn.Linear(3, 3), nn.ReLU())


net = Net()
api = {"named_modules": [k for k, _ in net.named_modules()],
       "leaf_modules": [k for k, _ in tree_flatten(net.leaf_modules(), is_leaf=nn.Module.is_module)],
       "children": [k for k, _ in tree_flatten(net.children(), is_leaf=nn.Module.is_module)],
       "parameters": [k for k, _ in tree_flatten(net.parameters())],
       "repr": repr(net)}
net.freeze()
api["frozen_all"] = [k for k, _ in tree_flatten(net.trainable_parameters())]
net.unfreeze(keys=["bias"])
api["unfreeze_bias"] = [k for k, _ in tree_flatten(net.trainable_parameters())]
net.unfreeze()
net.freeze(keys=["weight"], recurse=True)
api["freeze_weight"] = [k for k, _ in tree_flatten(net.trainable_parameters())]
net.unfreeze()
net.blocks[0].freeze(recurse=False)
api["freeze_norecurse"] = [k for k, _ in tree_flatten(net.trainable_parameters())]
bnm = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm(2))
api["batchnorm_trainable"] = [k for k, _ in tree_flatten(bnm.trainable_parameters())]
bnm.unfreeze()
api["batchnorm_trainable_unfrozen"] = [k for k, _ in tree_flatten(bnm.trainable_parameters())]
api["batchnorm_params"] = [k for k, _ in tree_flatten(bnm.parameters())]
CASES.append({"name": "module_api", "args": api, "params": [], "inputs": [], "outputs": [],
              "repr": repr(net), "training": True})

with open(os.path.join(HERE, "layers.json"), "w") as f:
    json.dump({"mlx_version": mx.__version__, "cases": CASES}, f)
print(len(CASES), "cases")
