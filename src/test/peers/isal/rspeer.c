/*
 * Interop peer on Intel ISA-L (Debian libisal-dev), built by the Java tests:
 *   gcc -O2 -o target/peers/rspeer-isal rspeer.c -lisal
 *
 *   rspeer-isal encode      cauchy|rs k m size              < k*size data bytes > (k+m)*size shard bytes
 *   rspeer-isal reconstruct cauchy|rs k m size lost[,lost]  < (k+m)*size bytes  > (k+m)*size bytes
 *
 * The matrix is gf_gen_cauchy1_matrix (cauchy) or gf_gen_rs_matrix (rs); reconstruction follows
 * ISA-L's ec_simple_example.c: the first k surviving rows are inverted with gf_invert_matrix and
 * the lost rows are recomputed with ec_encode_data from the survivors.
 */
#include <isa-l/erasure_code.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fail(const char *msg) {
    fprintf(stderr, "rspeer-isal: %s\n", msg);
    exit(2);
}

static void read_full(unsigned char *buf, size_t n) {
    if (fread(buf, 1, n, stdin) != n) fail("short read on stdin");
}

int main(int argc, char **argv) {
    int rs = argc >= 6 && strcmp(argv[2], "rs") == 0;
    if (argc < 6 || (!rs && strcmp(argv[2], "cauchy") != 0))
        fail("usage: rspeer-isal encode|reconstruct cauchy|rs k m size [lost,...]");
    int k = atoi(argv[3]), m = atoi(argv[4]), n = k + m;
    size_t size = (size_t) atol(argv[5]);
    if (k < 1 || m < 1 || n > 256 || size < 1) fail("bad shape");
    unsigned char *a = malloc(n * k), *g_tbls = malloc(32 * k * n), *shards[256];
    for (int i = 0; i < n; i++) shards[i] = calloc(size, 1);
    if (rs)
        gf_gen_rs_matrix(a, n, k);
    else
        gf_gen_cauchy1_matrix(a, n, k);
    if (strcmp(argv[1], "encode") == 0) {
        for (int i = 0; i < k; i++) read_full(shards[i], size);
        ec_init_tables(k, m, &a[k * k], g_tbls);
        ec_encode_data((int) size, k, m, g_tbls, shards, &shards[k]);
    } else if (strcmp(argv[1], "reconstruct") == 0) {
        unsigned char lost[256] = {0}, b[256 * 256], inv[256 * 256], d[256 * 256], *src[256], *out[256];
        int lost_idx[256], nlost = 0, s = 0;
        for (int i = 0; i < n; i++) read_full(shards[i], size);
        if (argc > 6) {
            for (char *t = strtok(argv[6], ","); t; t = strtok(NULL, ",")) {
                int i = atoi(t);
                if (i < 0 || i >= n || lost[i]) fail("bad lost index");
                lost[i] = 1;
                lost_idx[nlost++] = i;
            }
        }
        if (n - nlost < k) fail("too few shards");
        for (int i = 0; i < n && s < k; i++) {
            if (lost[i]) continue;
            memcpy(&b[k * s], &a[k * i], k);
            src[s++] = shards[i];
        }
        if (gf_invert_matrix(b, inv, k) < 0) fail("singular matrix");
        for (int e = 0; e < nlost; e++) {
            int row = lost_idx[e];
            for (int j = 0; j < k; j++) {
                unsigned char sum = 0;
                for (int i = 0; i < k; i++) sum ^= gf_mul(a[k * row + i], inv[k * i + j]);
                d[k * e + j] = sum;
            }
            out[e] = shards[row];
        }
        if (nlost > 0) {
            ec_init_tables(k, nlost, d, g_tbls);
            ec_encode_data((int) size, k, nlost, g_tbls, src, out);
        }
    } else {
        fail("unknown operation");
    }
    for (int i = 0; i < n; i++)
        if (fwrite(shards[i], 1, size, stdout) != size) fail("short write");
    return 0;
}
