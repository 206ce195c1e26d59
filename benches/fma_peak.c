/* The machine's f32 FMA peak, the ceiling for W2 (see README.md, "W2 matmul
 * against the machine's FMA peak"): every thread runs 12 independent chains
 * of 16-lane AVX-512 fused multiply-adds (2 flops per lane) from registers.
 *
 *   gcc -O3 -march=native -fopenmp benches/fma_peak.c -o /tmp/fma_peak
 *   (at -O2, gcc keeps the accumulators in memory and measures a third)
 *   OMP_NUM_THREADS=2 /tmp/fma_peak      # GFLOP/s on 2 threads
 */
#include <immintrin.h>
#include <omp.h>
#include <stdio.h>

#define CHAINS 12
#define ITERS 200000000L

int main(void) {
    double best = 0;
    for (int round = 0; round < 5; round++) {
        double t0 = omp_get_wtime();
        float sink = 0;
#pragma omp parallel reduction(+ : sink)
        {
            __m512 acc[CHAINS];
            __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
            for (int c = 0; c < CHAINS; c++) acc[c] = _mm512_set1_ps((float)c);
            for (long i = 0; i < ITERS / CHAINS; i++)
                for (int c = 0; c < CHAINS; c++) acc[c] = _mm512_fmadd_ps(acc[c], a, b);
            for (int c = 0; c < CHAINS; c++) sink += _mm512_reduce_add_ps(acc[c]);
        }
        double s = omp_get_wtime() - t0;
        double flops = (double)omp_get_max_threads() * (ITERS / CHAINS) * CHAINS * 16 * 2;
        if (flops / s > best) best = flops / s;
        if (sink == 12345.0f) printf("!");
    }
    printf("%d threads: %.0f GFLOP/s f32 FMA peak\n", omp_get_max_threads(), best / 1e9);
    return 0;
}
