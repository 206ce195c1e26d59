//! Weight initializers (MLX's `mlx.nn.init`).
