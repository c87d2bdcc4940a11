/*
 * Native baseline for bin/bench-codec: ISA-L ec_encode_data called from C, single thread, on the
 * same shapes as the JMH benchmark. Prints one line per (operation, k, m, size):
 *   isal-c <encode|reconstruct> <k> <m> <size> <GB/s of data input>
 * Build: gcc -O2 -o target/peers/bench-isal bench.c -lisal
 * Usage: bench-isal <seconds per case> k,m[;k,m...] size[,size...]
 * encode computes m parity shards from k data shards (cauchy matrix); reconstruct rebuilds the
 * first min(k, m) data shards from the remaining shards (tables prepared once, outside the timing,
 * as the Java decode-table cache does).
 */
#include <isa-l/erasure_code.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double run(double seconds, int len, int k, int rows, unsigned char *tbls, unsigned char **in, unsigned char **out) {
    for (int i = 0; i < 3; i++) ec_encode_data(len, k, rows, tbls, in, out);
    long iters = 0;
    double start = now(), elapsed;
    do {
        for (int i = 0; i < 16; i++) ec_encode_data(len, k, rows, tbls, in, out);
        iters += 16;
        elapsed = now() - start;
    } while (elapsed < seconds);
    return (double) iters * k * len / elapsed / 1e9;
}

static void bench(double seconds, int k, int m, int size) {
    int n = k + m;
    unsigned char *a = malloc(n * k), *tbls = malloc(32 * k * n), *shards[256];
    for (int i = 0; i < n; i++) {
        if (posix_memalign((void **) &shards[i], 64, size)) exit(2);
        for (int j = 0; j < size; j++) shards[i][j] = (unsigned char) rand();
    }
    gf_gen_cauchy1_matrix(a, n, k);
    ec_init_tables(k, m, &a[k * k], tbls);
    printf("isal-c encode %d %d %d %.3f\n", k, m, size, run(seconds, size, k, m, tbls, shards, &shards[k]));
    int lost = m < k ? m : k;
    unsigned char b[256 * 256], inv[256 * 256], d[256 * 256], *src[256], *out[256];
    for (int s = 0; s < k; s++) {
        memcpy(&b[k * s], &a[k * (s + lost)], k);
        src[s] = shards[s + lost];
    }
    gf_invert_matrix(b, inv, k);
    for (int e = 0; e < lost; e++) {
        memcpy(&d[k * e], &inv[k * e], k);
        out[e] = shards[e];
    }
    ec_init_tables(k, lost, d, tbls);
    printf("isal-c reconstruct %d %d %d %.3f\n", k, m, size, run(seconds, size, k, lost, tbls, src, out));
    fflush(stdout);
    for (int i = 0; i < n; i++) free(shards[i]);
    free(a);
    free(tbls);
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: bench-isal seconds k,m[;k,m...] size[,size...]\n");
        return 2;
    }
    double seconds = atof(argv[1]);
    char shapes[4096], sizes[4096];
    snprintf(shapes, sizeof shapes, "%s", argv[2]);
    for (char *sp, *shape = strtok_r(shapes, ";", &sp); shape; shape = strtok_r(NULL, ";", &sp)) {
        int k, m;
        if (sscanf(shape, "%d,%d", &k, &m) != 2) return 2;
        snprintf(sizes, sizeof sizes, "%s", argv[3]);
        for (char *zp, *size = strtok_r(sizes, ",", &zp); size; size = strtok_r(NULL, ",", &zp)) bench(seconds, k, m, atoi(size));
    }
    return 0;
}
