package dev.erasure.codec.leopard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.erasure.codec.CancelSignal;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Parity produced by catid/leopard's {@code leo_encode} (src/test/resources/vectors/leopard/README.md)
 * must come out of our encoder byte for byte, for every case and kernel; losing the first
 * min(k, m) data shards must decode back to the data.
 */
class GoldenLeopardTest {

    record Case(int k, int m, int shardSize, long seed, String field, String dataSha256, List<String> parityHex,
            List<String> paritySha256) {

        @Override
        public String toString() {
            return k + "+" + m + " x " + shardSize + " (" + field + ")";
        }
    }

    static List<Case> cases() throws IOException {
        try (InputStream in = GoldenLeopardTest.class.getResourceAsStream("/vectors/leopard/leopard.json")) {
            assertThat(in).as("leopard.json").isNotNull();
            JsonNode root = new ObjectMapper().readTree(in);
            List<Case> cases = new ArrayList<>();
            for (JsonNode c : root.get("cases")) {
                List<String> hex = new ArrayList<>();
                if (c.has("parity_hex")) {
                    c.get("parity_hex").forEach(h -> hex.add(h.asText()));
                }
                List<String> sha = new ArrayList<>();
                c.get("parity_sha256").forEach(h -> sha.add(h.asText()));
                cases.add(new Case(c.get("k").asInt(), c.get("m").asInt(), c.get("shard_size").asInt(),
                        c.get("seed").asLong(), c.get("field").asText(), c.get("data_sha256").asText(), hex, sha));
            }
            return cases;
        }
    }

    static Stream<Arguments> casesAndKernels() throws IOException {
        List<Arguments> arguments = new ArrayList<>();
        for (LeopardKernel kernel : LeopardKernelsForTest.all()) {
            for (Case c : cases()) {
                arguments.add(Arguments.of(c, kernel));
            }
        }
        return arguments.stream();
    }

    /** The data of a case: xorshift32 from the seed, one step per byte, shard 0 first, top byte kept. */
    static MemorySegment[] data(Arena arena, Case c) {
        MemorySegment[] data = new MemorySegment[c.k()];
        int s = (int) c.seed();
        byte[] bytes = new byte[c.shardSize()];
        for (int i = 0; i < c.k(); i++) {
            for (int b = 0; b < bytes.length; b++) {
                s ^= s << 13;
                s ^= s >>> 17;
                s ^= s << 5;
                bytes[b] = (byte) (s >>> 24);
            }
            data[i] = arena.allocate(c.shardSize(), 64);
            MemorySegment.copy(bytes, 0, data[i], ValueLayout.JAVA_BYTE, 0, bytes.length);
        }
        return data;
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("casesAndKernels")
    void encode_matchesLeopardParity_andDecodeRestoresLostData(Case c, LeopardKernel kernel) throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment[] data = data(arena, c);
            MessageDigest dataDigest = sha256();
            for (MemorySegment d : data) {
                dataDigest.update(d.toArray(ValueLayout.JAVA_BYTE));
            }
            assertThat(HexFormat.of().formatHex(dataDigest.digest())).as("data generator").isEqualTo(c.dataSha256());

            LeopardEngine engine = new LeopardEngine(c.k(), c.m(), kernel);
            assertThat(engine.method().name().toLowerCase()).isEqualTo(c.field());
            MemorySegment[] parity = new MemorySegment[c.m()];
            for (int j = 0; j < c.m(); j++) {
                parity[j] = arena.allocate(c.shardSize(), 64);
            }
            engine.encode(data, parity, c.shardSize(), CancelSignal.NEVER);
            for (int j = 0; j < c.m(); j++) {
                byte[] bytes = parity[j].toArray(ValueLayout.JAVA_BYTE);
                if (!c.parityHex().isEmpty()) {
                    assertThat(HexFormat.of().formatHex(bytes)).as("parity %d", j).isEqualTo(c.parityHex().get(j));
                }
                assertThat(HexFormat.of().formatHex(sha256().digest(bytes))).as("parity %d sha256", j)
                        .isEqualTo(c.paritySha256().get(j));
            }
            assertThat(engine.verify(data, parity, c.shardSize(), CancelSignal.NEVER)).doesNotContain(true);

            int lost = Math.min(c.k(), c.m());
            MemorySegment[] damaged = data.clone();
            MemorySegment[] out = new MemorySegment[c.k()];
            for (int i = 0; i < lost; i++) {
                damaged[i] = null;
                out[i] = arena.allocate(c.shardSize(), 64);
            }
            engine.decode(damaged, parity, out, c.shardSize(), CancelSignal.NEVER);
            for (int i = 0; i < lost; i++) {
                assertThat(out[i].mismatch(data[i])).as("decoded data shard %d", i).isEqualTo(-1L);
            }
        }
    }

    private static MessageDigest sha256() throws NoSuchAlgorithmException {
        return MessageDigest.getInstance("SHA-256");
    }
}
