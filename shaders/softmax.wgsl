// softmax kernels.
