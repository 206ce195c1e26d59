//! Loss functions (MLX's `mlx.nn.losses`).
