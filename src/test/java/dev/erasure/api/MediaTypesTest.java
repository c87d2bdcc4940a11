package dev.erasure.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which Accept headers get the JSON shard set instead of multipart/mixed. */
class MediaTypesTest {

    @ParameterizedTest(name = "Accept: {0} -> JSON {1}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            "null | false",
            "*/* | false",
            "multipart/mixed | false",
            "application/json | true",
            "Application/JSON | true",
            "application/json; charset=utf-8 | true",
            "multipart/mixed, application/json;q=0.5 | true",
            "application/json;q=0, multipart/mixed | false",
            "application/json; q=0.0 | false",
            "application/problem+json | false",
            "application/json-seq | false"})
    void jsonOnlyWhenNamedWithAPositiveWeight(String accept, boolean json) {
        assertThat(MediaTypes.wantsJson(accept)).isEqualTo(json);
    }
}
