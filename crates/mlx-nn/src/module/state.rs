//! [`ModuleState`]: the per-module training flag and frozen-parameter
//! names (MLX's `_training` and `_no_grad`).

use std::collections::BTreeSet;

/// A module's training flag and the names of its frozen parameters (keys
/// relative to the module, as MLX's `_no_grad`). A `#[derive(Module)]`
/// struct gets one by having a field of this type; the layers of this
/// crate all do.
///
/// # Examples
/// ```
/// let s = mlx_nn::ModuleState::new();
/// assert!(s.training());
/// assert!(!s.is_frozen("weight"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModuleState {
    training: bool,
    no_grad: BTreeSet<String>,
    pinned: BTreeSet<String>,
}

impl Default for ModuleState {
    fn default() -> Self {
        ModuleState::new()
    }
}

impl ModuleState {
    /// Training mode, nothing frozen (MLX's `Module.__init__`).
    ///
    /// # Examples
    /// ```
    /// assert!(mlx_nn::ModuleState::new().training());
    /// ```
    pub fn new() -> ModuleState {
        ModuleState {
            training: true,
            no_grad: BTreeSet::new(),
            pinned: BTreeSet::new(),
        }
    }

    /// Whether the module is in training mode.
    ///
    /// # Examples
    /// ```
    /// let mut s = mlx_nn::ModuleState::new();
    /// s.set_training(false);
    /// assert!(!s.training());
    /// ```
    pub fn training(&self) -> bool {
        self.training
    }

    /// Set the training flag of this module only.
    ///
    /// # Examples
    /// ```
    /// let mut s = mlx_nn::ModuleState::new();
    /// s.set_training(false);
    /// assert!(!s.training());
    /// ```
    pub fn set_training(&mut self, mode: bool) {
        self.training = mode;
    }

    /// Whether `key` (relative to the module) is frozen.
    ///
    /// # Examples
    /// ```
    /// let mut s = mlx_nn::ModuleState::new();
    /// s.freeze_keys(["bias"]);
    /// assert!(s.is_frozen("bias"));
    /// ```
    pub fn is_frozen(&self, key: &str) -> bool {
        self.no_grad.contains(key)
    }

    /// The frozen keys, sorted.
    ///
    /// # Examples
    /// ```
    /// let mut s = mlx_nn::ModuleState::new();
    /// s.freeze_keys(["b", "a"]);
    /// assert_eq!(s.frozen_keys(), vec!["a", "b"]);
    /// ```
    pub fn frozen_keys(&self) -> Vec<&str> {
        self.no_grad.iter().map(String::as_str).collect()
    }

    /// Freeze `keys`.
    ///
    /// # Examples
    /// ```
    /// let mut s = mlx_nn::ModuleState::new();
    /// s.freeze_keys(["weight"]);
    /// assert!(s.is_frozen("weight"));
    /// ```
    pub fn freeze_keys<S: Into<String>>(&mut self, keys: impl IntoIterator<Item = S>) {
        self.no_grad.extend(keys.into_iter().map(Into::into));
    }

    /// Unfreeze `keys` (all keys when `None`).
    ///
    /// # Examples
    /// ```
    /// let mut s = mlx_nn::ModuleState::new();
    /// s.freeze_keys(["a", "b"]);
    /// s.unfreeze_keys(Some(&["a"]));
    /// assert_eq!(s.frozen_keys(), vec!["b"]);
    /// s.unfreeze_keys(None);
    /// assert!(s.frozen_keys().is_empty());
    /// ```
    pub fn unfreeze_keys(&mut self, keys: Option<&[&str]>) {
        match keys {
            None => self.no_grad.clear(),
            Some(ks) => {
                for k in ks {
                    self.no_grad.remove(*k);
                }
            }
        }
    }

    /// Freeze the pinned keys again (what MLX's `BatchNorm.unfreeze`
    /// does after unfreezing when called on the layer itself).
    ///
    /// # Examples
    /// ```
    /// let mut s = mlx_nn::ModuleState::new();
    /// s.pin_frozen(["running_mean"]);
    /// s.unfreeze_keys(None);
    /// s.refreeze_pinned();
    /// assert!(s.is_frozen("running_mean"));
    /// ```
    pub fn refreeze_pinned(&mut self) {
        self.no_grad.extend(self.pinned.iter().cloned());
    }

    /// Freeze `keys` and pin them: `unfreeze` called on this module
    /// itself freezes them again (MLX's `BatchNorm` running statistics;
    /// an `unfreeze` of a parent module does unfreeze them, as in MLX).
    ///
    /// # Examples
    /// ```
    /// let mut s = mlx_nn::ModuleState::new();
    /// s.pin_frozen(["running_mean"]);
    /// assert!(s.is_frozen("running_mean"));
    /// ```
    pub fn pin_frozen<S: Into<String>>(&mut self, keys: impl IntoIterator<Item = S>) {
        for k in keys {
            let k = k.into();
            self.no_grad.insert(k.clone());
            self.pinned.insert(k);
        }
    }
}
