package dev.erasure.ops;

import java.util.Locale;

/** The accepted values of {@code erasure.codec.kernel}: how the GF(2^8) kernel is chosen at start. */
public enum KernelMode {
    /** ISA-L if {@code libisal.so.2} loads, else the Vector API kernel if usable, else scalar. */
    AUTO,
    /** Intel ISA-L through FFM downcalls; start fails if the library cannot be loaded. */
    ISAL,
    /** The {@code jdk.incubator.vector} split-nibble kernel; start fails if it is unusable. */
    VECTOR,
    /** The portable reference kernel. */
    SCALAR;

    /** The value as written in configuration and passed to the kernel selector ({@code auto}, ...). */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }
}
