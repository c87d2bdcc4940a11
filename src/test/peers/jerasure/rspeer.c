/*
 * Interop peer on Jerasure 2.0 (Debian libjerasure-dev), built by the Java tests:
 *   gcc -O2 -I/usr/include/jerasure -o target/peers/rspeer-jerasure rspeer.c -lJerasure
 *
 *   rspeer-jerasure encode      reed_sol_van k m size              < k*size data bytes > (k+m)*size shard bytes
 *   rspeer-jerasure reconstruct reed_sol_van k m size lost[,lost]  < (k+m)*size bytes  > (k+m)*size bytes
 *   rspeer-jerasure matrix      reed_sol_van k m                   > the m x k coding matrix, one row per line
 *
 * The coding matrix is reed_sol_vandermonde_coding_matrix(k, m, 8), the default of Ceph's jerasure
 * plugin; encoding is jerasure_matrix_encode and reconstruction jerasure_matrix_decode (row_k_ones
 * set, as the first coding row of this matrix is all ones), which rebuilds lost data and coding
 * shards alike.
 */
#include <jerasure.h>
#include <jerasure/reed_sol.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fail(const char *msg) {
    fprintf(stderr, "rspeer-jerasure: %s\n", msg);
    exit(2);
}

static void read_full(char *buf, size_t n) {
    if (fread(buf, 1, n, stdin) != n) fail("short read on stdin");
}

int main(int argc, char **argv) {
    if (argc < 5 || strcmp(argv[2], "reed_sol_van") != 0)
        fail("usage: rspeer-jerasure encode|reconstruct|matrix reed_sol_van k m [size [lost,...]]");
    int k = atoi(argv[3]), m = atoi(argv[4]), n = k + m;
    if (k < 1 || m < 1 || n > 256) fail("bad shape");
    int *matrix = reed_sol_vandermonde_coding_matrix(k, m, 8);
    if (matrix == NULL) fail("reed_sol_vandermonde_coding_matrix failed");
    if (strcmp(argv[1], "matrix") == 0) {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < k; j++) printf("%d%c", matrix[i * k + j], j == k - 1 ? '\n' : ' ');
        return 0;
    }
    if (argc < 6) fail("size missing");
    size_t size = (size_t) atol(argv[5]);
    if (size < 1) fail("bad size");
    char *shards[256];
    for (int i = 0; i < n; i++) shards[i] = calloc(size, 1);
    if (strcmp(argv[1], "encode") == 0) {
        for (int i = 0; i < k; i++) read_full(shards[i], size);
        jerasure_matrix_encode(k, m, 8, matrix, shards, &shards[k], (int) size);
    } else if (strcmp(argv[1], "reconstruct") == 0) {
        int erasures[257], nlost = 0;
        unsigned char lost[256] = {0};
        for (int i = 0; i < n; i++) read_full(shards[i], size);
        if (argc > 6) {
            for (char *t = strtok(argv[6], ","); t; t = strtok(NULL, ",")) {
                int i = atoi(t);
                if (i < 0 || i >= n || lost[i]) fail("bad lost index");
                lost[i] = 1;
                erasures[nlost++] = i;
            }
        }
        erasures[nlost] = -1;
        if (jerasure_matrix_decode(k, m, 8, matrix, 1, erasures, shards, &shards[k], (int) size) != 0)
            fail("jerasure_matrix_decode failed");
    } else {
        fail("unknown operation");
    }
    for (int i = 0; i < n; i++)
        if (fwrite(shards[i], 1, size, stdout) != size) fail("short write");
    return 0;
}
