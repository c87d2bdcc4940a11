/*
 * Native baseline for bin/bench-codec: ISA-L ec_encode_data called from C, single thread, on the
 * same shapes as the JMH benchmark (cauchy matrix, as CodecBenchmark).
 *
 * As a program:  gcc -O2 -o target/bench/bench-isal bench.c -lisal
 *   bench-isal <seconds per case> k,m[;k,m...] size[,size...]
 *   prints: isal-c <encode|reconstruct> <k> <m> <size> <GB/s wall clock> <GB/s on thread CPU time>
 * As a library:  gcc -O2 -shared -fPIC -o target/bench/libbench-isal.so bench.c -lisal
 *   double isal_c_cpu_gbs(int reconstruct, int k, int m, int size, double cpu_seconds)
 *   called by CpuTimeComparison through FFM, so the C loop alternates with the Java kernels in
 *   one process and both are timed on thread CPU time.
 *
 * GB/s count data input (k x size bytes per operation). encode computes m parity shards from k
 * data shards; reconstruct rebuilds the first min(k, m) data shards from the next k shards
 * (tables prepared once, outside the timing, as the Java decode-table cache does).
 */
#include <isa-l/erasure_code.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double clock_of(clockid_t id) {
    struct timespec ts;
    clock_gettime(id, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* One prepared case: buffers and tables for both operations of a shape and size. */
static struct {
    int k, m, size, lost;
    unsigned char *shards[256], *src[256], *out[256];
    unsigned char enc_tbls[32 * 256 * 256], dec_tbls[32 * 256 * 256];
} c;

static void prepare(int k, int m, int size) {
    if (c.k == k && c.m == m && c.size == size) return;
    for (int i = 0; i < c.k + c.m; i++) free(c.shards[i]);
    int n = k + m;
    unsigned char a[256 * 256], b[256 * 256], inv[256 * 256];
    c.k = k, c.m = m, c.size = size, c.lost = m < k ? m : k;
    for (int i = 0; i < n; i++) {
        if (posix_memalign((void **) &c.shards[i], 64, size)) exit(2);
        for (int j = 0; j < size; j++) c.shards[i][j] = (unsigned char) rand();
    }
    gf_gen_cauchy1_matrix(a, n, k);
    ec_init_tables(k, m, &a[k * k], c.enc_tbls);
    for (int s = 0; s < k; s++) {
        memcpy(&b[k * s], &a[k * (s + c.lost)], k);
        c.src[s] = c.shards[s + c.lost];
    }
    gf_invert_matrix(b, inv, k);
    for (int e = 0; e < c.lost; e++) c.out[e] = c.shards[e];
    ec_init_tables(k, c.lost, inv, c.dec_tbls); /* rows 0..lost-1 of the inverse */
}

static void once(int reconstruct) {
    if (reconstruct)
        ec_encode_data(c.size, c.k, c.lost, c.dec_tbls, c.src, c.out);
    else
        ec_encode_data(c.size, c.k, c.m, c.enc_tbls, c.shards, &c.shards[c.k]);
}

/* Runs for the given seconds of wall clock; stores both rates. */
static void run(int reconstruct, double seconds, double *wall_gbs, double *cpu_gbs) {
    for (int i = 0; i < 3; i++) once(reconstruct);
    long iters = 0;
    double start = clock_of(CLOCK_MONOTONIC), cpu = clock_of(CLOCK_THREAD_CPUTIME_ID), elapsed;
    do {
        once(reconstruct);
        iters++;
        elapsed = clock_of(CLOCK_MONOTONIC) - start;
    } while (elapsed < seconds);
    double bytes = (double) iters * c.k * c.size;
    *wall_gbs = bytes / elapsed / 1e9;
    *cpu_gbs = bytes / (clock_of(CLOCK_THREAD_CPUTIME_ID) - cpu) / 1e9;
}

double isal_c_cpu_gbs(int reconstruct, int k, int m, int size, double cpu_seconds) {
    prepare(k, m, size);
    once(reconstruct);
    long iters = 0;
    double cpu = clock_of(CLOCK_THREAD_CPUTIME_ID), used;
    do {
        once(reconstruct);
        iters++;
        used = clock_of(CLOCK_THREAD_CPUTIME_ID) - cpu;
    } while (used < cpu_seconds);
    return (double) iters * k * size / used / 1e9;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: bench-isal seconds k,m[;k,m...] size[,size...]\n");
        return 2;
    }
    double seconds = atof(argv[1]), wall, cpu;
    char shapes[4096], sizes[4096];
    snprintf(shapes, sizeof shapes, "%s", argv[2]);
    for (char *sp, *shape = strtok_r(shapes, ";", &sp); shape; shape = strtok_r(NULL, ";", &sp)) {
        int k, m;
        if (sscanf(shape, "%d,%d", &k, &m) != 2) return 2;
        snprintf(sizes, sizeof sizes, "%s", argv[3]);
        for (char *zp, *size = strtok_r(sizes, ",", &zp); size; size = strtok_r(NULL, ",", &zp)) {
            prepare(k, m, atoi(size));
            run(0, seconds, &wall, &cpu);
            printf("isal-c encode %d %d %d %.3f %.3f\n", k, m, c.size, wall, cpu);
            run(1, seconds, &wall, &cpu);
            printf("isal-c reconstruct %d %d %d %.3f %.3f\n", k, m, c.size, wall, cpu);
            fflush(stdout);
        }
    }
    return 0;
}
