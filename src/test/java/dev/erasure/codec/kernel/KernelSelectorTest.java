package dev.erasure.codec.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

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
            KernelProbe.Result probe = "isal".equals(mode) ? KernelProbe.isal() : KernelProbe.vector();
            if (probe.kernel() != null) {
                assertThat(selectWithoutOverride(mode).kernel().name()).isEqualTo(mode);
            } else {
                assertThatThrownBy(() -> selectWithoutOverride(mode))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessage("codec kernel '" + mode + "' was forced but cannot be used: " + probe.detail());
            }
        }
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
