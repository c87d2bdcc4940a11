package dev.erasure.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The {@code native} Maven profile carries what a Mandrel/GraalVM 25 build of this service needs
 * (there is no native toolchain here to prove it by building): the Vector API module so its classes
 * link, native access for the ISA-L downcalls, FFM and shared-arena support inside an unlocked block,
 * the JDK 25 Mandrel builder image, and integration tests that start the executable without JVM flags.
 */
class NativeProfileTest {

    @Test
    void nativeProfileSetsTheBuildArgumentsTheServiceNeeds() throws Exception {
        Map<String, String> properties = nativeProfileProperties();
        assertThat(properties).containsEntry("quarkus.native.enabled", "true")
                .containsEntry("quarkus.package.jar.enabled", "false");
        assertThat(properties.get("quarkus.native.builder-image")).contains("mandrel").endsWith(":jdk-25");
        List<String> args = Arrays.asList(properties.get("quarkus.native.additional-build-args").split(","));
        assertThat(args).contains("--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-H:+ForeignAPISupport", "-H:+SharedArenaSupport");
        int unlock = args.indexOf("-H:+UnlockExperimentalVMOptions");
        int relock = args.indexOf("-H:-UnlockExperimentalVMOptions");
        assertThat(unlock).as("experimental options are unlocked first").isNotNegative();
        assertThat(args.indexOf("-H:+ForeignAPISupport")).isBetween(unlock, relock);
        assertThat(args.indexOf("-H:+SharedArenaSupport")).isBetween(unlock, relock);
        assertThat(properties.get("erasure.it.arg-line")).as("JVM flags for the native executable").isEmpty();
    }

    static Map<String, String> nativeProfileProperties() throws Exception {
        var pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
        NodeList profiles = pom.getElementsByTagName("profile");
        for (int i = 0; i < profiles.getLength(); i++) {
            Element profile = (Element) profiles.item(i);
            if ("native".equals(profile.getElementsByTagName("id").item(0).getTextContent().strip())) {
                Map<String, String> properties = new HashMap<>();
                NodeList children = ((Element) profile.getElementsByTagName("properties").item(0)).getChildNodes();
                for (int j = 0; j < children.getLength(); j++) {
                    Node child = children.item(j);
                    if (child.getNodeType() == Node.ELEMENT_NODE) {
                        properties.put(child.getNodeName(), child.getTextContent().strip());
                    }
                }
                return properties;
            }
        }
        throw new AssertionError("pom.xml has no profile with id native");
    }
}
