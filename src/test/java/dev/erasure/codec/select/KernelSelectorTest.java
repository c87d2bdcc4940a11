package dev.erasure.codec.select;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.erasure.codec.isal.IsalLibrary;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class KernelSelectorTest {

    @Test
    void select_unknownMode_namesAcceptedValuesAndValue() {
        assertThatThrownBy(() -> selectWithoutOverride("gpu"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("codec kernel must be one of auto, isal, vector, scalar (got 'gpu')");
    }

    @Test
    void select_scalar_isAlwaysAvailable() {
        KernelSelector.Choice choice = selectWithoutOverride(" Scalar ");
        assertThat(choice.kernel().name()).isEqualTo("scalar");
        assertThat(choice.reason()).contains("forced");
    }

    @Test
    void select_auto_givesAKernelAndSaysWhy() {
        KernelSelector.Choice choice = selectWithoutOverride("auto");
        assertThat(choice.kernel().name()).isIn("isal", "vector", "scalar");
        assertThat(choice.reason()).startsWith("auto: ");
    }

    @Test
    void select_forcedKernel_eitherWorksOrFailsWithReason() {
        for (String mode : new String[] {"isal", "vector"}) {
            KernelProbe probe = "isal".equals(mode) ? KernelProbe.isal(IsalLibrary.system()) : KernelProbe.vector();
            if (probe.usable()) {
                assertThat(selectWithoutOverride(mode).kernel().name()).isEqualTo(mode);
            } else {
                assertThatThrownBy(() -> selectWithoutOverride(mode))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessage("codec kernel '" + mode + "' was forced but cannot be used: " + probe.detail());
            }
        }
    }

    /** What a library lookup threw on a GraalVM build with stand-in FFM support, and two more of its kind. */
    static Stream<Throwable> loaderFailures() {
        return Stream.of(
                new NoClassDefFoundError("jdk/internal/loader/RawNativeLibraries$RawNativeLibraryImpl"),
                new UnsatisfiedLinkError("no libisal.so.2 in java.library.path"),
                new IllegalCallerException("Illegal native access from: unnamed module"));
    }

    @ParameterizedTest
    @MethodSource("loaderFailures")
    void auto_fallsBack_whenLoadingIsalThrowsAnything(Throwable failure) {
        KernelSelector selector = selectorWithIsalLoader(failure);

        KernelSelector.Choice choice = selector.choose("auto");

        assertThat(choice.kernel().name()).isIn("vector", "scalar");
        assertThat(choice.reason()).startsWith("auto: ")
                .contains("ISA-L not used: libisal.so.2 could not be loaded or bound (" + failure + ")");
    }

    @ParameterizedTest
    @MethodSource("loaderFailures")
    void forcedIsal_failsWithTheReason_whenLoadingIsalThrowsAnything(Throwable failure) {
        KernelSelector selector = selectorWithIsalLoader(failure);

        assertThatThrownBy(() -> selector.choose("isal"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("codec kernel 'isal' was forced but cannot be used: "
                        + "libisal.so.2 could not be loaded or bound (" + failure + ")")
                .hasMessageContaining("install Debian package libisal2");
    }

    @Test
    void modesProbeOnlyTheKernelTheyConsider() {
        AtomicInteger isalProbes = new AtomicInteger();
        AtomicInteger vectorProbes = new AtomicInteger();
        KernelSelector selector = new KernelSelector(counting(isalProbes, KernelProbe.unusable("no isal here")),
                counting(vectorProbes, KernelProbe.unusable("no vectors here")));

        assertThat(selector.choose("scalar").kernel().name()).isEqualTo("scalar");
        assertThat(isalProbes).hasValue(0);
        assertThat(vectorProbes).hasValue(0);
        KernelSelector.Choice auto = selector.choose("auto");
        assertThat(auto.kernel().name()).isEqualTo("scalar");
        assertThat(auto.reason()).isEqualTo(
                "auto: scalar kernel; ISA-L not used: no isal here; Vector API not used: no vectors here");
        assertThat(isalProbes).hasValue(1);
        assertThat(vectorProbes).hasValue(1);
    }

    @Test
    void select_systemProperty_overridesConfiguredMode() {
        String saved = System.getProperty(KernelSelector.OVERRIDE_PROPERTY);
        try {
            System.setProperty(KernelSelector.OVERRIDE_PROPERTY, "scalar");
            KernelSelector.Choice choice = KernelSelector.select("auto");
            assertThat(choice.kernel().name()).isEqualTo("scalar");
            assertThat(choice.reason()).contains("erasure.codec.kernel=scalar overrides configured mode 'auto'");
        } finally {
            restore(saved);
        }
    }

    @Test
    void select_inANativeImage_neverUsesTheVectorKernel() {
        String saved = System.getProperty(KernelProbe.NATIVE_IMAGE_PROPERTY);
        try {
            System.setProperty(KernelProbe.NATIVE_IMAGE_PROPERTY, "runtime");

            KernelSelector.Choice auto = selectWithoutOverride("auto");
            assertThat(auto.kernel().name()).isIn("isal", "scalar");
            if (auto.kernel().name().equals("isal")) {
                assertThat(auto.reason()).contains("heap segments on scalar");
            } else {
                assertThat(auto.reason()).contains("running as a native image");
            }
            assertThatThrownBy(() -> selectWithoutOverride("vector"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("codec kernel 'vector' was forced but cannot be used: running as a native image");
        } finally {
            if (saved == null) {
                System.clearProperty(KernelProbe.NATIVE_IMAGE_PROPERTY);
            } else {
                System.setProperty(KernelProbe.NATIVE_IMAGE_PROPERTY, saved);
            }
        }
    }

    private static KernelSelector selectorWithIsalLoader(Throwable failure) {
        return new KernelSelector(() -> KernelProbe.isal(failingLibrary(failure)), KernelProbe::vector);
    }

    /** A binding made through a loader that throws {@code failure}, as the real binding code handles it. */
    private static IsalLibrary failingLibrary(Throwable failure) {
        return IsalLibrary.bind(library -> {
            if (failure instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw (Error) failure;
        });
    }

    private static Supplier<KernelProbe> counting(AtomicInteger calls, KernelProbe probe) {
        return () -> {
            calls.incrementAndGet();
            return probe;
        };
    }

    private static KernelSelector.Choice selectWithoutOverride(String mode) {
        String saved = System.getProperty(KernelSelector.OVERRIDE_PROPERTY);
        try {
            System.clearProperty(KernelSelector.OVERRIDE_PROPERTY);
            return KernelSelector.select(mode);
        } finally {
            restore(saved);
        }
    }

    private static void restore(String saved) {
        if (saved == null) {
            System.clearProperty(KernelSelector.OVERRIDE_PROPERTY);
        } else {
            System.setProperty(KernelSelector.OVERRIDE_PROPERTY, saved);
        }
    }
}
