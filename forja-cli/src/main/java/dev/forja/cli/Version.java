package dev.forja.cli;

import picocli.CommandLine;

/** {@code forja --version}. */
final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[] {
            "forja " + (v == null ? "0.1.0-SNAPSHOT" : v) + " (libtorch 2.10.0 via bytedeco 1.5.13, Java "
                    + System.getProperty("java.version") + ")"
        };
    }
}
