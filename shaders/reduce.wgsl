// reduce kernels.
