package dev.erasure.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.erasure.codec.kernel.ScalarKernel;
import org.junit.jupiter.api.Test;

class CodeCacheTest {

    @Test
    void get_sameShapeTwice_returnsSameInstance() {
        CodeCache codecs = new CodeCache(new ScalarKernel(), 4);
        ErasureCode first = codecs.get(new StripeShape(CodecKind.RS_CAUCHY, 10, 4));
        assertThat(codecs.get(new StripeShape(CodecKind.RS_CAUCHY, 10, 4))).isSameAs(first);
        assertThat(codecs.get(new StripeShape(CodecKind.RS_VANDERMONDE, 10, 4))).isNotSameAs(first);
        assertThat(((ReedSolomon) first).kernel()).isSameAs(codecs.kernel());
    }

    @Test
    void get_moreShapesThanCapacity_dropsLeastRecentlyUsed() {
        CodeCache codecs = new CodeCache(new ScalarKernel(), 2);
        ErasureCode a = codecs.get(new StripeShape(CodecKind.RS_CAUCHY, 2, 1));
        ErasureCode b = codecs.get(new StripeShape(CodecKind.RS_CAUCHY, 3, 1));
        assertThat(codecs.get(new StripeShape(CodecKind.RS_CAUCHY, 2, 1))).isSameAs(a);
        codecs.get(new StripeShape(CodecKind.RS_CAUCHY, 4, 1));
        assertThat(codecs.size()).isEqualTo(2);
        assertThat(codecs.get(new StripeShape(CodecKind.RS_CAUCHY, 2, 1))).isSameAs(a);
        assertThat(codecs.get(new StripeShape(CodecKind.RS_CAUCHY, 3, 1))).isNotSameAs(b);
    }

    @Test
    void get_invalidShape_throwsInvalidShape() {
        CodeCache codecs = new CodeCache(new ScalarKernel(), 2);
        assertThatThrownBy(() -> codecs.get(new StripeShape(CodecKind.RS_CAUCHY, 250, 7)))
                .isInstanceOf(InvalidShapeException.class)
                .hasMessage("k + m must be <= 256 (got 257)");
    }

    @Test
    void constructor_capacityBelowOne_isRejected() {
        assertThatThrownBy(() -> new CodeCache(new ScalarKernel(), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("codec cache capacity must be >= 1 (got 0)");
    }
}
