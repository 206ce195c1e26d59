//! `nn.average_gradients` and the process group it averages over. Only
//! the single-process group exists so far: distributed communication
//! (`mx.distributed`) is future work.

use mlx_core::tree::Tree;
use mlx_core::{Error, Result};

/// MLX's default `all_reduce_size` for [`average_gradients`]: 32 MiB.
pub const DEFAULT_ALL_REDUCE_SIZE: i64 = 32 * 1024 * 1024;

/// A group of processes that average gradients together (MLX's
/// `mx.distributed.Group`). Only the single-process group of
/// [`Group::world`] exists until distributed communication lands.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let g = mlx_nn::Group::world();
/// assert_eq!((g.rank(), g.size()), (0, 1));
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Group {
    rank: usize,
    size: usize,
}

impl Group {
    /// The global group (MLX's `mx.distributed.init()`): this process
    /// alone, rank 0 of 1.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// assert_eq!(mlx_nn::Group::world().size(), 1);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn world() -> Group {
        Group { rank: 0, size: 1 }
    }

    /// This process's rank in the group.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// assert_eq!(mlx_nn::Group::world().rank(), 0);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn rank(&self) -> usize {
        self.rank
    }

    /// The number of processes in the group.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// assert_eq!(mlx_nn::Group::world().size(), 1);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn size(&self) -> usize {
        self.size
    }
}

/// Average `gradients` across the processes of `group` (MLX's
/// `nn.average_gradients(gradients, group=None, all_reduce_size=32 MiB)`;
/// `None` means [`Group::world`]). MLX concatenates small arrays into
/// all-reduce calls of about `all_reduce_size` bytes (`<= 0` disables the
/// grouping). With one process, as here, the gradients come back unchanged
/// (the same arrays, as MLX returns the same tree), whatever
/// `all_reduce_size` is. Averaging over several processes is future work,
/// with `mx.distributed`.
///
/// # Errors
/// `[average_gradients] ...` for a group of more than one process (none
/// can be built yet).
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{tree::Tree, Array};
/// let g = Tree::map([("w", Tree::Leaf(Array::from_slice(&[0.5f32], &[1])?))]);
/// let avg = mlx_nn::average_gradients(&g, None, mlx_nn::DEFAULT_ALL_REDUCE_SIZE)?;
/// assert_eq!(avg["w"].as_array().unwrap().to_vec::<f32>()?, vec![0.5]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn average_gradients(
    gradients: &Tree,
    group: Option<&Group>,
    all_reduce_size: i64,
) -> Result<Tree> {
    let group = group.copied().unwrap_or_else(Group::world);
    let _ = all_reduce_size;
    if group.size() == 1 {
        return Ok(gradients.clone());
    }
    Err(Error::invalid(
        "average_gradients",
        format!(
            "averaging over {} processes needs distributed communication, which is not implemented",
            group.size()
        ),
    ))
}
