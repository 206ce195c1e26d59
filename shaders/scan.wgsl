// scan kernels.
