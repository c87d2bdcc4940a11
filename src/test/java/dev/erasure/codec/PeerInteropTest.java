package dev.erasure.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.erasure.codec.kernel.Kernel;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Byte compatibility with the real peers, built at test time (see {@link Peers}): the same data
 * gives the same parity, shards encoded here reconstruct there, and shards encoded there
 * reconstruct here. Skipped, with what is missing, where a peer cannot be built.
 */
class PeerInteropTest {

    private final Kernel kernel = TestShards.kernelUnderTest();

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        int[][] shapes = {{1, 1, 1}, {4, 2, 1000}, {10, 4, 4097}, {17, 3, 333}, {32, 8, 64}};
        for (int[] s : shapes) {
            cases.add(Arguments.of("klauspost", CodecKind.RS_VANDERMONDE, s[0], s[1], s[2]));
            cases.add(Arguments.of("klauspost", CodecKind.RS_CAUCHY, s[0], s[1], s[2]));
            cases.add(Arguments.of("isal", CodecKind.RS_CAUCHY, s[0], s[1], s[2]));
        }
        return cases.stream();
    }

    /**
     * The codes of Tahoe-LAFS and Ceph against their libraries: fixed shapes (the systems' defaults
     * and the edges) and random ones with odd shard sizes, the same every run (seeded).
     */
    static Stream<Arguments> matrixCodecCases() {
        List<Arguments> cases = new ArrayList<>();
        Object[][] peers = {{"zfec", CodecKind.ZFEC}, {"isal", CodecKind.ISAL_RS},
            {"jerasure", CodecKind.JERASURE_REED_SOL_VAN}};
        int[][] fixed = {{1, 1, 1}, {3, 7, 1001}, {4, 2, 1000}, {21, 4, 333}, {5, 5, 4097}, {3, 253, 3}, {253, 3, 5},
            {128, 128, 17}};
        Random random = new Random(13);
        for (Object[] peer : peers) {
            CodecKind kind = (CodecKind) peer[1];
            for (int[] s : fixed) {
                if (kind.describe().accepts(s[0], s[1])) {
                    cases.add(Arguments.of(peer[0], kind, s[0], s[1], s[2]));
                }
            }
            for (int added = 0; added < 6; ) {
                int dataShards = 1 + random.nextInt(random.nextBoolean() ? 24 : 200);
                int parityShards = 1 + random.nextInt(Math.min(random.nextBoolean() ? 8 : 56, 256 - dataShards));
                int size = 1 + random.nextInt(random.nextBoolean() ? 64 : 5000);
                if (kind.describe().accepts(dataShards, parityShards)) {
                    cases.add(Arguments.of(peer[0], kind, dataShards, parityShards, size));
                    added++;
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}+{3} size {4}")
    @MethodSource("cases")
    void peerAndCodec_agreeOnParity_andReconstructEachOthersShards(String peerName, CodecKind kind, int dataShards,
            int parityShards, int size) throws Exception {
        agreeAndCrossReconstruct(peerName, kind, dataShards, parityShards, size);
    }

    @ParameterizedTest(name = "{0} {1} {2}+{3} size {4}")
    @MethodSource("matrixCodecCases")
    void matrixCodecs_agreeWithTheirLibraries_bothWays(String peerName, CodecKind kind, int dataShards,
            int parityShards, int size) throws Exception {
        agreeAndCrossReconstruct(peerName, kind, dataShards, parityShards, size);
    }

    /**
     * ISA-L itself (gf_invert_matrix) fails on a loss pattern of a shape isal-rs refuses: the
     * pattern IsalRsMdsTest derives from a singular sub-matrix of the parity block.
     */
    @Test
    void isal_cannotDecode_aLossPatternOfARefusedShape() throws Exception {
        Peers.Peer peer = Peers.isal();
        assumeTrue(peer.available(), peer.missing());
        for (int[] shape : new int[][] {{6, 5}, {22, 4}}) {
            int k = shape[0];
            int m = shape[1];
            assertThat(CodecKind.ISAL_RS.describe().accepts(k, m)).isFalse();
            byte[][] matrix = dev.erasure.codec.gf.CodingMatrices.isalRs(k, m);
            int[][] block = new int[m][k];
            for (int p = 0; p < m; p++) {
                for (int c = 0; c < k; c++) {
                    block[p][c] = matrix[k + p][c] & 0xFF;
                }
            }
            int[][] singular = IsalRsMdsTest.firstSingularSubmatrix(block);
            assertThat(singular).isNotNull();
            List<Integer> lost = new ArrayList<>();
            for (int c : singular[1]) {
                lost.add(c);
            }
            for (int p = 0; p < m; p++) {
                int parity = p;
                if (java.util.Arrays.stream(singular[0]).noneMatch(r -> r == parity)) {
                    lost.add(k + p);
                }
            }
            assertThat(lost).hasSize(m);
            String lostArg = lost.stream().sorted().map(String::valueOf).collect(Collectors.joining(","));
            byte[] stripe = new byte[(k + m) * 8];
            assertThatThrownBy(() -> peer.run(stripe, "reconstruct", "rs", String.valueOf(k), String.valueOf(m), "8",
                    lostArg)).as("ISA-L decoding %d+%d after losing %s", k, m, lostArg)
                    .hasMessageContaining("singular matrix");
        }
    }

    private void agreeAndCrossReconstruct(String peerName, CodecKind kind, int dataShards, int parityShards, int size)
            throws Exception {
        Peers.Peer peer = switch (peerName) {
            case "isal" -> Peers.isal();
            case "jerasure" -> Peers.jerasure();
            case "zfec" -> Peers.zfec();
            default -> Peers.klauspost();
        };
        assumeTrue(peer.available(), peer.missing());
        String matrix = switch (kind) {
            case RS_CAUCHY -> "cauchy";
            case RS_VANDERMONDE -> "vandermonde";
            case ISAL_RS -> "rs";
            case JERASURE_REED_SOL_VAN -> "reed_sol_van";
            case ZFEC -> "zfec";
            case LEOPARD -> throw new IllegalArgumentException("leopard has no matrix peer");
        };
        String[] shape = {matrix, String.valueOf(dataShards), String.valueOf(parityShards), String.valueOf(size)};
        int total = dataShards + parityShards;
        Random random = new Random(31L * total + size);
        ReedSolomon codec = ReedSolomon.create(kind, dataShards, parityShards, kernel);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment[] ours = TestShards.randomStripe(arena, dataShards, total, size, random);
            byte[] data = concat(ours, dataShards);
            codec.encode(ours, CancelSignal.NEVER);
            byte[] theirs = peer.run(data, args("encode", shape));
            assertThat(theirs).as("peer parity equals ours").isEqualTo(concat(ours, total));

            List<Integer> lost = lossPattern(total, parityShards, random);
            String lostArg = lost.stream().map(String::valueOf).collect(Collectors.joining(","));
            byte[] damaged = concat(damage(arena, ours, lost), total);
            assertThat(peer.run(damaged, args("reconstruct", shape, lostArg)))
                    .as("peer reconstructs our shards after losing %s", lost).isEqualTo(theirs);

            MemorySegment[] fromPeer = split(arena, theirs, total, size);
            MemorySegment[] rebuilt = damage(arena, fromPeer, lost);
            boolean[] present = new boolean[total];
            java.util.Arrays.fill(present, true);
            lost.forEach(i -> present[i] = false);
            codec.reconstruct(rebuilt, present, CancelSignal.NEVER);
            assertThat(concat(rebuilt, total)).as("we reconstruct peer shards after losing %s", lost).isEqualTo(theirs);
        }
    }

    private static String[] args(String operation, String[] shape, String... more) {
        List<String> all = new ArrayList<>(List.of(operation));
        all.addAll(List.of(shape));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    /** parityShards distinct random indexes: the most a stripe can lose. */
    private static List<Integer> lossPattern(int total, int parityShards, Random random) {
        List<Integer> indexes = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            indexes.add(i);
        }
        Collections.shuffle(indexes, random);
        List<Integer> lost = new ArrayList<>(indexes.subList(0, parityShards));
        Collections.sort(lost);
        return lost;
    }

    private static MemorySegment[] damage(Arena arena, MemorySegment[] shards, List<Integer> lost) {
        MemorySegment[] copy = TestShards.copy(arena, shards);
        lost.forEach(i -> copy[i].fill((byte) 0xA5));
        return copy;
    }

    private static byte[] concat(MemorySegment[] shards, int count) {
        int size = (int) shards[0].byteSize();
        byte[] all = new byte[count * size];
        for (int i = 0; i < count; i++) {
            System.arraycopy(TestShards.bytes(shards[i]), 0, all, i * size, size);
        }
        return all;
    }

    private static MemorySegment[] split(Arena arena, byte[] all, int count, int size) {
        MemorySegment[] shards = new MemorySegment[count];
        for (int i = 0; i < count; i++) {
            shards[i] = arena.allocate(size, 64);
            shards[i].copyFrom(MemorySegment.ofArray(all).asSlice((long) i * size, size));
        }
        return shards;
    }
}
