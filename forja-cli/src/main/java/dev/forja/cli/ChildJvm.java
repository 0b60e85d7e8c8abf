package dev.forja.cli;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line that runs {@code forja ARGS} in a new JVM like this one: the same java binary, JVM options (heap,
 * modules, system properties) and class path. What {@code train --nproc-per-node} starts per rank and
 * {@code federate simulate} per site.
 */
final class ChildJvm {
    private ChildJvm() {}

    /** {@code java [this JVM's options] -cp [this class path] dev.forja.cli.Main args...}. */
    static List<String> forja(List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!option.startsWith("-agentlib:jdwp")) command.add(option); // a debugger port cannot be shared
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        command.addAll(args);
        return command;
    }
}
