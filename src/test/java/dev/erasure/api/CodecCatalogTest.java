package dev.erasure.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.erasure.codec.CodecKind;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * GET /v1/codecs: every codec with its limits, accepted (MDS) shapes and compatible systems; what
 * it says must be what the coding endpoints do, and the OpenAPI example must be the answer itself.
 */
@QuarkusTest
class CodecCatalogTest extends ApiTestBase {

    private static JsonPath catalog() {
        return given().get("/v1/codecs").then().statusCode(200).contentType("application/json").extract().jsonPath();
    }

    @Test
    void listsEveryCodecWithItsLimitsAndSystems() {
        JsonPath catalog = catalog();
        assertThat(catalog.getString("defaultCodec")).isEqualTo("rs-vandermonde");
        assertThat(catalog.getList("codecs.name", String.class)).containsExactlyElementsOf(
                Arrays.stream(CodecKind.values()).map(CodecKind::wireName).toList());
        for (String name : List.of("rs-vandermonde", "rs-cauchy", "zfec", "jerasure-reed-sol-van")) {
            String codec = "codecs.find { it.name == '" + name + "' }";
            assertThat(catalog.getMap(codec + ".limits.dataShards")).isEqualTo(Map.of("min", 1, "max", 255));
            assertThat(catalog.getMap(codec + ".limits.parityShards")).isEqualTo(Map.of("min", 1, "max", 255));
            assertThat(catalog.getMap(codec + ".limits.totalShards")).isEqualTo(Map.of("min", 2, "max", 256));
            assertThat(catalog.getInt(codec + ".limits.shardSize.multiple")).isEqualTo(1);
            assertThat(catalog.getList(codec + ".mds.shapes")).hasSize(1);
            assertThat(catalog.getList(codec + ".byteCompatibleWith")).isNotEmpty();
            assertThat(catalog.getList(codec + ".usedBy")).isNotEmpty();
        }
        String isal = "codecs.find { it.name == 'isal-rs' }";
        assertThat(catalog.getList(isal + ".mds.shapes.collect { [it.dataShards.max, it.parityShards.max] }"))
                .isEqualTo(List.of(List.of(255, 3), List.of(21, 4), List.of(5, 5), List.of(4, 21), List.of(3, 255)));
        assertThat(catalog.getString(isal + ".usedBy[0]")).contains("Ceph", "isa", "reed_sol_van");
        assertThat(catalog.getString("codecs.find { it.name == 'zfec' }.usedBy[0]")).contains("Tahoe-LAFS");
        assertThat(catalog.getString("codecs.find { it.name == 'jerasure-reed-sol-van' }.usedBy[0]"))
                .contains("Ceph", "jerasure", "reed_sol_van");
    }

    @Test
    void theShapesItListsAreTheShapesTheEndpointsAccept() {
        JsonPath catalog = catalog();
        List<Map<String, Map<String, Integer>>> isalShapes = catalog.getList("codecs.find { it.name == 'isal-rs' }.mds.shapes");
        for (int[] shape : new int[][] {{21, 4}, {22, 4}, {5, 5}, {6, 5}, {253, 3}, {3, 253}, {4, 21}, {4, 22}, {32, 8}}) {
            boolean listed = isalShapes.stream().anyMatch(r -> shape[0] >= r.get("dataShards").get("min")
                    && shape[0] <= r.get("dataShards").get("max") && shape[1] >= r.get("parityShards").get("min")
                    && shape[1] <= r.get("parityShards").get("max"));
            int status = given().contentType("application/octet-stream").body(new byte[] {1, 2, 3})
                    .queryParam("k", shape[0]).queryParam("m", shape[1]).queryParam("codec", "isal-rs")
                    .post("/v1/encode").then().extract().statusCode();
            assertThat(status).as("encode isal-rs %d+%d (listed: %s)", shape[0], shape[1], listed)
                    .isEqualTo(listed ? 200 : 400);
        }
    }

    @Test
    void leopardsRange_saysMAtMostK_andTheEndpointsAgree() {
        JsonPath catalog = catalog();
        String leopard = "codecs.find { it.name == 'leopard' }";
        assertThat(catalog.getList(leopard + ".mds.shapes")).hasSize(1);
        assertThat(catalog.getBoolean(leopard + ".mds.shapes[0].parityAtMostData")).isTrue();
        assertThat(catalog.getString(leopard + ".mds.rule")).contains("m <= k");
        assertThat(catalog.getList("codecs.findAll { it.name != 'leopard' }.mds.shapes.flatten().parityAtMostData"))
                .isNotEmpty().containsOnly(false);
        for (int[] shape : new int[][] {{3, 3}, {3, 4}, {1, 1}, {1, 2}, {100, 28}, {28, 100}}) {
            boolean accepted = CodecKind.LEOPARD.describe().accepts(shape[0], shape[1]);
            assertThat(accepted).as("%d+%d", shape[0], shape[1]).isEqualTo(shape[1] <= shape[0]);
            int status = given().contentType("application/octet-stream").body(new byte[] {1, 2, 3})
                    .queryParam("k", shape[0]).queryParam("m", shape[1]).queryParam("codec", "leopard")
                    .post("/v1/encode").then().extract().statusCode();
            assertThat(status).as("encode leopard %d+%d", shape[0], shape[1]).isEqualTo(accepted ? 200 : 400);
        }
    }

    @Test
    void anotherMethodThanGetOrHead_is405NamingBoth() {
        given().post("/v1/codecs").then().statusCode(405).contentType("application/problem+json")
                .header("Allow", "GET, HEAD");
    }

    @Test
    void head_answersTheHeadersOfGetWithoutTheBody() {
        String length = given().get("/v1/codecs").then().statusCode(200).extract().header("Content-Length");
        given().head("/v1/codecs").then().statusCode(200).contentType("application/json")
                .header("Content-Length", length).body(equalTo(""));
    }

    @Test
    void theOpenApiExampleIsWhatTheServiceAnswers() {
        Object example = given().accept("application/json").get("/q/openapi?format=json").then().statusCode(200)
                .extract().jsonPath().get("paths.'/v1/codecs'.get.responses.'200'.content.'application/json'.example");
        Object actual = given().get("/v1/codecs").then().statusCode(200).body("codecs.size()",
                equalTo(CodecKind.values().length)).extract().jsonPath().get("$");
        assertThat(actual).isEqualTo(example);
    }
}
