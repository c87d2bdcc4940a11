package dev.erasure.codec;

import static org.assertj.core.api.Assertions.assertThat;
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

    @ParameterizedTest(name = "{0} {1} {2}+{3} size {4}")
    @MethodSource("cases")
    void peerAndCodec_agreeOnParity_andReconstructEachOthersShards(String peerName, CodecKind kind, int dataShards,
            int parityShards, int size) throws Exception {
        Peers.Peer peer = "isal".equals(peerName) ? Peers.isal() : Peers.klauspost();
        assumeTrue(peer.available(), peer.missing());
        String matrix = kind == CodecKind.RS_CAUCHY ? "cauchy" : "vandermonde";
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
