package dev.erasure.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The streaming multipart parser, fed in chunks split at every possible (and random) position. */
class MultipartParserTest {

    private static final String BOUNDARY = "b0undary";

    /** Collects parts on the heap (the real handler writes them into native memory). */
    private static final class Collected implements MultipartParser.PartHandler {
        final List<Map<String, String>> headers = new ArrayList<>();
        final List<ByteArrayOutputStream> bodies = new ArrayList<>();
        int ended;

        @Override
        public void partStarted(int partNumber, Map<String, String> h) {
            headers.add(h);
            bodies.add(new ByteArrayOutputStream());
        }

        @Override
        public void partData(ByteBuffer bytes) {
            byte[] copy = new byte[bytes.remaining()];
            bytes.get(copy);
            bodies.getLast().writeBytes(copy);
        }

        @Override
        public void partEnded() {
            ended++;
        }
    }

    static byte[] multipart(String preamble, byte[]... bodies) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(preamble.getBytes(StandardCharsets.ISO_8859_1));
        for (int i = 0; i < bodies.length; i++) {
            String head = (i == 0 && preamble.isEmpty() ? "" : "\r\n") + "--" + BOUNDARY + "\r\nShard-Index: " + i + "\r\n\r\n";
            out.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
            out.writeBytes(bodies[i]);
        }
        out.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    private static Collected parse(byte[] body, int... cuts) {
        Collected collected = new Collected();
        MultipartParser parser = new MultipartParser(BOUNDARY, 300, 1024, collected);
        int from = 0;
        for (int cut : cuts) {
            parser.feed(Unpooled.wrappedBuffer(body, from, cut - from));
            from = cut;
        }
        parser.feed(Unpooled.wrappedBuffer(body, from, body.length - from));
        parser.finish();
        return collected;
    }

    /** Bodies that contain almost-delimiters ("\r\n--b0und") so that held-back bytes must be re-emitted. */
    private static byte[][] trickyBodies() {
        return new byte[][] {
            "\r\n--b0und\r\r\n--b0undar".getBytes(StandardCharsets.ISO_8859_1),
            "x\r\n\r\n--b0undarY\r".getBytes(StandardCharsets.ISO_8859_1),
            "\r".getBytes(StandardCharsets.ISO_8859_1),
        };
    }

    @Test
    void everySingleSplitPositionYieldsTheSameParts() {
        byte[][] bodies = trickyBodies();
        byte[] body = multipart("", bodies);
        for (int cut = 0; cut <= body.length; cut++) {
            Collected c = parse(body, cut);
            assertThat(c.ended).as("cut at %d", cut).isEqualTo(bodies.length);
            for (int i = 0; i < bodies.length; i++) {
                assertThat(c.bodies.get(i).toByteArray()).as("part %d, cut at %d", i, cut).isEqualTo(bodies[i]);
                assertThat(c.headers.get(i)).containsEntry("shard-index", Integer.toString(i));
            }
        }
    }

    @Test
    void randomChunkingOfRandomBinaryPartsWithPreamble() {
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            byte[][] bodies = new byte[1 + random.nextInt(5)][];
            for (int i = 0; i < bodies.length; i++) {
                bodies[i] = new byte[1 + random.nextInt(300)];
                for (int j = 0; j < bodies[i].length; j++) {
                    bodies[i][j] = (byte) "\r\n-b0x".charAt(random.nextInt(6));
                }
            }
            byte[] body = multipart(round % 2 == 0 ? "" : "preamble text", bodies);
            int[] cuts = random.ints(1 + random.nextInt(8), 0, body.length + 1).sorted().toArray();
            Collected c = parse(body, cuts);
            assertThat(c.bodies).hasSize(bodies.length);
            for (int i = 0; i < bodies.length; i++) {
                assertThat(c.bodies.get(i).toByteArray()).isEqualTo(bodies[i]);
            }
        }
    }

    @Test
    void bodyWithoutClosingDelimiterIsMalformed() {
        byte[] body = "--b0undary\r\nShard-Index: 0\r\n\r\nabc".getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> parse(body)).isInstanceOf(ApiException.class)
                .hasMessageContaining("ended before the closing delimiter --b0undary--");
    }

    @Test
    void bodyWithoutAnyDelimiterNamesTheBoundary() {
        assertThatThrownBy(() -> parse("just bytes".getBytes(StandardCharsets.ISO_8859_1)))
                .isInstanceOf(ApiException.class).hasMessageContaining("no boundary delimiter --b0undary");
    }

    @Test
    void tooManyPartsAndOversizedHeadersAreRefused() {
        Collected c = new Collected();
        MultipartParser parser = new MultipartParser(BOUNDARY, 2, 1024, c);
        byte[] three = multipart("", new byte[] {1}, new byte[] {2}, new byte[] {3});
        assertThatThrownBy(() -> parser.feed(Unpooled.wrappedBuffer(three)))
                .hasMessage("shard set has more than 2 parts (limit 2)");

        MultipartParser small = new MultipartParser(BOUNDARY, 10, 64, new Collected());
        byte[] big = ("--" + BOUNDARY + "\r\nX-Long: " + "a".repeat(100) + "\r\n\r\nz\r\n--" + BOUNDARY + "--")
                .getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> small.feed(Unpooled.wrappedBuffer(big)))
                .hasMessage("header block of part 1 exceeds 64 bytes (limit 64)");
    }
}
