package dev.erasure.api;

import dev.erasure.codec.CodecDescription;
import dev.erasure.codec.CodecKind;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /v1/codecs}: every codec the service speaks, with its limits (k, m, total shards,
 * shard-size rule, the shapes it accepts, all of them MDS) and the libraries and systems whose
 * shards it reads and writes, so a client can pick one without reading the docs. Built once from
 * {@link CodecKind#describe()}; a new codec appears here as soon as its kind describes itself.
 */
@ApplicationScoped
public class CodecCatalogRoute {

    /** The answer, encoded once; each response wraps it in a buffer of its own. */
    private final byte[] body = catalog().encode().getBytes(StandardCharsets.UTF_8);

    void init(@Observes Router router) {
        // HEAD as well, as a GET resource should (RFC 9110): the same headers, Content-Length included, no body.
        router.route("/v1/codecs").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(routing -> {
            HttpServerResponse response = routing.response().putHeader("Content-Type", "application/json");
            if (routing.request().method() == HttpMethod.HEAD) {
                response.putHeader("Content-Length", Integer.toString(body.length)).end();
            } else {
                response.end(Buffer.buffer(body));
            }
        });
    }

    /** The response document: the default codec and one entry per {@link CodecKind}, in declaration order. */
    static JsonObject catalog() {
        JsonArray codecs = new JsonArray();
        for (CodecKind kind : CodecKind.values()) {
            codecs.add(entry(kind));
        }
        return new JsonObject().put("defaultCodec", QueryParams.DEFAULT_CODEC.wireName()).put("codecs", codecs);
    }

    private static JsonObject entry(CodecKind kind) {
        CodecDescription d = kind.describe();
        JsonArray shapes = new JsonArray();
        for (CodecDescription.ShapeRange range : d.mdsShapes()) {
            shapes.add(new JsonObject()
                    .put("dataShards", range(range.minDataShards(), Math.min(range.maxDataShards(),
                            d.maxTotalShards() - range.minParityShards())))
                    .put("parityShards", range(range.minParityShards(), Math.min(range.maxParityShards(),
                            d.maxTotalShards() - range.minDataShards())))
                    .put("parityAtMostData", range.parityAtMostData()));
        }
        boolean anyCut = d.mdsShapes().stream().anyMatch(CodecDescription.ShapeRange::parityAtMostData);
        int multiple = d.shardSizeMultiple();
        JsonObject limits = new JsonObject()
                .put("dataShards", range(d.minDataShards(), d.maxDataShards()))
                .put("parityShards", range(d.minParityShards(), d.maxParityShards()))
                .put("totalShards", range(d.minDataShards() + d.minParityShards(), d.maxTotalShards()))
                .put("shardSize", new JsonObject().put("min", multiple).put("multiple", multiple)
                        .put("rule", multiple == 1
                                ? "ceil(object size / k) bytes; the object is zero-padded to k shards"
                                : "ceil(object size / k) rounded up to a multiple of " + multiple
                                        + " bytes; the object is zero-padded to k shards"));
        JsonObject mds = new JsonObject()
                .put("shapes", shapes)
                .put("rule", "a shape is accepted iff k + m <= " + d.maxTotalShards() + " and one of these ranges"
                        + " holds it" + (anyCut ? " (with m <= k where the range says parityAtMostData)" : "")
                        + "; every accepted shape is MDS: any k of the k + m shards rebuild the stripe");
        return new JsonObject()
                .put("name", d.name())
                .put("field", d.field())
                .put("construction", d.construction())
                .put("limits", limits)
                .put("mds", mds)
                .put("byteCompatibleWith", new JsonArray(d.byteCompatibleWith()))
                .put("usedBy", new JsonArray(d.usedBy()));
    }

    private static JsonObject range(int min, int max) {
        return new JsonObject().put("min", min).put("max", max);
    }
}
