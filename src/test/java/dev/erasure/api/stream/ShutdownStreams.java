package dev.erasure.api.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Arrays;
import java.util.Map;

/** The small encode streams of the shutdown tests: 4 + 2, 4 KiB cells, read stripe by stripe. */
final class ShutdownStreams {

    static final int K = 4;
    static final int M = 2;
    static final int CELL = 4096;
    static final int STRIPE = K * CELL;

    private ShutdownStreams() {
    }

    /** Starts an encode stream, sends its first stripe and reads that stripe back. */
    static StreamClient.Parts startStream(StreamClient client, byte[] object) throws IOException {
        client.send("POST /v1/stripes/encode?k=" + K + "&m=" + M + "&cell=" + CELL + " HTTP/1.1\r\nHost: test\r\n"
                + "Content-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
        client.chunk(object, 0, STRIPE);
        client.out.flush();
        client.readHead();
        assertThat(client.status).isEqualTo(200);
        StreamClient.Parts parts = new StreamClient.Parts(client.body(), client.boundary());
        readStripe(parts, object, 0);
        return parts;
    }

    /** Reads the k + m parts of a stripe; the data cells must be the object's bytes (zero-padded). */
    static void readStripe(StreamClient.Parts parts, byte[] object, int stripe) throws IOException {
        byte[] cell = new byte[CELL];
        for (int shard = 0; shard < K + M; shard++) {
            Map<String, String> head = parts.next();
            assertThat(head).containsEntry("stripe-index", Integer.toString(stripe))
                    .containsEntry("shard-index", Integer.toString(shard));
            parts.body(cell, CELL);
            if (shard < K) {
                int from = Math.min(object.length, stripe * STRIPE + shard * CELL);
                byte[] expected = Arrays.copyOf(Arrays.copyOfRange(object, from, Math.min(object.length, from + CELL)), CELL);
                assertThat(cell).as("stripe %d cell %d", stripe, shard).isEqualTo(expected);
            }
        }
    }
}
